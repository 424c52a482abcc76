"""Event subprocesses, errors, escalation, compensation and multi-instance completion."""

from __future__ import annotations

import pytest

from engine.errors import MessageNotCorrelated

from .catalogue import refused, supported
from .support import deploy

AREA = "Subprocesses and errors"

ERROR_EVENT_SUBPROCESS = supported(
    AREA,
    "Interrupting error event subprocess, with errorCodeVariable and errorMessageVariable",
    "sub_error_event_subprocess.bpmn",
)


def names(person) -> list[str]:
    """The names of the tasks in ``person``'s inbox, sorted."""
    return sorted(task.name for task in person.inbox())


@ERROR_EVENT_SUBPROCESS
def test_an_error_event_subprocess_starts_only_when_its_error_is_thrown(scenario):
    deploy(scenario, ERROR_EVENT_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("referral_screening", {"refused_by": "the father"})
    assert names(pat) == ["Gather agency checks", "Screen the referral"]
    pat.complete("Screen the referral", consent=False)
    assert names(pat) == ["Decide whether to proceed without consent"]


@ERROR_EVENT_SUBPROCESS
def test_an_interrupting_event_subprocess_ends_the_process_when_it_completes(scenario):
    deploy(scenario, ERROR_EVENT_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    started = pat.start("referral_screening", {"refused_by": "the mother"})
    pat.complete("Screen the referral", consent=False)
    done = pat.complete("Decide whether to proceed without consent")
    assert done.status == "completed"
    variables = scenario.engine.instance_variables(started.id)
    assert variables["refusal_code"] == "no_consent"
    assert variables["refusal_reason"] == "Consent refused by the mother"


@ERROR_EVENT_SUBPROCESS
def test_without_the_error_the_event_subprocess_never_runs(scenario):
    deploy(scenario, ERROR_EVENT_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("referral_screening")
    pat.complete("Gather agency checks")
    assert pat.complete("Screen the referral", consent=True).status == "completed"


MESSAGE_EVENT_SUBPROCESS = supported(
    AREA, "Non-interrupting message event subprocess", "sub_message_event_subprocess.bpmn"
)


@MESSAGE_EVENT_SUBPROCESS
def test_a_non_interrupting_event_subprocess_runs_alongside_once_per_message(scenario):
    deploy(scenario, MESSAGE_EVENT_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    started = pat.start("section_47_enquiry", business_key="CASE-1")
    assert names(pat) == ["Complete the enquiry"]
    scenario.engine.correlate_message(
        "new_concern", business_key="CASE-1", variables={"by": "school"}
    )
    scenario.engine.correlate_message("new_concern", business_key="CASE-1")
    assert names(pat) == [
        "Complete the enquiry",
        "Review the new concern",
        "Review the new concern",
    ]
    pat.complete("Complete the enquiry")
    pat.complete("Review the new concern")
    last = pat.complete("Review the new concern")
    assert last.status == "completed"
    assert scenario.engine.instance_variables(started.id)["by"] == "school"


ESCALATION_EVENT_SUBPROCESS = supported(
    AREA,
    "Non-interrupting escalation event subprocess (with escalationCodeVariable); "
    "an uncaught escalation is ignored",
    "sub_escalation_event_subprocess.bpmn",
)


@ESCALATION_EVENT_SUBPROCESS
def test_an_escalation_starts_its_event_subprocess_and_an_uncaught_one_is_ignored(scenario):
    deploy(scenario, ESCALATION_EVENT_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("home_visit")
    assert names(mo) == []
    pat.complete("Visit the family")
    assert names(pat) == ["Write up the visit"]
    assert names(mo) == ["Brief the team manager"]
    pat.complete("Write up the visit")
    done = mo.complete("Brief the team manager")
    assert done.status == "completed"
    assert scenario.engine.instance_variables(done.id)["escalated_for"] == "manager"


ERROR_FROM_CALLED_PROCESS = supported(
    AREA,
    "Error end event in a called process, caught by an error boundary event on the call activity",
    "sub_error_from_called_process.bpmn",
)


@ERROR_FROM_CALLED_PROCESS
def test_an_error_thrown_in_a_called_process_interrupts_the_call_activity(scenario):
    deploy(scenario, ERROR_FROM_CALLED_PROCESS)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("strategy_discussion")
    pat.complete("Ask the family for consent", consent=False, asked_by="pat")
    assert names(pat) == []
    assert names(mo) == ["Decide whether to proceed without consent"]
    done = mo.complete("Decide whether to proceed without consent")
    assert done.status == "completed"
    variables = scenario.engine.instance_variables(done.id)
    assert variables["why_stopped"] == "no_consent"
    assert variables["consent_asked_by"] == "pat"  # the call activity's output mapping


@ERROR_FROM_CALLED_PROCESS
def test_a_called_process_that_ends_normally_continues_past_the_call_activity(scenario):
    deploy(scenario, ERROR_FROM_CALLED_PROCESS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("strategy_discussion")
    pat.complete("Ask the family for consent", consent=True)
    assert names(pat) == ["Hold the strategy discussion"]


CATCH_ALL_ERROR_SUBPROCESS = supported(
    AREA,
    "Error event subprocess without errorRef (catches every error, from called processes too)",
    "sub_error_catch_all_event_subprocess.bpmn",
)


@CATCH_ALL_ERROR_SUBPROCESS
def test_an_error_from_a_called_process_reaches_the_callers_error_event_subprocess(scenario):
    deploy(scenario, CATCH_ALL_ERROR_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("child_in_need_plan")
    assert names(pat) == ["Review progress with the family", "Support the family"]
    pat.complete("Review progress with the family", moved=True)
    assert names(pat) == []
    assert names(mo) == ["Transfer or close the case"]
    assert mo.complete("Transfer or close the case").status == "completed"


NESTED_ERROR_SUBPROCESS = supported(
    AREA,
    "Error event subprocess inside an embedded subprocess",
    "sub_error_event_subprocess_in_subprocess.bpmn",
)


@NESTED_ERROR_SUBPROCESS
def test_an_event_subprocess_interrupts_only_its_own_subprocess_which_then_completes(scenario):
    deploy(scenario, NESTED_ERROR_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("single_assessment")
    assert names(pat) == ["Gather the agencies' views", "See the child"]
    pat.complete("See the child", missing=True)
    assert names(pat) == ["Report the child missing"]
    pat.complete("Report the child missing")
    assert names(pat) == ["Plan the next steps"]


TIMER_EVENT_SUBPROCESS = supported(
    AREA, "Non-interrupting timer event subprocess", "sub_timer_event_subprocess.bpmn"
)


@TIMER_EVENT_SUBPROCESS
def test_a_timer_event_subprocess_runs_alongside_when_its_timer_is_due(scenario, clock):
    deploy(scenario, TIMER_EVENT_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("information_request")
    clock.advance(days=4)
    assert scenario.engine.fire_due_timers() == 0
    clock.advance(days=1)
    assert scenario.engine.fire_due_timers() == 1
    assert names(pat) == ["Chase the agency", "Record the agency's reply"]
    pat.complete("Record the agency's reply")
    assert pat.complete("Chase the agency").status == "completed"


@TIMER_EVENT_SUBPROCESS
def test_a_timer_event_subprocess_ends_with_its_scope(scenario, clock):
    deploy(scenario, TIMER_EVENT_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("information_request")
    assert pat.complete("Record the agency's reply").status == "completed"
    clock.advance(days=6)
    assert scenario.engine.fire_due_timers() == 0


refused(
    AREA,
    "Compensation (compensation boundary events, handlers and throw events)",
    "sub_compensation.bpmn",
    "compensation is not supported: JoinedUp does not undo completed work",
)

TRANSACTION = supported(
    AREA,
    "Transaction subprocess with a cancel end event and a cancel boundary event",
    "sub_transaction.bpmn",
    "no compensation runs on cancel (compensation is refused at deploy)",
)


@TRANSACTION
def test_a_cancel_end_event_cancels_the_transaction_and_takes_the_cancel_boundary(scenario):
    deploy(scenario, TRANSACTION)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("respite_arrangement")
    pat.complete("Find a respite carer", carer=False)
    assert names(pat) == ["Tell the family no respite is available"]
    assert pat.complete("Tell the family no respite is available").status == "completed"


@TRANSACTION
def test_a_transaction_that_completes_continues_on_its_outgoing_flow(scenario):
    deploy(scenario, TRANSACTION)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("respite_arrangement")
    assert pat.complete("Find a respite carer", carer=True).status == "completed"


refused(
    AREA,
    "Error or escalation start event outside an event subprocess",
    "sub_error_start_event_outside_handler.bpmn",
    "an error start event can only start an event subprocess",
)
refused(
    AREA,
    "Timer event subprocess with a repeating timer (timeCycle)",
    "sub_timer_cycle_event_subprocess.bpmn",
    "a repeating timer (timeCycle) cannot start an event subprocess here",
)
refused(
    AREA,
    "Conditional event subprocess",
    "sub_conditional_event_subprocess.bpmn",
    "a conditional start event cannot start an event subprocess here",
)


NESTED_MESSAGE_SUBPROCESS = supported(
    AREA,
    "Message event subprocess inside an embedded subprocess",
    "sub_message_event_subprocess_nested.bpmn",
)


@NESTED_MESSAGE_SUBPROCESS
def test_a_message_event_subprocess_listens_only_while_its_subprocess_runs(scenario):
    deploy(scenario, NESTED_MESSAGE_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("early_help", business_key="EH-1")
    scenario.engine.correlate_message("school_concern", business_key="EH-1")
    assert names(pat) == ["Call the school", "Meet the family"]
    pat.complete("Meet the family")
    assert names(pat) == ["Call the school"]
    assert pat.complete("Call the school").status == "completed"


@NESTED_MESSAGE_SUBPROCESS
def test_a_message_event_subprocess_stops_listening_when_its_subprocess_ends(scenario):
    deploy(scenario, NESTED_MESSAGE_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("early_help", business_key="EH-2")
    assert pat.complete("Meet the family").status == "completed"
    with pytest.raises(MessageNotCorrelated):
        scenario.engine.correlate_message("school_concern", business_key="EH-2")


SIGNAL_EVENT_SUBPROCESS = supported(
    AREA,
    "Non-interrupting signal event subprocess",
    "sub_signal_event_subprocess.bpmn",
    "shown with a signal thrown in the same instance; signals from other instances reach it "
    "as far as signals reach other instances (see the signal rows)",
)


@SIGNAL_EVENT_SUBPROCESS
def test_a_signal_starts_its_event_subprocess_alongside_the_process(scenario):
    deploy(scenario, SIGNAL_EVENT_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("pre_proceedings")
    assert names(pat) == ["Hold the pre-proceedings meeting"]
    pat.complete("Hold the pre-proceedings meeting")
    assert names(pat) == ["Review the plan", "Tell the virtual school"]
    pat.complete("Review the plan")
    assert pat.complete("Tell the virtual school").status == "completed"


ESCALATION_BOUNDARIES = supported(
    AREA,
    "Interrupting and non-interrupting escalation boundary events on a subprocess",
    "sub_escalation_boundary_events.bpmn",
)


@ESCALATION_BOUNDARIES
def test_a_non_interrupting_escalation_boundary_lets_the_subprocess_go_on(scenario):
    deploy(scenario, ESCALATION_BOUNDARIES)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("chronology")
    pat.complete("Gather significant events", outcome="concern")
    assert names(pat) == ["Finish the chronology"]
    assert names(mo) == ["Discuss the concern"]
    pat.complete("Finish the chronology")
    assert names(pat) == ["Share the chronology"]


@ESCALATION_BOUNDARIES
def test_an_interrupting_escalation_boundary_cancels_the_subprocess(scenario):
    deploy(scenario, ESCALATION_BOUNDARIES)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("chronology")
    pat.complete("Gather significant events", outcome="stop")
    assert names(pat) == []
    assert names(mo) == ["Close the chronology early"]
    assert mo.complete("Close the chronology early").status == "completed"


UNCAUGHT_ERROR = supported(
    AREA,
    "Error end event that no boundary event or event subprocess catches (ends its path)",
    "sub_uncaught_error.bpmn",
)


@UNCAUGHT_ERROR
def test_an_error_whose_code_nothing_catches_ends_its_path_like_a_none_end_event(scenario):
    deploy(scenario, UNCAUGHT_ERROR)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("referral_triage")
    pat.complete("Check for a duplicate referral", duplicate=True)
    assert names(pat) == ["Decide on the referral"]


refused(
    AREA,
    "Cancel end or boundary event outside a transaction",
    "sub_cancel_end_event_outside_transaction.bpmn",
    "a cancel event belongs to a transaction",
)


CALLED_PROCESS_HANDLER = supported(
    AREA,
    "Error event subprocess in a called process (the nearest catch wins)",
    "sub_error_event_subprocess_in_called_process.bpmn",
)


@CALLED_PROCESS_HANDLER
def test_the_called_processes_own_event_subprocess_catches_before_the_callers_boundary(scenario):
    deploy(scenario, CALLED_PROCESS_HANDLER)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("return_interview")
    pat.complete("Contact the child", reached=False)
    assert names(pat) == ["Try the carer instead"]
    assert names(mo) == []
    pat.complete("Try the carer instead")
    assert names(pat) == ["Record the interview"]


refused(
    AREA,
    "Event subprocess with a plain (none) start event",
    "sub_event_subprocess_none_start.bpmn",
    "an event subprocess needs a start event with an event",
)


INTERRUPTING_MESSAGE_SUBPROCESS = supported(
    AREA,
    "Interrupting message event subprocess",
    "sub_interrupting_message_event_subprocess.bpmn",
)


@INTERRUPTING_MESSAGE_SUBPROCESS
def test_an_interrupting_message_event_subprocess_replaces_the_work_of_its_scope(scenario):
    deploy(scenario, INTERRUPTING_MESSAGE_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("family_assessment", business_key="FA-1")
    scenario.engine.correlate_message("family_moved", business_key="FA-1")
    assert names(pat) == ["Transfer the case to the new authority"]
    with pytest.raises(MessageNotCorrelated):
        scenario.engine.correlate_message("family_moved", business_key="FA-1")
    assert pat.complete("Transfer the case to the new authority").status == "completed"


BOUNDARY_SCOPING = supported(
    AREA,
    "Error boundary events: only the activity the error leaves catches it, a matching code "
    "before a catch-all",
    "sub_error_boundary_scoping.bpmn",
)


@BOUNDARY_SCOPING
def test_an_error_is_caught_on_the_activity_it_leaves_and_by_the_matching_code_first(scenario):
    deploy(scenario, BOUNDARY_SCOPING)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("records_checks")
    pat.complete("Read the school file")
    assert names(pat) == ["Chase the school", "Read the GP file"]
    assert names(mo) == []


HANDLER_PRECEDENCE = supported(
    AREA,
    "Error event subprocesses: the one naming the code before a catch-all",
    "sub_error_event_subprocess_precedence.bpmn",
)


@HANDLER_PRECEDENCE
def test_the_event_subprocess_naming_the_code_catches_before_the_catch_all(scenario):
    deploy(scenario, HANDLER_PRECEDENCE)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("address_check")
    pat.complete("Check the family's address", moved=True)
    assert names(pat) == ["Transfer the case"]
    assert names(mo) == []


@HANDLER_PRECEDENCE
def test_the_catch_all_event_subprocess_catches_the_other_codes(scenario):
    deploy(scenario, HANDLER_PRECEDENCE)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("address_check")
    pat.complete("Check the family's address", moved=False)
    assert names(pat) == []
    assert names(mo) == ["Escalate the address problem"]


HANDLER_RETHROWS = supported(
    AREA,
    "Error thrown inside an error event subprocess (not caught by that event subprocess)",
    "sub_error_thrown_by_its_handler.bpmn",
)


@HANDLER_RETHROWS
def test_an_event_subprocess_does_not_catch_the_error_it_throws_itself(scenario):
    deploy(scenario, HANDLER_RETHROWS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("consultation")
    pat.complete("Consult the partners")
    assert names(pat) == ["Record why the consultation failed"]
    assert pat.complete("Record why the consultation failed").status == "completed"
    assert names(pat) == []

"""Timer start events and signals as Camunda 7 runs them.

Camunda 7 schedules a timer start event when its process is deployed, starts an instance of
that version each time it fires, and replaces the schedule when a new version is deployed. A
thrown signal reaches every subscription of its name in every instance, and starts every latest
process version with a signal start event of that name.
"""

from __future__ import annotations

import base64

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from engine.actors import Actor
from engine.db import make_engine
from engine.demo import DEMO_PASSWORD
from engine.errors import NotPermitted, ProcessError
from engine.events.event_tables import SignalDelivery, SignalSubscription, StartTimer
from engine.models import ProcessInstance
from engine.resources import read_resource
from engine.schema import alembic_config, current_revision, upgrade
from engine.service import Engine

from ..helpers import bpmn, flow, user_task
from .catalogue import refused, supported
from .support import deploy

TIMERS, SIGNALS = "Timers", "Signals"
OWNER = Actor.of("owner", "process-owner", "safeguarding-partnership:process-owner")

TIMER_DATE = supported(TIMERS, "Timer start event with timeDate", "timerstart_date.bpmn")
TIMER_CYCLE = supported(
    TIMERS,
    "Timer start event with timeCycle (R3/PT1H, R/...)",
    "timerstart_cycle.bpmn",
    "the sweep fires it (every 5 s by default), so a start may come up to a sweep late; "
    "cron cycles are refused",
)
TIMER_DURATION = supported(
    TIMERS, "Timer start event with timeDuration (once, after deploy)", "timerstart_duration.bpmn"
)
refused(
    TIMERS,
    "Timer start event beside a none start event",
    "timerstart_with_none_start.bpmn",
    "has more than one none or timer start event",
)
refused(
    TIMERS,
    "Timer start event inside an embedded subprocess",
    "timerstart_in_subprocess.bpmn",
    "an embedded subprocess starts at a none start event",
)
refused(
    TIMERS,
    "Timer start event with a cron timeCycle",
    "timerstart_cron.bpmn",
    "is not an ISO 8601 repeating interval like R3/PT1H",
)
refused(
    TIMERS,
    "Timer start event with an expression",
    "timerstart_expression.bpmn",
    "a timer start event needs a literal ISO 8601 date, duration or cycle",
)


def instances(engine, key: str) -> list[ProcessInstance]:
    with engine.db.reading() as session:
        query = select(ProcessInstance).where(ProcessInstance.process_key == key)
        return list(session.scalars(query.order_by(ProcessInstance.id)))


def task_names(person) -> list[str]:
    return sorted(task.name for task in person.inbox())


@TIMER_DATE
def test_a_timedate_start_event_starts_one_instance_at_that_moment(scenario, engine, clock):
    deploy(scenario, TIMER_DATE)
    pat = scenario.as_user("pat", "practitioner")
    clock.set("2026-12-24T08:59:00+00:00")
    assert engine.fire_due_timers() == 0
    assert pat.inbox() == []
    clock.set("2026-12-24T09:00:00+00:00")
    assert engine.fire_due_timers() == 1
    assert task_names(pat) == ["Check holiday safety plans"]
    clock.advance(days=30)
    assert engine.fire_due_timers() == 0
    assert len(instances(engine, "christmas_eve_check")) == 1


@TIMER_CYCLE
def test_a_cycle_start_event_starts_an_instance_each_time_it_repeats(scenario, engine, clock):
    deploy(scenario, TIMER_CYCLE)
    pat = scenario.as_user("pat", "practitioner")
    clock.advance(minutes=59)
    assert engine.fire_due_timers() == 0
    started = []
    for _hour in range(5):
        clock.advance(hours=1)
        engine.fire_due_timers()
        started.append(len(instances(engine, "unallocated_referrals")))
    assert started == [1, 2, 3, 3, 3]
    assert task_names(pat) == ["Allocate waiting referrals"] * 3


@TIMER_DURATION
def test_a_duration_start_event_fires_once_that_long_after_deploy(scenario, engine, clock):
    deploy(scenario, TIMER_DURATION)
    clock.advance(days=5, minutes=-1)
    assert engine.fire_due_timers() == 0
    clock.advance(minutes=1)
    assert engine.fire_due_timers() == 1
    clock.advance(days=10)
    assert engine.fire_due_timers() == 0
    assert len(instances(engine, "audit_after_launch")) == 1


@TIMER_CYCLE
def test_a_new_version_replaces_the_old_versions_timer_and_starts_itself(scenario, engine, clock):
    first = deploy(scenario, TIMER_CYCLE).deployed[0]
    second_text = TIMER_CYCLE.text.replace("R3/PT1H", "R2/PT2H")
    second = engine.deploy([read_resource(TIMER_CYCLE.diagram, second_text)]).deployed[0]
    clock.advance(hours=1)
    assert engine.fire_due_timers() == 0, "the first version's schedule is gone"
    clock.advance(hours=1)
    assert engine.fire_due_timers() == 1
    assert [i.definition_id for i in instances(engine, "unallocated_referrals")] == [second.id]
    assert first.id != second.id


@TIMER_CYCLE
def test_a_new_version_without_a_timer_start_leaves_nothing_scheduled(scenario, engine, clock):
    deploy(scenario, TIMER_CYCLE)
    by_hand = TIMER_CYCLE.text.replace(
        '<bpmn:timerEventDefinition id="hourly">\n        <bpmn:timeCycle>R3/PT1H</bpmn:timeCycle>'
        "\n      </bpmn:timerEventDefinition>",
        "",
    )
    assert by_hand != TIMER_CYCLE.text
    engine.deploy([read_resource(TIMER_CYCLE.diagram, by_hand)])
    with engine.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(StartTimer)) == 0
    clock.advance(hours=5)
    assert engine.fire_due_timers() == 0
    assert instances(engine, "unallocated_referrals") == []


@TIMER_DATE
def test_starting_a_timer_only_process_by_hand_begins_at_its_timer_start(scenario, engine):
    """Camunda 7: the only start event is the process's initial one, whatever its type."""
    deploy(scenario, TIMER_DATE)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("christmas_eve_check")
    assert task_names(pat) == ["Check holiday safety plans"]
    assert engine.fire_due_timers() == 0


@TIMER_DATE
def test_two_schedulers_sweeping_the_same_moment_start_one_instance(scenario, engine, db, clock):
    deploy(scenario, TIMER_DATE)
    other_node = Engine(db, clock=clock)
    clock.set("2026-12-24T09:00:00+00:00")
    assert engine.fire_due_timers() + other_node.fire_due_timers() == 1
    assert len(instances(engine, "christmas_eve_check")) == 1


SIGNAL_CATCH = supported(SIGNALS, "Intermediate signal catch event", "sig_catch.bpmn")
SIGNAL_END = supported(SIGNALS, "Signal end event (broadcast)", "sig_end_throw.bpmn")
SIGNAL_THROW = supported(
    SIGNALS, "Intermediate signal throw event (broadcast)", "sig_intermediate_throw.bpmn"
)
SIGNAL_START = supported(SIGNALS, "Signal start event", "sig_start.bpmn")
SIGNAL_BOUNDARY = supported(SIGNALS, "Signal boundary event", "sig_boundary.bpmn")
SIGNAL_EVENT_SUBPROCESS = supported(
    SIGNALS, "Event subprocess with a signal start event", "sig_event_subprocess.bpmn"
)
SIGNAL_EXPRESSION = supported(
    SIGNALS,
    "Signal name with an expression (catch, boundary and throw events)",
    "sig_expression_name.bpmn",
    "evaluated on the data of the task that throws or waits (no execution or beans)",
)
refused(
    SIGNALS,
    "Signal start event whose signal name is an expression",
    "sig_expression_start.bpmn",
    "so its name must be plain text",
)
refused(
    SIGNALS,
    "Signal event without a signal",
    "sig_without_signal.bpmn",
    "choose the signal it throws or waits for",
)
refused(
    SIGNALS,
    "Signal throw passing variables (camunda:in)",
    "sig_throw_with_variables.bpmn",
    "a thrown signal carries no variables here",
)


def deploy_all(scenario, *constructs) -> None:
    scenario.engine.deploy([read_resource(c.diagram, c.text) for c in constructs])


def close_the_case(scenario) -> None:
    manager = scenario.as_user("mo", "manager")
    manager.start("close_case")
    manager.complete("Agree the case closure")


@SIGNAL_CATCH
@SIGNAL_END
def test_a_signal_end_event_reaches_every_waiting_instance_whatever_its_business_key(scenario):
    deploy_all(scenario, SIGNAL_CATCH, SIGNAL_END)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("school_support", business_key="CASE-1")
    pat.start("school_support", business_key="CASE-2")
    assert pat.inbox() == []
    close_the_case(scenario)
    assert task_names(pat) == ["End the school support plan"] * 2


@SIGNAL_THROW
def test_an_intermediate_signal_throw_broadcasts_and_carries_on(scenario):
    deploy_all(scenario, SIGNAL_CATCH, SIGNAL_THROW)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("school_support")
    manager = scenario.as_user("mo", "manager")
    manager.start("closure_meeting")
    assert task_names(manager) == ["Write the closure minutes"]
    assert task_names(pat) == ["End the school support plan"]


@SIGNAL_CATCH
def test_a_signal_reaches_only_the_instances_waiting_when_it_is_thrown(scenario):
    deploy_all(scenario, SIGNAL_CATCH, SIGNAL_END)
    close_the_case(scenario)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("school_support")
    assert pat.inbox() == []


@SIGNAL_START
def test_a_signal_start_event_starts_one_instance_of_the_latest_version(scenario, engine):
    deploy_all(scenario, SIGNAL_START, SIGNAL_END)
    newer = SIGNAL_START.text.replace("Send the closure letter", "Send the closure letter now")
    latest = engine.deploy([read_resource(SIGNAL_START.diagram, newer)]).deployed[0]
    close_the_case(scenario)
    pat = scenario.as_user("pat", "practitioner")
    assert task_names(pat) == ["Send the closure letter now"]
    assert [i.definition_id for i in instances(engine, "closure_letter")] == [latest.id]


@SIGNAL_START
def test_a_signal_only_process_started_by_hand_begins_at_its_signal_start(scenario):
    deploy_all(scenario, SIGNAL_START)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("closure_letter")
    assert task_names(pat) == ["Send the closure letter"]


@SIGNAL_BOUNDARY
def test_an_interrupting_signal_boundary_event_cancels_its_task(scenario):
    deploy_all(scenario, SIGNAL_BOUNDARY, SIGNAL_END)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("home_visits")
    assert task_names(pat) == ["Visit the family"]
    close_the_case(scenario)
    assert task_names(pat) == ["Record the last visit"]


@SIGNAL_EVENT_SUBPROCESS
def test_a_non_interrupting_signal_event_subprocess_runs_beside_the_work(scenario):
    deploy_all(scenario, SIGNAL_EVENT_SUBPROCESS, SIGNAL_END)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("family_support")
    assert task_names(pat) == ["Support the family"]
    close_the_case(scenario)
    assert task_names(pat) == ["Support the family", "Tell the school the case has closed"]


@SIGNAL_CATCH
@SIGNAL_START
def test_a_process_owner_sends_a_signal_with_variables(scenario, engine):
    deploy_all(scenario, SIGNAL_CATCH, SIGNAL_START)
    pat = scenario.as_user("pat", "practitioner")
    first = pat.start("school_support")
    engine.send_signal("Case closed", {"closure_reason": "moved away"}, actor=OWNER)
    assert task_names(pat) == ["End the school support plan", "Send the closure letter"]
    assert engine.instance_variables(first.id)["closure_reason"] == "moved away"


def test_a_practitioner_may_not_send_a_signal(scenario, engine):
    deploy_all(scenario, SIGNAL_CATCH)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("school_support")
    with pytest.raises(NotPermitted):
        engine.send_signal("Case closed", {}, actor=pat.actor)
    assert pat.inbox() == []


def test_a_signal_nobody_waits_for_is_a_no_op(engine):
    assert engine.send_signal("Nobody listens", {}, actor=OWNER) == 0


@SIGNAL_EXPRESSION
def test_a_signal_named_by_an_expression_reaches_only_the_case_it_names(scenario):
    deploy_all(scenario, SIGNAL_EXPRESSION)
    pat = scenario.as_user("pat", "practitioner")
    midwife = scenario.as_user("mia", "midwife")
    first = pat.start("birth_of_this_baby", {"case_ref": "CASE-1"})
    pat.start("birth_of_this_baby", {"case_ref": "CASE-2"})
    first_birth = next(t for t in midwife.inbox() if t.instance_id == first.id)
    scenario.engine.complete(first_birth.id, {}, midwife.actor)
    assert task_names(pat) == ["Plan for the birth", "Record that the birth overtook the plan"]


@SIGNAL_CATCH
def test_the_modeler_api_sends_a_signal_with_typed_variables(app, scenario, engine):
    deploy_all(scenario, SIGNAL_CATCH)
    pat = scenario.as_user("pat", "practitioner")
    waiting = pat.start("school_support")
    token = base64.b64encode(f"owner:{DEMO_PASSWORD}".encode()).decode()
    body = {"name": "Case closed", "variables": {"closed_by": {"value": "MASH", "type": "String"}}}
    answer = app.test_client().post(
        "/engine-rest/signal", json=body, headers={"Authorization": f"Basic {token}"}
    )
    assert answer.status_code == 204, answer.get_data(as_text=True)
    assert "End the school support plan" in task_names(pat)
    assert engine.instance_variables(waiting.id)["closed_by"] == "MASH"


BROKEN_AFTER_CLOSURE = bpmn(
    "broken_after_closure",
    '<bpmn:startEvent id="begin"/>'
    '<bpmn:intermediateCatchEvent id="closed"><bpmn:signalEventDefinition signalRef="closed_signal"/>'
    "</bpmn:intermediateCatchEvent>"
    '<bpmn:exclusiveGateway id="which" default="to_end"/>'
    + user_task("review", "Review", 'camunda:candidateGroups="practitioner"')
    + '<bpmn:endEvent id="end"/>'
    + flow("begin", "closed")
    + flow("closed", "which")
    + flow("which", "review", "${no_such_variable > 1}")
    + flow("which", "end", flow_id="to_end")
    + flow("review", "end", flow_id="review_end"),
    extra='<bpmn:signal id="closed_signal" name="Case closed"/>',
)


def test_a_failing_receiver_is_recorded_and_retried_without_blocking_the_others(
    scenario, engine, clock
):
    scenario.deploy("broken_after_closure.bpmn", BROKEN_AFTER_CLOSURE)
    deploy_all(scenario, SIGNAL_CATCH)
    pat = scenario.as_user("pat", "practitioner")
    broken = pat.start("broken_after_closure")
    pat.start("school_support")
    assert engine.send_signal("Case closed", {}, actor=OWNER) == 2
    assert task_names(pat) == ["End the school support plan"]
    with engine.db.reading() as session:
        [failed] = session.scalars(select(SignalDelivery)).all()
    assert (failed.instance_id, failed.attempts) == (broken.id, 1)
    assert "no_such_variable" in failed.last_error
    clock.advance(minutes=1)
    engine.fire_due_timers()
    with engine.db.reading() as session:
        assert session.scalars(select(SignalDelivery.attempts)).all() == [2]


def test_migration_0013_goes_down_to_0012_and_up_again(tmp_path):
    database = make_engine(f"sqlite:///{tmp_path / 'migrations.sqlite'}")
    upgrade(database)
    command.downgrade(alembic_config(database), "0012")
    assert "start_timer" not in inspect(database).get_table_names()
    upgrade(database)
    tables = set(inspect(database).get_table_names())
    assert {"start_timer", "signal_subscription", "signal_delivery"} <= tables
    head = ScriptDirectory.from_config(alembic_config(database)).get_current_head()
    assert current_revision(database) == head  # later migrations follow 0013
    database.dispose()


TIMER_EVENT_SUBPROCESS = supported(
    TIMERS,
    "Event subprocess with a non-interrupting timer start event",
    "timerstart_event_subprocess_chase.bpmn",
)
refused(
    TIMERS,
    "Event subprocess with an interrupting timer start event",
    "timerstart_event_subprocess_deadline.bpmn",
    "an interrupting timer event subprocess is not supported yet",
)
refused(
    SIGNALS,
    "Signal event subprocess inside an embedded subprocess",
    "sig_event_subprocess_nested.bpmn",
    "a signal event subprocess inside a subprocess is not supported",
)
refused(
    SIGNALS,
    "Call activity calling a process with a signal event subprocess",
    "sig_called_event_subprocess.bpmn",
    "whose signal event subprocess would never hear its signal in a called process",
)
refused(
    SIGNALS,
    "Event subprocess with an interrupting signal start event",
    "sig_event_subprocess_interrupting.bpmn",
    "an interrupting signal event subprocess is not supported yet",
)


@TIMER_EVENT_SUBPROCESS
def test_a_non_interrupting_timer_event_subprocess_chases_beside_the_work(scenario, clock):
    deploy(scenario, TIMER_EVENT_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("referral_with_chase")
    clock.advance(days=5, minutes=-1)
    scenario.engine.fire_due_timers()
    assert task_names(pat) == ["Screen the referral"]
    clock.advance(minutes=1)
    scenario.engine.fire_due_timers()
    assert task_names(pat) == ["Chase the school for its report", "Screen the referral"]


@TIMER_DATE
def test_a_called_process_with_a_timer_start_begins_when_it_is_called(scenario, engine):
    """Camunda 7: a call activity starts the called process at its initial start event."""
    deploy(scenario, TIMER_DATE)
    caller = bpmn(
        "holiday_arrangements",
        '<bpmn:startEvent id="begin"/><bpmn:callActivity id="check" calledElement="christmas_eve_check"/>'
        '<bpmn:endEvent id="end"/>' + flow("begin", "check") + flow("check", "end"),
    )
    scenario.deploy("holiday_arrangements.bpmn", caller)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("holiday_arrangements")
    assert task_names(pat) == ["Check holiday safety plans"]


SIGNAL_START_BESIDE_NONE = supported(
    SIGNALS, "Signal start event beside a none start event", "sig_start_beside_none.bpmn"
)


@SIGNAL_START_BESIDE_NONE
def test_a_start_by_hand_begins_at_the_none_start_and_the_signal_starts_another(scenario, engine):
    deploy_all(scenario, SIGNAL_START_BESIDE_NONE)
    manager = scenario.as_user("mo", "manager")
    by_hand = manager.start("closure_review")
    with engine.db.reading() as session:
        waiting = session.scalars(
            select(SignalSubscription).where(SignalSubscription.instance_id == by_hand.id)
        ).all()
    assert waiting == [], "a start by hand does not also wait for the signal"
    manager.complete("Review the closure decision")
    assert engine.send_signal("Case closed", {}, actor=OWNER) == 1
    assert task_names(manager) == ["Review the closure decision"]
    assert [i.status for i in instances(engine, "closure_review")] == ["completed", "running"]


def test_a_process_with_only_event_starts_cannot_be_started_by_hand(scenario, engine):
    """Camunda 7 has no initial start event to begin at, so a start by hand fails."""
    two_signals = bpmn(
        "two_ways_in",
        '<bpmn:startEvent id="on_closure"><bpmn:signalEventDefinition signalRef="closed"/>'
        "</bpmn:startEvent>"
        '<bpmn:startEvent id="on_transfer"><bpmn:signalEventDefinition signalRef="moved"/>'
        "</bpmn:startEvent>"
        + user_task("tidy_up", "Tidy up the records", 'camunda:candidateGroups="practitioner"')
        + '<bpmn:endEvent id="end"/>'
        + flow("on_closure", "tidy_up")
        + flow("on_transfer", "tidy_up")
        + flow("tidy_up", "end"),
        extra='<bpmn:signal id="closed" name="Case closed"/><bpmn:signal id="moved" name="Moved"/>',
    )
    scenario.deploy("two_ways_in.bpmn", two_signals)
    pat = scenario.as_user("pat", "practitioner")
    with pytest.raises(ProcessError, match="no none start event"):
        pat.start("two_ways_in")
    assert engine.send_signal("Moved", {}, actor=OWNER) == 1
    assert task_names(pat) == ["Tidy up the records"]

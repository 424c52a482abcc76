"""The rest of the Camunda 7 palette: tasks, events, gateways, subprocesses, pools and process
attributes either run as Camunda 7 documents them or are refused at deploy."""

from __future__ import annotations

import pytest

from engine.errors import NotFound
from engine.models import ProcessInstance

from .catalogue import refused, supported
from .support import deploy

TASKS, EVENTS, COLLABORATION = "Tasks", "Events", "Collaboration"


def status(engine, instance_id):
    with engine.db.reading() as session:
        return session.get(ProcessInstance, instance_id).status


def names(person):
    return sorted(task.name for task in person.inbox())


UNTYPED_TASK = supported(TASKS, "Task (untyped)", "pal_untyped_task.bpmn")
MANUAL_TASK = supported(TASKS, "Manual task", "pal_manual_task.bpmn")


RESULT_VARIABLE = supported(
    TASKS,
    "Script task with camunda:resultVariable",
    "pal_script_result_variable.bpmn",
    "The script is one expression (Camunda 7: any script, whose last statement gives the value)",
)


@RESULT_VARIABLE
@pytest.mark.parametrize(
    ("concerns", "injury", "next_task"),
    [(3, False, "Hold the strategy discussion"), (1, False, "Give advice to the referrer")],
)
def test_a_script_tasks_value_is_stored_in_its_result_variable(
    scenario, concerns, injury, next_task
):
    deploy(scenario, RESULT_VARIABLE)
    pat = scenario.as_user("pat", "practitioner")
    started = pat.start("pal_script_result_variable", {"concerns": concerns, "injury": injury})
    assert names(pat) == [next_task]
    variables = scenario.engine.instance_variables(started.id)
    assert variables["strategy_needed"] is (concerns >= 2)


@UNTYPED_TASK
def test_an_untyped_task_is_passed_through(scenario):
    deploy(scenario, UNTYPED_TASK)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("pal_untyped_task")
    assert names(pat) == ["Screen the referral"]


@MANUAL_TASK
def test_a_manual_task_is_passed_through_without_a_work_item(scenario):
    deploy(scenario, MANUAL_TASK)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("pal_manual_task")
    assert names(pat) == ["Record what the school said"]


NONE_THROW = supported(
    EVENTS,
    "Intermediate throw event without a definition (a milestone)",
    "pal_none_throw_event.bpmn",
)
TERMINATE = supported(EVENTS, "Terminate end event in a process", "pal_terminate_end.bpmn")
TERMINATE_IN_SUBPROCESS = supported(
    EVENTS, "Terminate end event in an embedded subprocess", "pal_terminate_in_subprocess.bpmn"
)
LINK = supported(EVENTS, "Link throw and catch events", "pal_link_events.bpmn")
LINK_IN_SUBPROCESS = supported(
    EVENTS, "Link throw and catch events in an embedded subprocess", "pal_link_in_subprocess.bpmn"
)


@NONE_THROW
def test_a_none_intermediate_throw_event_is_passed_through(scenario):
    deploy(scenario, NONE_THROW)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("pal_none_throw_event")
    assert names(pat) == ["Plan the home visit"]


@TERMINATE
def test_a_terminate_end_event_ends_the_instance_and_cancels_all_other_work(scenario):
    deploy(scenario, TERMINATE)
    pat = scenario.as_user("pat", "practitioner")
    started = pat.start("pal_terminate_end", {"significant_harm": False})
    assert names(pat) == ["Gather agency checks", "Hold the strategy discussion"]
    pat.complete("Hold the strategy discussion")
    assert names(pat) == []
    assert status(scenario.engine, started.id) == "completed"


@TERMINATE
def test_without_reaching_the_terminate_end_event_the_other_work_carries_on(scenario):
    deploy(scenario, TERMINATE)
    pat = scenario.as_user("pat", "practitioner")
    started = pat.start("pal_terminate_end", {"significant_harm": True})
    pat.complete("Hold the strategy discussion")
    assert names(pat) == ["Gather agency checks", "Start section 47 enquiries"]
    assert status(scenario.engine, started.id) != "completed"


@TERMINATE_IN_SUBPROCESS
def test_a_terminate_end_event_in_a_subprocess_ends_only_the_subprocess(scenario):
    deploy(scenario, TERMINATE_IN_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    started = pat.start("pal_terminate_in_subprocess")
    assert names(pat) == ["Check health records", "Check police records"]
    pat.complete("Check police records")
    assert names(pat) == ["Decide on next steps"]
    pat.complete("Decide on next steps")
    assert status(scenario.engine, started.id) == "completed"


@LINK
def test_a_link_throw_event_continues_at_the_catch_event_of_the_same_name(scenario):
    deploy(scenario, LINK)
    pat = scenario.as_user("pat", "practitioner")
    started = pat.start("pal_link_events")
    pat.complete("Screen the referral")
    assert names(pat) == ["Hold the strategy discussion"]
    pat.complete("Hold the strategy discussion")
    assert status(scenario.engine, started.id) == "completed"


@LINK_IN_SUBPROCESS
def test_a_link_in_a_subprocess_continues_inside_that_subprocess(scenario):
    deploy(scenario, LINK_IN_SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    started = pat.start("pal_link_in_subprocess")
    pat.complete("Check police records")
    assert names(pat) == ["Summarise the checks"]
    pat.complete("Summarise the checks")
    assert names(pat) == ["Decide on next steps"]
    pat.complete("Decide on next steps")
    assert status(scenario.engine, started.id) == "completed"


POOLS = supported(
    COLLABORATION,
    "Pools and message flows: the executable pool's process runs; a non-executable pool is ignored",
    "pal_collaboration.bpmn",
    "Message flows are documentation in both: messages are correlated by name",
)


@POOLS
def test_the_executable_pool_runs_and_the_non_executable_pool_is_not_deployed(scenario):
    deploy(scenario, POOLS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("pal_collaboration")
    assert names(pat) == ["Screen the referral"]
    with pytest.raises(NotFound):
        pat.start("pal_collaboration_school")


# --- refused at deploy ------------------------------------------------------------------------

NOT_SUPPORTED = "is not supported by JoinedUp"
GATEWAYS, SUBPROCESSES, ATTRIBUTES = "Gateways", "Subprocesses", "Process attributes"

refused(
    TASKS,
    "Script task in JavaScript, Groovy or any Format but python",
    "pal_script_javascript.bpmn",
    f"scriptFormat 'javascript' {NOT_SUPPORTED}: JoinedUp runs only inline scripts in its own "
    "expression language",
)
refused(
    TASKS,
    "Script task with an external script (camunda:resource)",
    "pal_script_external_resource.bpmn",
    f"An external script (camunda:resource) {NOT_SUPPORTED}",
)
refused(
    TASKS,
    "Script task with camunda:resultVariable and a script of several statements",
    "pal_script_result_variable_assignments.bpmn",
    "with camunda:resultVariable the script must be one expression, whose value is stored",
)
refused(
    TASKS,
    "Standard loop characteristics (loop marker)",
    "pal_standard_loop.bpmn",
    f"bpmn:standardLoopCharacteristics {NOT_SUPPORTED}: Camunda 7 does not run loops",
)
refused(
    TASKS,
    "Embedded or app form (camunda:formKey embedded:/app:)",
    "pal_form_key_embedded.bpmn",
    "is an embedded or external form, which cannot be shown here",
)
refused(
    TASKS,
    "Java form handler (camunda:formHandlerClass)",
    "pal_form_handler_class.bpmn",
    f"camunda:formHandlerClass {NOT_SUPPORTED}: a Java form handler cannot run here",
)
refused(
    TASKS,
    "User task offered by BPMN resource assignment (potentialOwner)",
    "pal_potential_owner.bpmn",
    f"bpmn:potentialOwner {NOT_SUPPORTED}: set camunda:candidateGroups",
)
for diagram, kind in (
    ("pal_conditional_catch.bpmn", "intermediate catch event"),
    ("pal_conditional_boundary.bpmn", "boundary event"),
    ("pal_conditional_start.bpmn", "start event"),
):
    refused(
        EVENTS,
        f"Conditional {kind}",
        diagram,
        f"bpmn:conditionalEventDefinition {NOT_SUPPORTED}: JoinedUp does not evaluate "
        "conditions when variables change",
    )
refused(
    EVENTS,
    "Multiple event (several event definitions on one event)",
    "pal_multiple_event.bpmn",
    f"A multiple event (several triggers on one event) {NOT_SUPPORTED}: Camunda 7 does not "
    "run them",
)
refused(
    EVENTS,
    "Parallel multiple event",
    "pal_parallel_multiple_event.bpmn",
    f"A parallel multiple event {NOT_SUPPORTED}: Camunda 7 does not run them",
)
refused(
    EVENTS,
    "Link throw event without a catch event of its name",
    "pal_link_without_catch.bpmn",
    "no link catch event called 'strategy' in the same process or subprocess",
)
refused(
    EVENTS,
    "Start form (camunda:formData, formKey or formRef on a start event)",
    "pal_start_form.bpmn",
    f"A start form {NOT_SUPPORTED}: processes start from a case page or another process",
)
refused(
    GATEWAYS,
    "Complex gateway",
    "pal_complex_gateway.bpmn",
    f"bpmn:complexGateway {NOT_SUPPORTED}: Camunda 7 does not run complex gateways",
)
refused(
    GATEWAYS,
    "Condition written as a script (Condition type: Script, e.g. Groovy)",
    "pal_script_condition.bpmn",
    f"A condition written as a script (groovy) {NOT_SUPPORTED}: choose Condition type Expression",
)
refused(
    SUBPROCESSES,
    "Ad-hoc subprocess",
    "pal_ad_hoc_subprocess.bpmn",
    "ad-hoc subprocesses are not supported: Camunda 7 does not run them",
)
refused(
    SUBPROCESSES,
    "Call activity bound to a deployment, version or version tag (calledElementBinding)",
    "pal_call_binding_version.bpmn",
    f"calledElementBinding 'version' {NOT_SUPPORTED}: a call starts the latest version",
)
refused(
    COLLABORATION,
    "A file with several executable processes",
    "pal_several_executable_processes.bpmn",
    f"A file with several executable processes {NOT_SUPPORTED}: this file has 2 "
    "(pal_several_mash, pal_several_school); JoinedUp deploys one process per file",
)
refused(
    COLLABORATION,
    "A file without an executable process",
    "pal_no_executable_process.bpmn",
    "no executable process: tick 'Executable' on the process in Camunda Modeler",
)
refused(
    COLLABORATION,
    "Data input or output association",
    "pal_data_association.bpmn",
    f"bpmn:dataOutputAssociation {NOT_SUPPORTED}: in JoinedUp's engine a data association "
    "moves variables",
)
refused(
    ATTRIBUTES,
    "camunda:candidateStarterUsers",
    "pal_candidate_starter_users.bpmn",
    f"camunda:candidateStarterUsers {NOT_SUPPORTED}: only groups may start a process here",
)
refused(
    ATTRIBUTES,
    "Retry time cycle (camunda:failedJobRetryTimeCycle)",
    "pal_failed_job_retry.bpmn",
    f"camunda:failedJobRetryTimeCycle {NOT_SUPPORTED}: a step that fails here is rolled back",
)
refused(
    ATTRIBUTES,
    "Any camunda: attribute JoinedUp does not know (a typo such as camunda:asignee)",
    "pal_unknown_attribute.bpmn",
    f"camunda:asignee {NOT_SUPPORTED}: it is not a Camunda 7 attribute JoinedUp knows",
)
refused(
    ATTRIBUTES,
    "A camunda: attribute on an element Camunda 7 does not read it on",
    "pal_attribute_on_wrong_element.bpmn",
    f"camunda:candidateGroups on a bpmn:manualTask {NOT_SUPPORTED}: Camunda 7 reads it only on "
    "bpmn:userTask",
)
refused(
    ATTRIBUTES,
    "Any extension element that is not Camunda 7's (zeebe:, other tools)",
    "pal_foreign_extension.bpmn",
    f"the extension zeebe:taskDefinition {NOT_SUPPORTED}: it is not a Camunda 7 extension",
)


# --- process and element attributes -----------------------------------------------------------

ASYNC = supported(
    ATTRIBUTES,
    "Asynchronous continuations (camunda:asyncBefore, asyncAfter, exclusive)",
    "pal_async_continuations.bpmn",
    "No job executor: the next steps run at once, in the transaction of the step that reached "
    "them (a failure rolls that step back); what people see is the same",
)
PRIORITIES = supported(
    ATTRIBUTES,
    "Job and task priorities (camunda:jobPriority, taskPriority)",
    "pal_job_priority.bpmn",
    "Steps run at once and due timers fire in due order, so priorities change nothing",
)
VERSION_TAG = supported(
    ATTRIBUTES,
    "camunda:versionTag",
    "pal_version_tag.bpmn",
    "Kept in the deployed diagram; versions are told apart by number (not shown on the "
    "processes page; /engine-rest answers versionTag null)",
)
HISTORY_TTL = supported(
    ATTRIBUTES,
    "camunda:historyTimeToLive",
    "pal_history_time_to_live.bpmn",
    "History is kept; removing it when the time to live has passed is not yet done (issue 18)",
)
NOT_IN_TASKLIST = supported(
    ATTRIBUTES,
    'camunda:isStartableInTasklist="false"',
    "pal_not_startable_in_tasklist.bpmn",
    "Not offered on case pages or in the API's start list, and its candidate starter groups "
    "cannot start it on a case; its process owners (Modeler, /engine-rest) and other processes "
    "can",
)
ARTEFACTS = supported(
    COLLABORATION,
    "Text annotations, groups, documentation, data objects and data stores (no associations)",
    "pal_artefacts.bpmn",
)


@ASYNC
def test_asynchronous_continuations_run_the_process_as_without_them(scenario):
    deploy(scenario, ASYNC)
    pat = scenario.as_user("pat", "practitioner")
    started = pat.start("pal_async_continuations")
    assert names(pat) == ["Screen the referral"]
    assert scenario.engine.instance_variables(started.id)["risk"] == 2
    pat.complete("Screen the referral")
    assert status(scenario.engine, started.id) == "completed"


@PRIORITIES
def test_a_prioritised_timer_fires_when_due(scenario, clock):
    deploy(scenario, PRIORITIES)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("pal_job_priority")
    assert names(pat) == []
    clock.advance(days=2)
    scenario.engine.fire_due_timers()
    assert names(pat) == ["Chase the school"]


@VERSION_TAG
def test_a_tagged_process_deploys_and_runs(scenario):
    deploy(scenario, VERSION_TAG)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("pal_version_tag")
    assert names(pat) == ["Screen the referral"]


@HISTORY_TTL
def test_a_process_with_a_time_to_live_deploys_and_runs(scenario):
    deploy(scenario, HISTORY_TTL)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("pal_history_time_to_live")
    assert names(pat) == ["Screen the referral"]


@NOT_IN_TASKLIST
def test_a_process_not_startable_in_tasklist_is_not_offered_to_start(scenario):
    deploy(scenario, NOT_IN_TASKLIST)
    engine = scenario.engine
    pat = scenario.as_user("pat", "practitioner")
    assert [p.key for p in engine.startable_processes(pat.actor)] == []
    started = pat.start("pal_not_startable_in_tasklist")  # as another process or an owner would
    assert names(pat) == ["Chase the school"]
    assert status(engine, started.id) == "running"


@ARTEFACTS
def test_annotations_groups_and_data_objects_change_nothing(scenario):
    deploy(scenario, ARTEFACTS)
    pat = scenario.as_user("pat", "practitioner")
    started = pat.start("pal_artefacts")
    pat.complete("Screen the referral", outcome="strategy discussion")
    assert status(scenario.engine, started.id) == "completed"

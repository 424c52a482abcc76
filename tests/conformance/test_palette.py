"""The rest of the Camunda 7 palette: tasks, events, gateways, subprocesses, pools and process
attributes either run as Camunda 7 documents them or are refused at deploy."""

from __future__ import annotations

import pytest

from engine.errors import NotFound
from engine.models import ProcessInstance
from engine.resources import read_resource

from .catalogue import DIAGRAMS, supported
from .support import deploy, resource_of

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
TERMINATE_IN_CALLED = supported(
    EVENTS, "Terminate end event in a called process", "pal_terminate_called_checks.bpmn"
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


@TERMINATE_IN_CALLED
def test_a_terminate_end_event_in_a_called_process_ends_only_the_called_process(scenario):
    caller = (DIAGRAMS / "pal_terminate_caller.bpmn").read_text()
    scenario.engine.deploy(
        [resource_of(TERMINATE_IN_CALLED), read_resource("pal_terminate_caller.bpmn", caller)],
        deployed_by="owner",
    )
    pat = scenario.as_user("pat", "practitioner")
    started = pat.start("pal_terminate_caller")
    assert names(pat) == ["Check health records", "Check police records", "Visit the family"]
    pat.complete("Check police records")
    assert names(pat) == ["Hold the strategy discussion", "Visit the family"]
    assert status(scenario.engine, started.id) == "running"


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
    "Pools and message flows: the executable pool's process runs; a non-executable pool is "
    "ignored, whatever it holds",
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

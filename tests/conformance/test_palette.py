"""The rest of the Camunda 7 palette: tasks, events, gateways, subprocesses, pools and process
attributes either run as Camunda 7 documents them or are refused at deploy."""

from __future__ import annotations

import pytest

from engine.errors import NotFound
from engine.models import ProcessInstance

from .catalogue import supported
from .support import deploy

TASKS, EVENTS, COLLABORATION = "Tasks", "Events", "Collaboration"


def status(engine, instance_id):
    with engine.db.reading() as session:
        return session.get(ProcessInstance, instance_id).status


def names(person):
    return sorted(task.name for task in person.inbox())


UNTYPED_TASK = supported(TASKS, "Task (untyped)", "pal_untyped_task.bpmn")
MANUAL_TASK = supported(TASKS, "Manual task", "pal_manual_task.bpmn")


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

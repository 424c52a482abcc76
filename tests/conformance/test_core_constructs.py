"""The everyday Camunda 7 constructs a process owner draws first: user tasks and their
attributes, generated forms, timer and message boundary events, timer waits, parallel
gateways and multi-instance over a collection."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.errors import InvalidSubmission

from .catalogue import supported
from .support import deploy

TIMER_BOUNDARY = supported(
    "Events",
    "Timer boundary events on a user task, interrupting and non-interrupting",
    "core_timer_boundary.bpmn",
)


@TIMER_BOUNDARY
def test_a_chase_runs_beside_the_task_and_the_deadline_takes_it_away(scenario, engine, clock):
    deploy(scenario, TIMER_BOUNDARY)
    pat, mo = scenario.as_user("pat", "practitioner"), scenario.as_user("mo", "manager")
    pat.start("core_timer_boundary")
    clock.advance(hours=4)
    assert engine.fire_due_timers() == 1
    assert [t.name for t in mo.inbox()] == ["Chase the assessment"]
    assert [t.name for t in pat.inbox()] == ["Complete the assessment"]
    clock.advance(hours=4)
    assert engine.fire_due_timers() == 1
    assert sorted(t.name for t in mo.inbox()) == ["Chase the assessment", "Decide what happens now"]
    assert pat.inbox() == []


MESSAGE_BOUNDARY = supported(
    "Events", "Interrupting message boundary event on a user task", "core_message_boundary.bpmn"
)


@MESSAGE_BOUNDARY
def test_the_message_cancels_the_task_and_takes_the_boundary_path(scenario, engine):
    deploy(scenario, MESSAGE_BOUNDARY)
    pat, mo = scenario.as_user("pat", "practitioner"), scenario.as_user("mo", "manager")
    pat.start("core_message_boundary", business_key="FAM-7")
    engine.correlate_message("family_moved_away", business_key="FAM-7")
    assert pat.inbox() == []
    assert [t.name for t in mo.inbox()] == ["Transfer the case to the new area"]


TIMER_CATCH = supported("Events", "Intermediate timer catch event", "core_timer_catch.bpmn")


@TIMER_CATCH
def test_the_path_waits_until_the_timer_is_due(scenario, engine, clock):
    deploy(scenario, TIMER_CATCH)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("core_timer_catch")
    clock.advance(hours=2, seconds=-1)
    assert engine.fire_due_timers() == 0 and pat.inbox() == []
    clock.advance(seconds=1)
    assert engine.fire_due_timers() == 1
    assert [t.name for t in pat.inbox()] == ["Call the parent back"]


PARALLEL = supported("Gateways", "Parallel gateway: fork and join", "core_parallel_gateway.bpmn")


@PARALLEL
def test_the_join_waits_for_both_branches(scenario):
    deploy(scenario, PARALLEL)
    pat, mo = scenario.as_user("pat", "practitioner"), scenario.as_user("mo", "manager")
    pat.start("core_parallel_gateway")
    assert sorted(t.name for t in pat.inbox()) == ["Ask the school", "Check police records"]
    pat.complete("Check police records")
    assert mo.inbox() == []
    pat.complete("Ask the school")
    assert [t.name for t in mo.inbox()] == ["Decide on the threshold"]


MULTI_INSTANCE = supported(
    "Multi-instance",
    "Parallel multi-instance over camunda:collection with camunda:elementVariable",
    "core_multi_instance_collection.bpmn",
)


@MULTI_INSTANCE
def test_one_task_per_worker_then_the_collation(scenario):
    deploy(scenario, MULTI_INSTANCE)
    mo = scenario.as_user("mo", "manager")
    mo.start("core_multi_instance", {"workers": ["pat", "sam"]})
    pat, sam = scenario.as_user("pat", "practitioner"), scenario.as_user("sam", "practitioner")
    assert [t.assignee for t in pat.inbox()] == ["pat"]
    assert [t.assignee for t in sam.inbox()] == ["sam"]
    pat.complete("Contribute to the plan")
    assert mo.inbox() == []
    sam.complete("Contribute to the plan")
    assert [t.name for t in mo.inbox()] == ["Collate the contributions"]


USER_TASK = supported(
    "User tasks",
    "User task assignee, candidateUsers, candidateGroups, dueDate, followUpDate, priority; "
    "camunda:initiator on the start event",
    "core_user_task_attributes.bpmn",
    "a due date given as a day falls due at the end of that working day",
)


@USER_TASK
def test_the_task_row_carries_what_the_attributes_say(scenario, engine):
    deploy(scenario, USER_TASK)
    mo = scenario.as_user("mo", "manager")
    visit_by = "2026-12-30T15:00:00Z"
    ref = mo.start("core_user_task", {"allocated_worker": "pat", "visit_by": visit_by})
    [task] = scenario.as_user("pat", "practitioner").inbox()
    assert task.assignee == "pat" and task.priority == 80
    assert task.candidate_users == ["pat", "sam"] and task.candidate_groups == ["manager"]
    assert _utc(task.due_at) == datetime(2026, 12, 30, 15, tzinfo=UTC)
    assert _utc(task.follow_up_at) == datetime(2026, 12, 24, 9, tzinfo=UTC)
    assert engine.instance_variables(ref.id)["raised_by"] == "mo"


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


FORM = supported(
    "User tasks",
    "Generated task form (camunda:formData) with types and validation constraints",
    "core_generated_form.bpmn",
)


@FORM
def test_the_form_refuses_what_its_constraints_refuse_and_keeps_typed_values(scenario, engine):
    deploy(scenario, FORM)
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("core_generated_form")
    with pytest.raises(InvalidSubmission) as refused:
        pat.complete(
            "Record the home visit", children_present=13, notes="short", home_conditions="x"
        )
    assert {"seen_child", "children_present", "notes", "home_conditions"} <= set(
        refused.value.errors
    )
    pat.complete(
        "Record the home visit",
        seen_child=True,
        children_present=2,
        home_conditions="concerning",
        notes="Both children seen, kitchen unsafe",
    )
    values = engine.instance_variables(ref.id)
    assert (values["seen_child"], values["children_present"]) == (True, 2)
    assert values["home_conditions"] == "concerning"

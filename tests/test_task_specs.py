"""A task's form and properties come from its own element, even when a called process reuses
an element id the caller (or another called process) also uses: ids are unique within a file,
not across the processes one calls."""

from __future__ import annotations

import pytest

from engine.errors import NotPermitted

from .helpers import bpmn, flow, user_task

FIELD = (
    '<camunda:formField id="{name}" label="{label}" type="string">'
    '<camunda:validation><camunda:constraint name="required"/></camunda:validation>'
    "</camunda:formField>"
)


def callee(process_id: str, field: str, label: str, extra_properties: str = "") -> str:
    properties = (
        f"<camunda:properties>{extra_properties}</camunda:properties>" if extra_properties else ""
    )
    task = (
        f'<bpmn:userTask id="decide" name="{label}" camunda:candidateGroups="manager">'
        f"<bpmn:extensionElements>{properties}<camunda:formData>"
        + FIELD.format(name=field, label=label)
        + "</camunda:formData></bpmn:extensionElements></bpmn:userTask>"
    )
    return bpmn(
        process_id,
        '<bpmn:startEvent id="start"/>'
        + task
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "decide")
        + flow("decide", "end"),
    )


def caller() -> str:
    """A practitioner's task, then a call activity with id ``decide``, then the other callee."""
    return bpmn(
        "caller",
        '<bpmn:startEvent id="start"/>'
        + user_task("raise", "Raise it", 'camunda:candidateGroups="practitioner"')
        + '<bpmn:callActivity id="decide" calledElement="first"/>'
        + '<bpmn:callActivity id="then" calledElement="second"/>'
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "raise")
        + flow("raise", "decide")
        + flow("decide", "then")
        + flow("then", "end"),
    )


@pytest.fixture
def started(scenario):
    barred = '<camunda:property name="not_by_completers_of" value="raise"/>'
    scenario.deploy("first.bpmn", callee("first", "first_reason", "First decision", barred))
    scenario.deploy("second.bpmn", callee("second", "second_reason", "Second decision"))
    scenario.deploy("caller.bpmn", caller())
    mo = scenario.as_user("mo", "practitioner", "manager")
    mo.start("caller")
    mo.complete("Raise it")
    return scenario


def test_a_called_task_shows_its_own_form_though_the_caller_uses_its_id(started, engine):
    ann = started.as_user("ann", "manager")
    view = engine.task_view(ann.task("First decision").id, ann.actor)
    assert [f.id for f in view.fields] == ["first_reason"]


def test_a_called_tasks_own_properties_bar_who_took_part(started):
    mo = started.as_user("mo", "practitioner", "manager")
    with pytest.raises(NotPermitted):
        mo.complete("First decision", first_reason="I raised it myself")


def test_two_called_processes_with_the_same_task_id_each_show_their_own_form(started, engine):
    ann = started.as_user("ann", "manager")
    ann.complete("First decision", first_reason="Agreed")
    view = engine.task_view(ann.task("Second decision").id, ann.actor)
    assert [f.id for f in view.fields] == ["second_reason"]

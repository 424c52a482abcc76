"""Non-interrupting boundary events fire each time their event arrives while the activity runs
(Camunda 7), and stop listening when it ends."""

from __future__ import annotations

import pytest

from engine.errors import MessageNotCorrelated
from engine.models import ProcessInstance

from .helpers import bpmn, flow, user_task, with_boundary

PRACTITIONERS = 'camunda:candidateGroups="practitioner"'


def status(engine, instance_id):
    with engine.db.reading() as session:
        return session.get(ProcessInstance, instance_id).status


def message_boundary_process():
    return with_boundary(
        "noted",
        "Do the work",
        '<bpmn:boundaryEvent id="edge" attachedToRef="work" cancelActivity="false">'
        '<bpmn:messageEventDefinition messageRef="msg_note"/></bpmn:boundaryEvent>',
        "Read the note",
    ).replace("</bpmn:definitions>", '<bpmn:message id="msg_note" name="note"/></bpmn:definitions>')


def test_a_non_interrupting_message_boundary_fires_for_every_message_until_the_task_ends(
    scenario, engine
):
    scenario.deploy("noted.bpmn", message_boundary_process())
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("noted", business_key="N-1")
    manager = scenario.as_user("mo", "manager")
    for count, text in enumerate(["first", "second", "third"], start=1):
        engine.correlate_message("note", business_key="N-1", variables={"text": text})
        assert [t.name for t in manager.inbox()] == ["Read the note"] * count
    assert [t.name for t in pat.inbox()] == ["Do the work"]

    pat.complete("Do the work")
    with pytest.raises(MessageNotCorrelated):
        engine.correlate_message("note", business_key="N-1")
    for _ in range(3):
        manager.complete("Read the note")
    assert status(engine, ref.id) == "completed"


def escalating_subprocess():
    """A subprocess whose two tasks may each escalate; the escalation is caught
    non-interrupting on the subprocess's boundary and handled by a manager."""

    def maybe_escalate(task_id):
        return (
            user_task(task_id, f"Step {task_id}", PRACTITIONERS)
            + f'<bpmn:exclusiveGateway id="{task_id}_risk" default="f_{task_id}_no"/>'
            + f'<bpmn:intermediateThrowEvent id="{task_id}_throw">'
            '<bpmn:escalationEventDefinition escalationRef="esc_risk"/>'
            "</bpmn:intermediateThrowEvent>"
            + f'<bpmn:exclusiveGateway id="{task_id}_merge"/>'
            + flow(task_id, f"{task_id}_risk")
            + flow(f"{task_id}_risk", f"{task_id}_throw", f"${{risk_{task_id} == 'yes'}}")
            + flow(f"{task_id}_risk", f"{task_id}_merge", flow_id=f"f_{task_id}_no")
            + flow(f"{task_id}_throw", f"{task_id}_merge")
        )

    body = (
        '<bpmn:startEvent id="start"/>'
        '<bpmn:subProcess id="work"><bpmn:startEvent id="inner_start"/>'
        + maybe_escalate("a")
        + maybe_escalate("b")
        + '<bpmn:endEvent id="inner_end"/>'
        + flow("inner_start", "a")
        + flow("a_merge", "b")
        + flow("b_merge", "inner_end")
        + "</bpmn:subProcess>"
        '<bpmn:boundaryEvent id="risk" attachedToRef="work" cancelActivity="false">'
        '<bpmn:escalationEventDefinition escalationRef="esc_risk"/></bpmn:boundaryEvent>'
        + user_task("protect", "Act on the risk", 'camunda:candidateGroups="manager"')
        + '<bpmn:endEvent id="end"/><bpmn:endEvent id="protected"/>'
        + flow("start", "work")
        + flow("work", "end")
        + flow("risk", "protect")
        + flow("protect", "protected")
    )
    return bpmn(
        "escalating",
        body,
        extra='<bpmn:escalation id="esc_risk" name="Risk" escalationCode="risk"/>\n',
    )


def test_an_escalation_thrown_twice_in_a_subprocess_is_caught_twice(scenario, engine):
    scenario.deploy("escalating.bpmn", escalating_subprocess())
    pat = scenario.as_user("pat", "practitioner")
    manager = scenario.as_user("mo", "manager")
    ref = pat.start("escalating")
    pat.complete("Step a", risk_a="yes")
    assert [t.name for t in manager.inbox()] == ["Act on the risk"]
    pat.complete("Step b", risk_b="yes")
    assert [t.name for t in manager.inbox()] == ["Act on the risk"] * 2
    manager.complete("Act on the risk")
    manager.complete("Act on the risk")
    assert status(engine, ref.id) == "completed"


def test_a_subprocess_that_never_escalates_leaves_no_handler_behind(scenario, engine):
    scenario.deploy("escalating.bpmn", escalating_subprocess())
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("escalating")
    pat.complete("Step a", risk_a="no")
    pat.complete("Step b", risk_b="no")
    assert scenario.as_user("mo", "manager").inbox() == []
    assert status(engine, ref.id) == "completed"


def forked_handler_process():
    """A non-interrupting message on a task whose handler forks into two managers' tasks."""
    return bpmn(
        "forked",
        '<bpmn:startEvent id="start"/>'
        + user_task("work", "Do the work", PRACTITIONERS)
        + '<bpmn:boundaryEvent id="edge" attachedToRef="work" cancelActivity="false">'
        '<bpmn:messageEventDefinition messageRef="msg_note"/></bpmn:boundaryEvent>'
        '<bpmn:parallelGateway id="fork"/>'
        + user_task("left", "Tell the family", 'camunda:candidateGroups="manager"')
        + user_task("right", "Tell the school", 'camunda:candidateGroups="manager"')
        + '<bpmn:endEvent id="end"/><bpmn:endEvent id="left_end"/><bpmn:endEvent id="right_end"/>'
        + flow("start", "work")
        + flow("work", "end")
        + flow("edge", "fork")
        + flow("fork", "left")
        + flow("fork", "right")
        + flow("left", "left_end")
        + flow("right", "right_end"),
        extra='<bpmn:message id="msg_note" name="note"/>\n',
    )


def test_a_second_token_through_a_parallel_gateway_leaves_the_first_tokens_tasks(scenario, engine):
    scenario.deploy("forked.bpmn", forked_handler_process())
    pat = scenario.as_user("pat", "practitioner")
    manager = scenario.as_user("mo", "manager")
    ref = pat.start("forked", business_key="F-1")
    engine.correlate_message("note", business_key="F-1")
    manager.complete("Tell the family")
    engine.correlate_message("note", business_key="F-1")
    assert sorted(t.name for t in manager.inbox()) == [
        "Tell the family",
        "Tell the school",
        "Tell the school",
    ]
    pat.complete("Do the work")
    for name in ["Tell the family", "Tell the school", "Tell the school"]:
        manager.complete(name)
    assert status(engine, ref.id) == "completed"


def timed_subprocess():
    """Two answers inside a subprocess with a two-day time limit on its boundary."""
    body = (
        '<bpmn:startEvent id="start"/>'
        '<bpmn:subProcess id="work"><bpmn:startEvent id="inner_start"/>'
        + user_task("a", "First answer", PRACTITIONERS)
        + user_task("b", "Second answer", PRACTITIONERS)
        + '<bpmn:endEvent id="inner_end"/>'
        + flow("inner_start", "a")
        + flow("a", "b")
        + flow("b", "inner_end")
        + "</bpmn:subProcess>"
        '<bpmn:boundaryEvent id="limit" attachedToRef="work"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>P2D</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:boundaryEvent>"
        + user_task("late", "Chase the second answer", 'camunda:candidateGroups="manager"')
        + '<bpmn:endEvent id="end"/><bpmn:endEvent id="chased"/>'
        + flow("start", "work")
        + flow("work", "end")
        + flow("limit", "late")
        + flow("late", "chased")
    )
    return bpmn("timed_work", body)


def test_the_path_from_a_subprocess_time_limit_sees_the_answers_given_inside_it(
    scenario, engine, clock
):
    scenario.deploy("timed_work.bpmn", timed_subprocess())
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("timed_work")
    pat.complete("First answer", first="given before the limit")
    clock.advance(days=2)
    engine.fire_due_timers()
    assert pat.inbox() == []
    variables = engine.instance_variables(ref.id)
    assert variables["first"] == "given before the limit"  # a process variable, as in Camunda 7
    assert "second" not in variables

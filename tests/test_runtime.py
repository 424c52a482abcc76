"""Restart, messages, call activities, DMN decisions and the multi-node timer sweep."""

import threading

import pytest
from sqlalchemy import func, select

from engine import queries
from engine.actors import Actor
from engine.errors import Conflict, InstanceNotRunning, MessageNotCorrelated
from engine.models import AuditEvent, Timer
from engine.service import Engine

from .helpers import bpmn, flow, linear, resource, then_task, timer_wait, user_task, with_boundary

DECISION = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="sharing_defs" name="Sharing"
  namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="sharing" name="Share information?">
    <decisionTable id="table" hitPolicy="FIRST">
      <input id="in_duty" label="Statutory duty"><inputExpression id="e1" typeRef="boolean"><text>statutory_duty</text></inputExpression></input>
      <input id="in_consent" label="Consent"><inputExpression id="e2" typeRef="string"><text>consent</text></inputExpression></input>
      <output id="out" name="decision" typeRef="string"/>
      <rule id="r1"><inputEntry id="r1a"><text>true</text></inputEntry><inputEntry id="r1b"><text>-</text></inputEntry><outputEntry id="r1o"><text>"share"</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="r2a"><text>-</text></inputEntry><inputEntry id="r2b"><text>"given"</text></inputEntry><outputEntry id="r2o"><text>"share proportionately"</text></outputEntry></rule>
      <rule id="r3"><inputEntry id="r3a"><text>-</text></inputEntry><inputEntry id="r3b"><text>-</text></inputEntry><outputEntry id="r3o"><text>"do not share"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
"""


def test_a_new_engine_on_the_same_database_resumes_and_fires_an_overdue_timer_once(
    scenario, database_url, clock
):
    scenario.deploy(
        "wait.bpmn",
        then_task(
            "wait", timer_wait("<bpmn:timeDuration>${working_days(1)}</bpmn:timeDuration>"), "wait"
        ),
    )
    scenario.as_user("pat", "practitioner").start("wait")
    scenario.engine.db.dispose()  # the first process "stops"

    clock.advance(days=30)  # everything was down well past the due time
    restarted = Engine(database_url, clock=clock)
    assert restarted.fire_due_timers() == 1
    assert Engine(database_url, clock=clock).fire_due_timers() == 0
    assert [t.name for t in restarted.tasks_for_user(Actor.of("pat", "practitioner"))] == ["Next"]
    with restarted.db.reading() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.event_type == "timer_fired")
            )
            == 1
        )
    restarted.db.dispose()


def withdrawal_process():
    return bpmn(
        "ladder",
        '<bpmn:startEvent id="start"/>'
        + user_task("discuss", "Discuss", 'camunda:candidateGroups="practitioner"')
        + '<bpmn:boundaryEvent id="withdrawn" attachedToRef="discuss"><bpmn:messageEventDefinition messageRef="msg_withdraw"/></bpmn:boundaryEvent>'
        + user_task(
            "record_withdrawal", "Record withdrawal", 'camunda:candidateGroups="practitioner"'
        )
        + '<bpmn:endEvent id="end"/><bpmn:endEvent id="end_withdrawn"/>'
        + flow("start", "discuss")
        + flow("discuss", "end")
        + flow("withdrawn", "record_withdrawal")
        + flow("record_withdrawal", "end_withdrawn"),
        extra='<bpmn:message id="msg_withdraw" name="withdraw"/>\n',
    )


def test_a_message_is_correlated_by_business_key_and_carries_variables(scenario, engine):
    scenario.deploy("ladder.bpmn", withdrawal_process())
    pat = scenario.as_user("pat", "practitioner")
    first = pat.start("ladder", business_key="PD-1")
    pat.start("ladder", business_key="PD-2")
    with pytest.raises(Conflict, match="matches 2 instances"):
        engine.correlate_message("withdraw")
    ref = engine.correlate_message(
        "withdraw", business_key="PD-1", variables={"reason": "resolved by phone"}, actor=pat.actor
    )
    assert ref.id == first.id
    task = pat.task("Record withdrawal")
    assert task.instance_id == first.id
    with pytest.raises(MessageNotCorrelated, match="business key 'PD-1'"):
        engine.correlate_message("withdraw", business_key="PD-1")
    assert engine.instance_variables(first.id)["reason"] == "resolved by phone"
    assert pat.complete("Record withdrawal").status == "completed"
    with engine.db.reading() as session:
        events = [e.event_type for e in queries.history(session, first.id)]
    # the message interrupts "Discuss": received, then the task it was attached to is cancelled
    assert events.index("message_received") < events.index("task_cancelled")


def test_a_call_activity_runs_the_latest_deployed_subprocess(scenario, engine):
    scenario.deploy("child.bpmn", linear("child", "child_step"))
    scenario.deploy(
        "parent.bpmn",
        then_task(
            "parent", '<bpmn:callActivity id="call" calledElement="child"/>', "call", "After"
        ),
    )
    pat = scenario.as_user("pat", "practitioner")
    pat.start("parent")
    pat.complete("child_step")
    assert pat.complete("After").status == "completed"


def test_a_business_rule_task_uses_the_dmn_decision(scenario, engine):
    engine.deploy(
        [
            resource("sharing.dmn", DECISION),
            resource(
                "decide.bpmn",
                then_task(
                    "decide",
                    '<bpmn:businessRuleTask id="rule" camunda:decisionRef="sharing" '
                    'camunda:resultVariable="sharing" camunda:mapDecisionResult="singleEntry"/>',
                    "rule",
                ),
            ),
        ]
    )
    pat = scenario.as_user("pat", "practitioner")
    outcomes = {}
    for duty, consent in [(True, "refused"), (False, "given"), (False, "refused")]:
        ref = pat.start("decide", {"statutory_duty": duty, "consent": consent})
        outcomes[(duty, consent)] = engine.instance_variables(ref.id)["sharing"]
    assert outcomes == {
        (True, "refused"): "share",
        (False, "given"): "share proportionately",
        (False, "refused"): "do not share",
    }


@pytest.mark.parametrize("nodes", [3])
def test_several_sweepers_fire_each_due_timer_exactly_once(scenario, database_url, clock, nodes):
    scenario.deploy(
        "wait.bpmn",
        then_task("wait", timer_wait("<bpmn:timeDuration>PT1H</bpmn:timeDuration>"), "wait"),
    )
    for _ in range(30):
        scenario.as_user("pat", "practitioner").start("wait")
    clock.advance(hours=2)
    sweepers = [Engine(database_url, clock=clock) for _ in range(nodes)]
    fired, barrier = [], threading.Barrier(nodes)

    def sweep(node: Engine):
        barrier.wait()
        fired.append(node.fire_due_timers(limit=1000))

    threads = [threading.Thread(target=sweep, args=(node,)) for node in sweepers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(fired) == 30, fired
    with scenario.engine.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Timer)) == 0
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.event_type == "timer_fired")
            )
            == 30
        )
    assert len(scenario.as_user("pat", "practitioner").inbox(limit=100)) == 30
    for node in sweepers:
        node.db.dispose()


def test_a_failing_timer_is_recorded_and_retried_later_without_blocking_others(
    scenario, engine, clock
):
    scenario.deploy(
        "gate.bpmn",
        bpmn(
            "gate",
            '<bpmn:startEvent id="start"/>'
            + timer_wait("<bpmn:timeDuration>PT1H</bpmn:timeDuration>", "pause")
            + '<bpmn:exclusiveGateway id="gw"/><bpmn:endEvent id="a"/><bpmn:endEvent id="b"/>'
            + flow("start", "pause")
            + flow("pause", "gw")
            + flow("gw", "a", "${missing == 1}", "to_a")
            + flow("gw", "b", "${missing != 1}", "to_b"),
        ),
    )
    broken = scenario.as_user("pat").start("gate")
    fine = scenario.as_user("pat").start("gate", {"missing": 1})
    clock.advance(hours=2)
    assert engine.fire_due_timers() == 1
    with engine.db.reading() as session:
        [timer] = queries.timers(session)
        assert timer.instance_id == broken.id and timer.attempts == 1
        assert "unknown variable 'missing'" in timer.last_error
        assert timer.fire_at > clock.now()
    assert engine.fire_due_timers() == 0  # backing off
    with engine.db.reading() as session:
        assert [i.status for i in queries.instances(session)] == ["completed", "running"]
        assert fine.id != broken.id


def test_cancelling_an_instance_closes_its_tasks_and_timers_and_is_audited(scenario, engine):
    scenario.deploy(
        "deadline.bpmn",
        with_boundary(
            "deadline",
            "Reply",
            '<bpmn:boundaryEvent id="edge" attachedToRef="work"><bpmn:timerEventDefinition>'
            "<bpmn:timeDuration>P2D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>",
            "Escalate",
        ),
    )
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("deadline", case_ref="C-7")
    manager = Actor.of("mo", "manager")
    cancelled = engine.cancel(ref.id, manager, reason="opened in error")
    assert cancelled.status == "cancelled"
    assert pat.inbox() == []
    with engine.db.reading() as session:
        assert queries.timers(session, ref.id) == []
        history = queries.history(session, ref.id)
        [event] = [e for e in history if e.event_type == "instance_cancelled"]
        assert (event.actor, event.details["reason"], event.case_ref) == (
            "mo",
            "opened in error",
            "C-7",
        )
        assert "task_cancelled" in [e.event_type for e in history]
    with pytest.raises(InstanceNotRunning):
        engine.cancel(ref.id, manager)


def test_a_parallel_multi_instance_task_offers_one_task_to_each_agency(scenario, engine):
    contribute = (
        '<bpmn:userTask id="contribute" name="Contribute to the joint risk assessment" '
        'camunda:candidateGroups="${agency}:practitioner"><bpmn:extensionElements><camunda:formData>'
        '<camunda:formField id="risk" label="Risk" type="string"/></camunda:formData></bpmn:extensionElements>'
        '<bpmn:multiInstanceLoopCharacteristics camunda:collection="${agencies}" camunda:elementVariable="agency"/>'
        "</bpmn:userTask>"
    )
    scenario.deploy(
        "jra.bpmn", then_task("jra", contribute, "contribute", "Agree the joint assessment")
    )
    ref = scenario.as_user("sam", "practitioner").start(
        "jra", {"agencies": ["probation", "midwifery"]}
    )
    for agency in ("probation", "midwifery"):
        person = scenario.as_user(f"{agency}-worker", f"{agency}:practitioner")
        [task] = person.inbox()
        assert task.candidate_groups == [f"{agency}:practitioner"]
        person.complete(task.name, risk=f"{agency}: risk is manageable with support")
    assert [t.name for t in scenario.as_user("sam", "practitioner").inbox()] == [
        "Agree the joint assessment"
    ]
    with engine.db.reading() as session:
        answers = [
            e.details["data"]["risk"]
            for e in queries.history(session, ref.id)
            if e.event_type == "task_completed"
        ]
    assert answers == [
        "probation: risk is manageable with support",
        "midwifery: risk is manageable with support",
    ]

"""Messages and the event-based gateway as Camunda 7 runs them."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import queries
from engine.demo import DEMO_PASSWORD
from engine.errors import InvalidDefinition, MessageNotCorrelated, NotPermitted
from engine.models import ENDED, ProcessInstance
from webapp import engine_of

from ..helpers import person
from .catalogue import refused, supported
from .support import deploy, resource_of

GATEWAYS, MESSAGES = "Gateways", "Messages"

EVENT_GATEWAY = supported(
    GATEWAYS,
    "Event-based gateway (message or timer: the first to occur wins)",
    "msg_event_gateway.bpmn",
)


def _waits(engine, instance_id):
    with engine.db.reading() as session:
        timers = [t.element_id for t in queries.timers(session, instance_id)]
        message = queries.waiting_for(session, instance_id, ["agency_reply"])
    return timers, message


@EVENT_GATEWAY
def test_the_reply_wins_and_the_chase_timer_is_cancelled(scenario, engine, clock):
    deploy(scenario, EVENT_GATEWAY)
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("reply_or_chase", business_key="referral-17")
    assert _waits(engine, ref.id) == (["five_days_passed"], "agency_reply")
    detail = engine.instance_detail(ref.id, pat.actor)
    assert [t.name for t in detail["timers"]] == ["5 days without a reply"]
    assert [(m.message_name, m.element_id) for m in detail["messages"]] == [
        ("agency_reply", "reply_received")
    ]

    engine.correlate_message("agency_reply", business_key="referral-17", variables={"seen": 1})
    assert [t.name for t in pat.inbox()] == ["Read the agency's reply"]
    assert _waits(engine, ref.id) == ([], None)
    assert engine.instance_variables(ref.id)["seen"] == 1

    clock.set(clock.now() + timedelta(days=6))
    assert engine.fire_due_timers() == 0
    assert [t.name for t in pat.inbox()] == ["Read the agency's reply"]


@EVENT_GATEWAY
def test_after_five_days_the_chase_wins_and_a_late_reply_is_not_correlated(scenario, engine, clock):
    deploy(scenario, EVENT_GATEWAY)
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("reply_or_chase", business_key="referral-18")

    clock.set(clock.now() + timedelta(days=5))
    assert engine.fire_due_timers() == 1
    assert [t.name for t in pat.inbox()] == ["Chase the agency"]
    assert _waits(engine, ref.id) == ([], None)
    with pytest.raises(MessageNotCorrelated):
        engine.correlate_message("agency_reply", business_key="referral-18")


# --- message throw and end events -----------------------------------------------------------

THROW_WITHOUT_IMPLEMENTATION = supported(
    MESSAGES,
    "Message intermediate throw and end event without an implementation (does nothing)",
    "msg_throw_no_implementation.bpmn",
)


@THROW_WITHOUT_IMPLEMENTATION
def test_a_message_throw_or_end_event_without_an_implementation_does_nothing(scenario, engine):
    deploy(scenario, THROW_WITHOUT_IMPLEMENTATION)
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("tell_school", {"child": "Ruby"})
    assert [t.name for t in pat.inbox()] == ["Plan the home visit"]
    done = pat.complete("Plan the home visit")
    assert done.status == ENDED
    assert engine.instance_variables(ref.id) == {"child": "Ruby"}


IMPLEMENTATION_REFUSAL = "cannot run on a message throw or end event here"
refused(
    MESSAGES,
    "Message throw event with camunda:class or camunda:delegateExpression (Java)",
    "msg_throw_java_class.bpmn",
    IMPLEMENTATION_REFUSAL,
)
refused(
    MESSAGES,
    "Message end event with camunda:type=external (external task)",
    "msg_end_external.bpmn",
    IMPLEMENTATION_REFUSAL,
)
refused(
    MESSAGES,
    "Message throw event with camunda:expression (calls a bean)",
    "msg_throw_expression.bpmn",
    IMPLEMENTATION_REFUSAL,
)


refused(
    MESSAGES,
    "Message whose name is an expression",
    "msg_message_name_expression.bpmn",
    "is an expression, which is not supported here",
)
refused(
    MESSAGES,
    "Message catch event without a message (messageRef)",
    "msg_catch_without_message.bpmn",
    "a message catch event needs a message (messageRef)",
)
refused(
    MESSAGES,
    "Message without a name",
    "msg_message_without_name.bpmn",
    "the message has no name",
)


# --- receive tasks --------------------------------------------------------------------------

RECEIVE_TASK = supported(
    MESSAGES, "Receive task with a message (messageRef)", "msg_receive_task.bpmn"
)


@RECEIVE_TASK
def test_a_receive_task_waits_for_its_message_and_takes_its_variables(scenario, engine):
    deploy(scenario, RECEIVE_TASK)
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("gp_report", business_key="child-42")
    assert pat.inbox() == []
    with engine.db.reading() as session:
        assert queries.waiting_for(session, ref.id, ["gp_report_received"]) == "gp_report_received"

    engine.correlate_message(
        "gp_report_received", business_key="child-42", variables={"concerns": "none"}
    )
    assert [t.name for t in pat.inbox()] == ["Read the GP's report"]
    assert engine.instance_variables(ref.id)["concerns"] == "none"


refused(
    MESSAGES,
    "Receive task without a message",
    "msg_receive_task_without_message.bpmn",
    "a receive task needs a message (messageRef)",
)


# --- event-based gateway refusals -----------------------------------------------------------

refused(
    GATEWAYS,
    "Event-based gateway followed by a conditional catch event",
    "msg_event_gateway_conditional.bpmn",
    "a conditional event after an event-based gateway is not supported here",
)
refused(
    GATEWAYS,
    "Event-based gateway followed by a receive task",
    "msg_event_gateway_receive_task.bpmn",
    "an event-based gateway may only be followed by intermediate catch events",
)
refused(
    GATEWAYS,
    "Event-based gateway followed by a cycle timer",
    "msg_event_gateway_cycle_timer.bpmn",
    "a timer after an event-based gateway needs a date or a duration here, not a cycle",
)
refused(
    GATEWAYS,
    "Event-based gateway waiting for more than one timer",
    "msg_event_gateway_two_timers.bpmn",
    "an event-based gateway here may wait for one timer at most",
)


# --- message start events -------------------------------------------------------------------

MESSAGE_START = supported(
    MESSAGES,
    "Message start event (correlating its message starts the latest version)",
    "msg_start_event.bpmn",
    "a person may start it by message only as they may start it otherwise (one of its "
    "camunda:candidateStarterGroups, or as its process owner); it must be the process's only "
    "start event",
)


@MESSAGE_START
def test_correlating_a_start_message_starts_an_instance_with_its_key_and_variables(
    scenario, engine
):
    deploy(scenario, MESSAGE_START)
    pat = scenario.as_user("pat", "practitioner")
    first = engine.correlate_message(
        "referral_submitted", business_key="ref-1", variables={"child": "Ruby"}, actor=pat.actor
    )
    second = engine.correlate_message("referral_submitted", business_key="ref-2")
    assert first.id != second.id
    assert [t.name for t in pat.inbox()] == ["Screen the referral"] * 2
    assert {t.business_key for t in pat.inbox()} == {"ref-1", "ref-2"}
    assert engine.instance_variables(first.id)["child"] == "Ruby"


@MESSAGE_START
def test_only_a_starter_may_start_by_message(scenario, engine):
    deploy(scenario, MESSAGE_START)
    nurse = scenario.as_user("nina", "health")
    with pytest.raises(NotPermitted):
        engine.correlate_message("referral_submitted", business_key="ref-3", actor=nurse.actor)


@MESSAGE_START
def test_a_process_whose_only_start_is_a_message_start_also_starts_by_hand(scenario):
    deploy(scenario, MESSAGE_START)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("referral_by_message")
    assert [t.name for t in pat.inbox()] == ["Screen the referral"]


refused(
    MESSAGES,
    "Message start event beside another start event",
    "msg_start_event_and_none_start.bpmn",
    "a message start event must be its process's only start event here",
)


def test_a_second_process_starting_on_the_same_message_is_refused_at_deploy(scenario, engine):
    deploy(scenario, MESSAGE_START)
    copy = MESSAGE_START.text.replace('"referral_by_message"', '"referral_copy"')
    with pytest.raises(InvalidDefinition) as refusal:
        scenario.deploy("copy.bpmn", copy, deployed_by="owner")
    [problem] = refusal.value.problems
    assert "already starts another deployed process" in problem.message
    assert (problem.file, problem.element_id) == ("copy.bpmn", "msg_new_referral")


@MESSAGE_START
def test_post_engine_rest_message_starts_the_process_or_answers_camundas_400(app):
    engine = engine_of(app)
    owner_actor = person(engine, "owner")
    engine.deploy([resource_of(MESSAGE_START)], deployed_by="owner", actor=owner_actor)
    client, owner = app.test_client(), _basic("owner")
    body = {
        "messageName": "referral_submitted",
        "businessKey": "ref-9",
        "processVariables": {"urgent": {"value": True, "type": "Boolean"}},
    }
    assert client.post("/engine-rest/message", json=body, headers=owner).status_code == 204
    with engine.db.reading() as session:
        query = select(ProcessInstance.id).where(ProcessInstance.business_key == "ref-9")
        [instance_id] = session.scalars(query).all()
    assert engine.instance_variables(instance_id)["urgent"] is True

    unknown = client.post("/engine-rest/message", json={"messageName": "nope"}, headers=owner)
    assert unknown.status_code == 400 and unknown.get_json()["type"] == "RestException"
    everyone = client.post("/engine-rest/message", json={**body, "all": True}, headers=owner)
    assert everyone.status_code == 400 and "all" in everyone.get_json()["message"]


def _basic(username: str) -> dict:
    token = base64.b64encode(f"{username}:{DEMO_PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}", "accept": "application/json"}


@MESSAGE_START
def test_an_instance_waiting_for_the_message_is_correlated_before_any_start(scenario, engine):
    deploy(scenario, MESSAGE_START)
    waiting = RECEIVE_TASK.text.replace("gp_report_received", "referral_submitted")
    scenario.deploy("waiting.bpmn", waiting, deployed_by="owner")
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("gp_report", business_key="child-7")

    correlated = engine.correlate_message("referral_submitted", business_key="child-7")
    started = engine.correlate_message("referral_submitted", business_key="child-8")
    assert correlated.id == ref.id and started.id != ref.id
    assert sorted(t.name for t in pat.inbox()) == ["Read the GP's report", "Screen the referral"]


# --- send tasks -----------------------------------------------------------------------------

SEND_TASK = supported(
    MESSAGES,
    "Send task without an implementation",
    "msg_send_task.bpmn",
    "Camunda 7 refuses a send task without camunda:class, expression, delegateExpression or "
    "type; here it runs our camunda:properties conventions (notify, record...) and sends "
    "nothing else: its message reaches no instance (Java and external implementations are "
    "refused, as for service tasks)",
)


@SEND_TASK
def test_a_send_task_without_an_implementation_sends_nothing_and_goes_on(scenario, engine):
    deploy(scenario, SEND_TASK)
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("strategy_invite", {"child": "Ruby"})
    assert [t.name for t in pat.inbox()] == ["Hold the strategy discussion"]
    assert engine.instance_variables(ref.id) == {"child": "Ruby"}

"""Messages and the event-based gateway as Camunda 7 runs them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import queries
from engine.errors import MessageNotCorrelated

from .catalogue import supported
from .support import deploy

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

"""Timers in each notation Camunda Modeler writes, fired by moving the clock (no sleeping)."""

from datetime import UTC, datetime, timedelta

import pytest

from engine import queries
from engine.models import CANCELLED, HumanTask

from .helpers import then_task, timer_wait, with_boundary


def timer_process(definition: str) -> str:
    """start -> wait (timer) -> "After the wait" (user task) -> end."""
    return then_task("timed", timer_wait(definition), "wait", "After the wait")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("definition", "variables", "due"),
    [
        ("<bpmn:timeDuration>P5D</bpmn:timeDuration>", {}, "2026-12-28T10:00:00+00:00"),
        ("<bpmn:timeDuration>PT4H</bpmn:timeDuration>", {}, "2026-12-23T14:00:00+00:00"),
        ("<bpmn:timeDate>2027-01-05T09:00:00Z</bpmn:timeDate>", {}, "2027-01-05T09:00:00+00:00"),
        (
            "<bpmn:timeDate>${review_on}</bpmn:timeDate>",
            {"review_on": "2027-02-01T09:30:00"},
            "2027-02-01T09:30:00+00:00",
        ),
        (
            "<bpmn:timeDuration>${working_days(5)}</bpmn:timeDuration>",
            {},
            "2027-01-04T10:00:00+00:00",
        ),
        (
            "<bpmn:timeDate>${date(expected_due_date) - weeks(12)}</bpmn:timeDate>",
            {"expected_due_date": "2027-06-30"},
            "2027-04-06T23:00:00+00:00",  # midnight UK time (BST) on 7 April
        ),
    ],
)
def test_timer_waits_until_due_then_fires_exactly_once(
    scenario, engine, clock, definition, variables, due
):
    scenario.deploy("timed.bpmn", timer_process(definition))
    practitioner = scenario.as_user("pat", "practitioner")
    ref = practitioner.start("timed", variables)
    with engine.db.reading() as session:
        [timer] = queries.timers(session, ref.id)
    assert timer.due_at == utc(due)

    clock.set(utc(due) - timedelta(seconds=1))
    assert engine.fire_due_timers() == 0
    assert practitioner.inbox() == []

    clock.set(utc(due))
    assert engine.fire_due_timers() == 1
    assert engine.fire_due_timers() == 0
    assert [task.name for task in practitioner.inbox()] == ["After the wait"]


def test_working_day_timer_skips_the_easter_bank_holiday_weekend(scenario, engine, clock):
    clock.set("2027-03-25T10:00:00+00:00")  # Thursday before Good Friday
    scenario.deploy(
        "timed.bpmn", timer_process("<bpmn:timeDuration>${working_days(2)}</bpmn:timeDuration>")
    )
    ref = scenario.as_user("pat", "practitioner").start("timed")
    with engine.db.reading() as session:
        [timer] = queries.timers(session, ref.id)
    # Good Friday, the weekend and Easter Monday are skipped; 10:00 UK time is kept, now BST.
    assert timer.due_at == utc("2027-03-31T10:00:00+01:00")


def test_repeating_cycle_on_a_non_interrupting_boundary_sends_three_reminders(
    scenario, engine, clock
):
    scenario.deploy(
        "cycle.bpmn",
        with_boundary(
            "cycle",
            "Do the work",
            '<bpmn:boundaryEvent id="edge" attachedToRef="work" cancelActivity="false">'
            "<bpmn:timerEventDefinition><bpmn:timeCycle>R3/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition>"
            "</bpmn:boundaryEvent>",
            "Reminder",
        ),
    )
    scenario.as_user("pat", "practitioner").start("cycle")
    manager = scenario.as_user("mo", "manager")
    for hour in range(1, 5):
        clock.advance(hours=1)
        engine.fire_due_timers()
        assert len(manager.inbox()) == min(hour, 3)


def test_an_interrupting_boundary_timer_cancels_the_task_it_is_attached_to(scenario, engine, clock):
    scenario.deploy(
        "deadline.bpmn",
        with_boundary(
            "deadline",
            "Reply",
            '<bpmn:boundaryEvent id="edge" attachedToRef="work">'
            "<bpmn:timerEventDefinition><bpmn:timeDuration>P2D</bpmn:timeDuration></bpmn:timerEventDefinition>"
            "</bpmn:boundaryEvent>",
            "Escalate",
        ),
    )
    practitioner = scenario.as_user("pat", "practitioner")
    ref = practitioner.start("deadline")
    reply_id = practitioner.task("Reply").id
    clock.advance(days=2)
    assert engine.fire_due_timers() == 1
    assert practitioner.inbox() == []
    assert [t.name for t in scenario.as_user("mo", "manager").inbox()] == ["Escalate"]
    with engine.db.reading() as session:
        history = [e.event_type for e in queries.history(session, ref.id)]
        assert session.get(HumanTask, reply_id).status == CANCELLED
    assert "timer_fired" in history and "task_cancelled" in history

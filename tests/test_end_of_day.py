"""Deadlines people understand: a deadline given as a day falls due at the end of the working
day (``JOINEDUP_END_OF_DAY``, 17:00 UK time by default); milestones start at the start of it.

The clock stands at Wednesday 23 December 2026, 10:00 UTC (conftest)."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from engine.config import working_day_calendar
from engine.service import Engine

from .helpers import Scenario, bpmn, flow, user_task, with_boundary


def task_due(due_date: str) -> str:
    attrs = f'camunda:candidateGroups="practitioner" camunda:dueDate="{due_date}"'
    body = '<bpmn:startEvent id="start"/>' + user_task("work", "Work", attrs)
    body += '<bpmn:endEvent id="end"/>' + flow("start", "work") + flow("work", "end")
    return bpmn("due", body)


def due_of(scenario, text: str, variables: dict | None = None) -> str:
    scenario.deploy("due.bpmn", task_due(text))
    person = scenario.as_user("pat", "practitioner")
    person.start("due", variables or {})
    return person.task("Work").due_at.isoformat()


@pytest.mark.parametrize(
    ("due_date", "variables", "due"),
    [
        # 5 working days over Christmas, at 17:00 UK (GMT in winter)
        ("${working_days(5)}", {}, "2027-01-04T17:00:00+00:00"),
        ("2027-01-05", {}, "2027-01-05T17:00:00+00:00"),  # a date written in the Modeler
        ("${date(review_on)}", {"review_on": "2027-06-30"}, "2027-06-30T16:00:00+00:00"),  # BST
        ("${datetime('2027-01-05')}", {}, "2027-01-05T17:00:00+00:00"),  # midnight is a day
        ("${add_working_days(date('2027-01-04'), 2)}", {}, "2027-01-06T17:00:00+00:00"),
        # a moment with a time, and durations, keep their time
        ("2027-01-05T09:00:00Z", {}, "2027-01-05T09:00:00+00:00"),
        ("P5D", {}, "2026-12-28T10:00:00+00:00"),
        ("${days(2)}", {}, "2026-12-25T10:00:00+00:00"),
    ],
)
def test_a_task_due_on_a_day_falls_due_at_the_end_of_that_working_day(
    scenario, due_date, variables, due
):
    assert due_of(scenario, due_date, variables) == due


def test_the_end_of_the_working_day_is_configurable(db, clock):
    engine = Engine(db, clock=clock, calendar=working_day_calendar("16:30"))
    assert due_of(Scenario(engine, clock), "${working_days(5)}") == "2027-01-04T16:30:00+00:00"
    assert working_day_calendar("").end_of_day == time(17, 0)
    with pytest.raises(ValueError, match="JOINEDUP_END_OF_DAY is 'teatime'"):
        working_day_calendar("teatime")


def boundary_due(scenario, engine, properties: str = "") -> str:
    extension = (
        f"<bpmn:extensionElements><camunda:properties>{properties}</camunda:properties>"
        "</bpmn:extensionElements>"
        if properties
        else ""
    )
    boundary = (
        '<bpmn:boundaryEvent id="edge" cancelActivity="false" attachedToRef="work">'
        f"{extension}<bpmn:timerEventDefinition><bpmn:timeDate>2027-01-05</bpmn:timeDate>"
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    )
    scenario.deploy("edge.bpmn", with_boundary("edge", "Work", boundary, "Chase"))
    ref = scenario.as_user("pat", "practitioner").start("edge")
    [timer] = engine.instance_detail(ref.id, scenario.as_user("pat", "practitioner").actor)[
        "timers"
    ]
    return timer.due_at.isoformat()


def test_a_timer_on_a_user_task_s_boundary_measures_its_deadline_at_the_end_of_the_day(
    scenario, engine
):
    assert boundary_due(scenario, engine) == "2027-01-05T17:00:00+00:00"


def test_a_boundary_timer_marked_milestone_starts_at_the_start_of_the_day(scenario, engine):
    milestone = '<camunda:property name="milestone" value="true"/>'
    assert boundary_due(scenario, engine, milestone) == "2027-01-05T00:00:00+00:00"


def test_an_intermediate_timer_is_a_milestone_at_the_start_of_its_day(scenario, engine):
    body = (
        '<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="wait">'
        "<bpmn:timerEventDefinition><bpmn:timeDate>2027-01-05</bpmn:timeDate>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
        + user_task("work", "Work", 'camunda:candidateGroups="practitioner"')
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "wait")
        + flow("wait", "work")
        + flow("work", "end")
    )
    scenario.deploy("wait.bpmn", bpmn("wait", body))
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("wait")
    [timer] = engine.instance_detail(ref.id, pat.actor)["timers"]
    assert timer.due_at.isoformat() == "2027-01-05T00:00:00+00:00"


@pytest.mark.parametrize(
    ("now", "due", "words"),
    [
        ("2026-12-21T09:00", "2026-12-29T17:00", "due Tue 29 Dec (4 working days)"),
        ("2026-12-24T09:00", "2026-12-29T17:00", "due Tue 29 Dec (1 working day)"),
        ("2026-12-29T09:00", "2026-12-29T17:00", "due today"),
        ("2026-12-29T09:00", "2026-12-29T16:00", "due today at 16:00"),
        ("2026-12-29T17:30", "2026-12-29T17:00", "overdue (due today)"),
        ("2027-01-04T09:00", "2026-12-29T17:00", "overdue by 3 working days (due Tue 29 Dec 2026)"),
        ("2026-12-29T09:00", "2027-01-05T17:00", "due Tue 5 Jan 2027 (4 working days)"),
    ],
)
def test_due_dates_in_words_count_working_days_from_today(now, due, words):
    from engine.workdays import WorkingDayCalendar, due_in_words, to_local

    calendar = WorkingDayCalendar()
    moment = to_local(datetime.fromisoformat(due))
    assert due_in_words(moment, to_local(datetime.fromisoformat(now)), calendar) == words

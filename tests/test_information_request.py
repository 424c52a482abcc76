"""The shipped example process, walked by the people who would use it."""

import pytest

from engine import queries


@pytest.fixture
def request_raised(scenario):
    scenario.deploy_shipped()
    alice = scenario.as_user("alice", "practitioner")
    ref = alice.start("information-request", business_key="IR-1", case_ref="C-1")
    alice.complete(
        "Record the request",
        agency="probation",
        question="Is the father on licence, and with what conditions?",
        urgent="false",
    )
    return ref


def test_the_agency_answers_and_the_raiser_reviews(scenario, engine, request_raised):
    probation = scenario.as_user("bob", "probation")
    task = probation.task("Provide the information")
    # 5 working days over Christmas, at the end of the working day (17:00 UK)
    assert task.due_at.isoformat() == "2027-01-04T17:00:00+00:00"
    probation.complete(
        "Provide the information", answered="true", response="On licence until 2027."
    )
    alice = scenario.as_user("alice", "practitioner")
    assert alice.task("Review the response").assignee == "alice"
    assert alice.complete("Review the response", next_steps="Add to the plan").status == "completed"


def test_a_declined_request_ends_without_review(scenario, request_raised):
    probation = scenario.as_user("bob", "probation")
    ref = probation.complete(
        "Provide the information", answered="no", response="Needs a court order"
    )
    assert ref.status == "completed"
    assert scenario.as_user("alice", "practitioner").inbox() == []


def test_an_unanswered_request_goes_to_a_manager_after_five_working_days(
    scenario, engine, clock, request_raised
):
    clock.set("2027-01-04T16:59:00+00:00")  # the answer is due at 17:00, the end of the day
    assert engine.fire_due_timers() == 0
    clock.set("2027-01-04T17:00:00+00:00")
    assert engine.fire_due_timers() == 1
    manager = scenario.as_user("mo", "manager")
    manager.complete("Chase the overdue request", chase_note="Rang the probation duty officer")
    probation = scenario.as_user("bob", "probation")
    probation.complete("Provide the information", answered="true", response="Sent by secure email")
    with engine.db.reading() as session:
        events = [e.event_type for e in queries.history(session, request_raised.id)]
    assert events.count("timer_fired") == 1 and events.count("task_completed") == 3


def test_an_urgent_request_is_due_in_two_working_days_with_higher_priority(scenario, engine):
    scenario.deploy_shipped()
    alice = scenario.as_user("alice", "practitioner")
    alice.start("information-request", case_ref="C-2")
    alice.complete(
        "Record the request",
        agency="adult-mental-health",
        question="Is mum engaging with her care coordinator?",
        urgent="true",
    )
    [task] = scenario.as_user("hana", "adult-mental-health").inbox()
    assert (task.due_at.isoformat(), task.priority) == ("2026-12-29T17:00:00+00:00", 80)

"""The Professional Differences escalation ladder (Torbay s13, Pan-Hampshire), path by path.

The clock starts on Monday 23 November 2026 at 09:00; all timescales are working days.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import queries
from notifications.models import OutboxNotification

DIFFERENCE = {
    "raiser_agency": "adult-mental-health",
    "other_agency": "childrens-social-care",
    "other_worker": "Sam Jones",
    "concern_type": "threshold",
    "concern": "Children's social care say the threshold for assessment is not met.",
    "tried": "Discussed by phone on Friday; no agreement.",
    "immediate_risk": "no",
}
STAGE1 = "Stage 1: discuss with the other practitioner and record the outcome"
RAISER_POSITION = "Stage 2: record the raising agency's position"
OTHER_POSITION = "Stage 2: record the other agency's position"
JOINT = "Stage 2: agree a joint decision"
APPROVE = "Stage 2: approve or decline escalation to the Head of Service"
STAGE3 = "Stage 3: Head of Service decision"
STAGE4 = "Stage 4: safeguarding partnership decision (final)"
PARTIES = {
    "adult-mental-health:practitioner",
    "childrens-social-care:practitioner",
    "adult-mental-health:manager",
    "childrens-social-care:manager",
}


class Ladder:
    """The people on one difference, and what the case record and outbox say."""

    def __init__(self, scenario, engine):
        self.engine = engine
        self.pat = scenario.as_user("pat", "practitioner", "adult-mental-health:practitioner")
        self.amy = scenario.as_user("amy", "manager", "adult-mental-health:manager")
        self.cal = scenario.as_user("cal", "manager", "childrens-social-care:manager")
        self.hos = scenario.as_user("hos", "head-of-service")
        self.chair = scenario.as_user("chair", "board-chair")
        self.mia = scenario.as_user("mia", "mash")
        self.ref = None

    def raise_difference(self, variables=None, **changes):
        self.ref = self.pat.start(
            "professional-differences", variables, case_ref="CASE-1", business_key="PD-1"
        )
        self.pat.complete("Describe the professional difference", **{**DIFFERENCE, **changes})
        return self

    def decide(self, person, task, resolved, decision="Agreed: assessment to start", **extra):
        return person.complete(
            task,
            resolved=resolved,
            decision=decision,
            agreed_actions="Social worker allocated by Friday",
            **extra,
        )

    def reach_stage_two(self):
        self.decide(
            self.pat, STAGE1, "no", "Still disagree about threshold", supervisor_consulted="yes"
        )
        self.amy.complete(RAISER_POSITION, raiser_agency_position="Mother's relapse raises risk")
        self.cal.complete(OTHER_POSITION, other_agency_position="Needs are met by early help")

    def reach_stage_three(self):
        self.reach_stage_two()
        self.decide(self.amy, JOINT, "no", "No agreement between managers")
        self.cal.complete(
            APPROVE,
            escalate="yes",
            escalation_reason="Risk to the children needs a senior decision",
        )

    def status(self):
        with self.engine.db.reading() as session:
            return session.get(type(queries.instances(session)[0]), self.ref.id).status

    def case_records(self):
        with self.engine.db.reading() as session:
            return [
                e.details
                for e in queries.case_timeline(session, "CASE-1")
                if e.event_type == "case_record"
            ]

    def entries(self):
        return [record["entry"] for record in self.case_records()]

    def outbox(self, template=None):
        with self.engine.db.reading() as session:
            rows = session.scalars(select(OutboxNotification).order_by(OutboxNotification.id))
            return [(r.recipient, r.template) for r in rows if template in (None, r.template)]

    def told(self, template):
        return {recipient for recipient, _ in self.outbox(template)}


@pytest.fixture
def ladder(scenario, engine, clock):
    clock.set("2026-11-23T09:00:00+00:00")
    scenario.deploy_shipped()
    return Ladder(scenario, engine)


def test_raising_a_difference_records_it_and_tells_both_managers(ladder):
    ladder.raise_difference()
    [raised] = ladder.case_records()
    assert raised["entry"] == "raised" and raised["other_worker"] == "Sam Jones"
    assert raised["immediate_risk"] is False
    assert ladder.told("difference_raised") == {
        "adult-mental-health:manager",
        "childrens-social-care:manager",
    }
    task = ladder.pat.task(STAGE1)
    assert (task.assignee, task.due_at.isoformat()) == ("pat", "2026-11-30T09:00:00+00:00")


def test_resolved_at_stage_one_ends_the_ladder_recorded_and_told_to_all_parties(ladder):
    ladder.raise_difference()
    ref = ladder.decide(ladder.pat, STAGE1, "yes", supervisor_consulted="yes")
    assert ref.status == "completed"
    assert ladder.entries() == ["raised", "outcome"]
    outcome = ladder.case_records()[-1]
    assert (outcome["stage"], outcome["resolved"], outcome["decision"]) == (
        1,
        True,
        "Agreed: assessment to start",
    )
    assert outcome["agreed_actions"] == "Social worker allocated by Friday"
    assert ladder.told("outcome") == PARTIES | {"partnership-business-manager"}


def test_resolved_by_the_line_managers_at_stage_two(ladder):
    ladder.raise_difference()
    ladder.reach_stage_two()
    assert ladder.entries() == ["raised", "escalated"]
    assert ladder.told("escalated") == {
        "adult-mental-health:manager",
        "childrens-social-care:manager",
        "partnership-business-manager",
    }
    assert ladder.cal.inbox() == []  # only the raising agency's manager records the joint decision
    ref = ladder.decide(ladder.amy, JOINT, "yes")
    assert ref.status == "completed"
    assert ladder.case_records()[-1]["stage"] == 2
    assert ladder.told("outcome") == PARTIES | {"partnership-business-manager"}


def test_managers_decline_escalation_and_their_decision_stands(ladder):
    ladder.raise_difference()
    ladder.reach_stage_two()
    ladder.decide(ladder.amy, JOINT, "no", "Early help plan continues")
    approval = ladder.amy.task(APPROVE)
    assert approval.candidate_groups == [
        "adult-mental-health:manager",
        "childrens-social-care:manager",
    ]
    ref = ladder.amy.complete(
        APPROVE, escalate="no", escalation_reason="Plan is safe; review in 4 weeks"
    )
    assert ref.status == "completed"
    assert ladder.hos.inbox() == []
    outcome = ladder.case_records()[-1]
    assert (outcome["entry"], outcome["stage"], outcome["escalate"]) == ("outcome", 2, False)
    assert outcome["escalation_reason"] == "Plan is safe; review in 4 weeks"
    assert "outcome" in {template for _, template in ladder.outbox()}


def test_resolved_by_the_head_of_service_at_stage_three(ladder):
    ladder.raise_difference()
    ladder.reach_stage_three()
    assert "head-of-service" in ladder.told("escalated")
    assert (
        ladder.hos.task(STAGE3).due_at.isoformat() == "2026-12-07T09:00:00+00:00"
    )  # 10 working days
    assert ladder.decide(ladder.hos, STAGE3, "yes", "Assessment to start").status == "completed"
    assert ladder.case_records()[-1]["stage"] == 3
    assert ladder.told("outcome") == PARTIES | {"partnership-business-manager"}


def test_unresolved_at_stage_three_goes_to_the_partnership_whose_decision_is_final(ladder):
    ladder.raise_difference()
    ladder.reach_stage_three()
    ladder.decide(ladder.hos, STAGE3, "no", "Heads of service disagree")
    assert "board-chair" in ladder.told("escalated")
    ref = ladder.chair.complete(
        STAGE4,
        decision="Strategy meeting within 5 days",
        agreed_actions="Chair convenes; both agencies attend",
    )
    assert ref.status == "completed"
    outcome = ladder.case_records()[-1]
    assert (outcome["stage"], outcome["resolved"]) == (4, True)
    assert ladder.entries() == ["raised", "escalated", "escalated", "escalated", "outcome"]
    assert ladder.told("outcome") == PARTIES | {"partnership-business-manager"}


def test_stage_one_escalates_by_itself_after_five_working_days_with_a_reminder_the_day_before(
    ladder, engine, clock
):
    ladder.raise_difference()
    clock.set("2026-11-27T09:00:00+00:00")  # Friday: one working day left
    assert engine.fire_due_timers() == 1
    assert ladder.outbox("stage_deadline_reminder") == [("pat", "stage_deadline_reminder")]
    assert ladder.pat.task(STAGE1)  # the reminder does not take the task away
    clock.set("2026-11-30T09:00:00+00:00")  # Monday: five working days
    assert engine.fire_due_timers() == 1
    assert ladder.pat.inbox() == []
    assert [t.name for t in ladder.amy.inbox()] == [RAISER_POSITION]
    assert ladder.entries() == ["raised", "escalated"]


def test_stage_two_escalates_to_the_head_of_service_when_managers_run_out_of_time(
    ladder, engine, clock
):
    ladder.raise_difference()
    ladder.decide(ladder.pat, STAGE1, "no", supervisor_consulted="yes")
    clock.set("2026-11-27T09:00:00+00:00")
    engine.fire_due_timers()
    assert ladder.told("stage_deadline_reminder") == {
        "adult-mental-health:manager",
        "childrens-social-care:manager",
    }
    clock.set("2026-11-30T09:00:00+00:00")
    engine.fire_due_timers()
    assert ladder.amy.inbox() == [] and ladder.cal.inbox() == []
    assert [t.name for t in ladder.hos.inbox()] == [STAGE3]


def test_stage_three_goes_to_the_partnership_when_the_head_of_service_runs_out_of_time(
    ladder, engine, clock
):
    ladder.raise_difference()
    ladder.reach_stage_three()
    clock.set("2026-12-04T09:00:00+00:00")  # 9 working days: reminder
    engine.fire_due_timers()
    assert ("head-of-service", "stage_deadline_reminder") in ladder.outbox()
    clock.set("2026-12-07T09:00:00+00:00")
    engine.fire_due_timers()
    assert ladder.hos.inbox() == []
    assert [t.name for t in ladder.chair.inbox()] == [STAGE4]
    clock.set("2026-12-18T09:00:00+00:00")  # 9 working days into stage 4
    engine.fire_due_timers()
    assert ("board-chair", "stage_deadline_reminder") in ladder.outbox()
    assert [t.name for t in ladder.chair.inbox()] == [
        STAGE4
    ]  # final stage: reminded, never skipped


def test_a_child_at_immediate_risk_goes_to_mash_at_once_while_the_ladder_continues(ladder):
    ladder.raise_difference(immediate_risk="yes")
    [task] = ladder.mia.inbox()
    assert (task.name, task.priority) == ("Act now under child protection procedures", 100)
    assert task.due_at.isoformat() == "2026-11-23T11:00:00+00:00"
    assert ladder.pat.task(STAGE1)
    ladder.mia.complete(
        task.name, cp_action="section-47", cp_notes="Strategy discussion held; s47 started"
    )
    assert ladder.entries() == ["raised", "child_protection_action"]
    assert ladder.case_records()[0]["immediate_risk"] is True
    assert ladder.told("child_protection_action") == {
        "adult-mental-health:practitioner",
        "adult-mental-health:manager",
    }
    assert (
        ladder.decide(ladder.pat, STAGE1, "yes", supervisor_consulted="yes").status == "completed"
    )


def test_the_whole_process_waits_for_mash_even_when_the_ladder_is_resolved(ladder):
    ladder.raise_difference(immediate_risk="yes")
    assert ladder.decide(ladder.pat, STAGE1, "yes", supervisor_consulted="yes").status == "running"
    assert ladder.entries() == ["raised", "outcome"]
    ladder.mia.complete(
        "Act now under child protection procedures",
        cp_action="police-referral",
        cp_notes="Police informed",
    )
    assert ladder.status() == "completed"


def test_the_raiser_can_withdraw_before_a_decision_and_the_withdrawal_is_recorded(ladder, engine):
    ladder.raise_difference()
    ladder.reach_stage_two()
    ref = engine.correlate_message(
        "difference_withdrawn",
        business_key="PD-1",
        variables={"withdrawal_reason": "Resolved at a core group meeting"},
        actor=ladder.pat.actor,
    )
    assert ref.status == "completed"
    assert ladder.amy.inbox() == []
    # the timeline shows how far the ladder had gone before the withdrawal
    assert ladder.entries() == ["raised", "escalated", "withdrawn"]
    assert ladder.case_records()[-1] == {
        "entry": "withdrawn",
        "withdrawal_reason": "Resolved at a core group meeting",
    }
    assert ladder.told("withdrawn") == PARTIES
    with engine.db.reading() as session:
        assert queries.timers(session, ladder.ref.id) == []


def test_a_partnership_can_set_its_own_timescales_without_editing_the_diagram(ladder):
    # setting timescales is for managers and process owners (engine.inputs.timescales)
    ladder.pat = ladder.pat.scenario.as_user(
        "pat", "practitioner", "manager", "adult-mental-health:practitioner"
    )
    ladder.raise_difference({"stage1_days": 3, "reminder_days": 2})
    task = ladder.pat.task(STAGE1)
    assert task.due_at.isoformat() == "2026-11-26T09:00:00+00:00"
    with ladder.engine.db.reading() as session:
        due = sorted(t.due_at.isoformat() for t in queries.timers(session, ladder.ref.id))
    assert due == ["2026-11-24T09:00:00+00:00", "2026-11-26T09:00:00+00:00"]


def test_invalid_answers_are_refused_and_nothing_is_lost(ladder, engine):
    from engine.errors import InvalidSubmission

    ladder.ref = ladder.pat.start("professional-differences", case_ref="CASE-1")
    task = ladder.pat.task("Describe the professional difference")
    with pytest.raises(InvalidSubmission) as caught:
        engine.complete(
            task.id,
            {**DIFFERENCE, "other_agency": "the council", "concern": "short"},
            ladder.pat.actor,
        )
    assert set(caught.value.errors) == {"other_agency", "concern"}
    assert ladder.pat.task("Describe the professional difference").id == task.id
    assert ladder.case_records() == []

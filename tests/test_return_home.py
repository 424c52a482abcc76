"""Return home from care or hospital (Torbay s7.1, DOMAIN.md section 3): who approves follows the
legal status, the IRO gives a view and brings the review forward, the child is asked, an
unplanned return gets a safety visit (and a strategy discussion when there are concerns),
visits recur at most every six weeks until the plan closes, and no deadline just waits."""

from __future__ import annotations

from datetime import date

import pytest

from engine.errors import InvalidSubmission, NotPermitted

from .family import (
    AUTHORISE,
    CONSENT_GIVEN,
    CONSENT_POSITION,
    JOINT_ASSESSMENT,
    Family,
    assess_jointly,
)

PLAN = "Plan the return home"
SAFETY_VISIT = "Visit the child at home to check they are safe"
STRATEGY = "Hold a strategy discussion"
WISHES = "Ask the child's wishes and feelings about going home"
IRO = "Give the IRO's view and bring the looked-after review forward"
CONTRIBUTE = "Contribute to the joint assessment"
DECIDE = "Decide whether the child returns home"
CONFIRM = "Confirm the child has returned home"
VISIT = "Visit the child at home"
REVIEW = "Review the return home plan"
ASSESS_CAPACITY = "Assess capacity for this one decision"
CONSULT = "Consult the people who know them"
BEST_INTERESTS = "Make the best-interests decision"
RETURN_DECISION = "Agreeing to the return home plan"
CAPACITY_RECORDS = ["capacity_assessment", "decision_stands", "best_interests", "parent_capacity"]
CSC_PRACTITIONERS = {"childrens-social-care:practitioner", "drug-and-alcohol:practitioner"}
# Monday 23 November 2026, 09:00: accommodated since 2 November is under 20 working days
UNDER_20_DAYS, OVER_20_DAYS = "2026-11-02", "2026-09-01"


class ReturnHome(Family):
    def __init__(self, scenario, engine, clock, date_of_birth=date(2016, 3, 1)):
        super().__init__(scenario, engine, clock, "RH-1")
        self.create(
            [
                {"name": "Kim Test", "kind": "adult", "relationship": "Mother"},
                {"name": "Ali Test", "kind": "child", "date_of_birth": date_of_birth},
            ],
            ["childrens-social-care", "drug-and-alcohol"],
        )
        self.sam = self.person("sam", "childrens-social-care", "practitioner")
        self.cal = self.person("cal", "childrens-social-care", "manager")
        self.hos = self.person("hos", "childrens-social-care", "head-of-service")
        self.ira = self.person("ira", "childrens-social-care", "iro")
        self.nora = self.person("nora", "childrens-social-care", "nominated-officer")
        self.dee = self.person("dee", "childrens-social-care", "dcs")
        self.dan = self.person("dan", "drug-and-alcohol", "practitioner")
        self.pc = self.person("pc", "police", "practitioner")

    def plan(self, legal_status="section-20", since=UNDER_20_DAYS, route="planned", **more):
        answers = {
            "return_route": route,
            "return_from": "hospital" if legal_status == "none" else "care",
            "legal_status": legal_status,
            "accommodated_since": since,
            "plan_summary": "Home with daily support",
            **more,
        }
        self.sam.complete(PLAN, **answers)

    def contribute(self):
        self.dan.complete(CONSENT_POSITION, **CONSENT_GIVEN)
        self.dan.complete(
            CONTRIBUTE,
            involvement="Keyworker",
            parent_needs="Alcohol dependency, 6 months abstinent",
            impact_on_care="Relapse would put Ali at risk",
            support_offered="Weekly testing",
            agency_risk_view="medium",
        )
        assess_jointly(
            self.sam, "medium", family_views="Kim wants Ali home", recommendation="Return"
        )
        self.cal.complete(AUTHORISE, jra_authorised="yes", authorisation_notes="Ok")

    def ask_the_child(self):
        self.sam.complete(WISHES, child_seen_alone="yes", wishes_feelings="I want to go home")

    def iro_view(self):
        self.ira.complete(
            IRO, iro_opinion="Supports the plan", review_brought_forward_to="2026-12-09"
        )

    def assess(self, looked_after=True):
        self.contribute()
        self.ask_the_child()
        if looked_after:
            self.iro_view()

    def decide(self, approver, decision="return-with-plan"):
        approver.complete(DECIDE, return_decision=decision, return_reasons="Because")

    def inbox_names(self, person) -> list[str]:
        return [task.name for task in person.inbox()]

    def return_home(self, approver, return_date="2026-11-30"):
        """Planned, assessed and approved; the child went home on ``return_date``."""
        self.plan()
        self.assess()
        self.decide(approver)
        self.sam.complete(CONFIRM, return_date=return_date, support_plan="Daily visits")


def start(scenario, engine, clock, **kwargs) -> ReturnHome:
    clock.set("2026-11-23T09:00:00+00:00")
    scenario.deploy_shipped()
    case = ReturnHome(scenario, engine, clock, **kwargs)
    case.start(case.sam, "return-home")
    return case


@pytest.fixture
def case(scenario, engine, clock):
    return start(scenario, engine, clock)


def test_the_child_it_is_about_and_the_adult_services_come_from_the_case(case):
    variables = case.variables()
    assert variables["subject_name"] == "Ali Test"
    assert variables["adult_services"] == ["drug-and-alcohol"]
    assert case.inbox_names(case.sam) == [PLAN]
    assert case.due(case.sam, PLAN) == date(2026, 11, 30)  # plan_days: 5 working days


def test_the_iro_and_the_child_are_asked_while_the_adult_services_contribute(case):
    case.plan()
    assert case.open_tasks() == sorted([CONSENT_POSITION, WISHES, IRO])
    assert IRO in case.inbox_names(case.ira) and IRO not in case.inbox_names(case.cal)
    assert case.due(case.ira, IRO) == case.due(case.sam, WISHES) == date(2026, 11, 30)
    case.contribute()
    assert DECIDE not in case.open_tasks()  # not before the child and the IRO are heard
    case.ask_the_child()
    case.iro_view()
    [iro] = case.records("iro_view")
    assert iro["review_brought_forward_to"] == "2026-12-09"
    assert "sam" in case.told("plan_review")  # the IRO's view goes to the social worker
    assert case.entries()[0] == "return_plan"


def test_section_20_under_20_working_days_is_approved_by_a_team_manager(case):
    case.plan(since=UNDER_20_DAYS)
    case.assess()
    task = case.cal.task(DECIDE)
    assert task.summary == "Return home of Ali Test from care: team manager approval"
    assert DECIDE not in case.inbox_names(case.nora) + case.inbox_names(case.dee)
    assert case.due(case.cal, DECIDE) == date(2026, 11, 30)
    case.decide(case.cal, "not-at-all")
    [decision] = case.records("return_decision")
    assert decision["approval_basis"] == "team manager approval"
    assert (decision["return_decision"], decision["risk_level"]) == ("not-at-all", "medium")
    assert case.told("return_decision") == CSC_PRACTITIONERS | {"childrens-social-care:iro"}
    assert case.status() == "completed"


def test_section_20_for_20_working_days_or_more_needs_the_nominated_officer(case):
    case.plan(since=OVER_20_DAYS)
    case.assess()
    assert DECIDE not in case.inbox_names(case.cal)
    assert case.nora.task(DECIDE).summary.endswith(
        "Nominated Officer approval (section 20 for 20 working days or more)"
    )
    case.decide(case.nora)
    [decision] = case.records("return_decision")
    assert decision["approval_basis"].startswith("Nominated Officer approval")
    assert case.open_tasks() == [CONFIRM]


def test_a_16_year_old_accommodated_under_section_20_needs_the_director(scenario, engine, clock):
    case = start(scenario, engine, clock, date_of_birth=date(2010, 6, 1))
    case.plan(since=OVER_20_DAYS)
    case.assess()
    assert DECIDE not in case.inbox_names(case.nora) + case.inbox_names(case.cal)
    assert "Director of Children's Services approval" in case.dee.task(DECIDE).summary
    case.decide(case.dee)
    assert case.records("return_decision")[0]["approval_basis"].startswith("Director")


def test_under_a_care_order_it_is_placement_with_parents_approval(case):
    case.plan(legal_status="care-order", since=OVER_20_DAYS)
    case.assess()
    task = case.nora.task(DECIDE)
    assert task.summary.endswith("placement with parents approval (care order)")
    case.decide(case.nora)
    assert case.records("return_decision")[0]["legal_status"] == "care-order"


def test_a_hospital_discharge_is_a_managers_decision_without_the_iro(case):
    case.plan(legal_status="none")
    assert IRO not in case.open_tasks()
    case.assess(looked_after=False)
    case.decide(case.cal, "not-at-all")
    assert case.told("return_decision") == CSC_PRACTITIONERS


def test_the_social_worker_who_planned_the_return_cannot_approve_it(case, engine):
    tess = case.person("tess", "childrens-social-care", "practitioner", "manager")
    case.start(tess, "return-home")  # tess is the social worker now
    tess.complete(
        PLAN,
        return_route="planned",
        return_from="care",
        legal_status="section-20",
        accommodated_since=UNDER_20_DAYS,
        plan_summary="Home",
    )
    case.contribute()
    tess.complete(WISHES, child_seen_alone="yes", wishes_feelings="Home")
    case.iro_view()
    decide = case.cal.task(DECIDE)
    with pytest.raises(NotPermitted, match="planned the return cannot approve"):
        engine.complete(decide.id, {"return_decision": "return-with-plan"}, tess.actor)


def test_unplanned_return_gets_a_safety_visit_within_a_working_day_and_a_strategy_discussion(
    case,
):
    case.plan(route="unplanned")
    assert case.open_tasks() == [SAFETY_VISIT]  # the assessment waits for the safety visit
    assert case.due(case.sam, SAFETY_VISIT) == date(2026, 11, 24)
    case.sam.complete(
        SAFETY_VISIT, child_seen="yes", safety_concerns="yes", safety_notes="Bruise on arm"
    )
    assert case.told("unplanned_return") == CSC_PRACTITIONERS | {"childrens-social-care:manager"}
    assert "police:practitioner" in case.told("child_protection_action")
    assert case.due(case.cal, STRATEGY) == date(2026, 11, 24)
    case.cal.complete(STRATEGY, s47_enquiries="yes", strategy_outcome="s47 with police")
    assert case.records("strategy_discussion")[0]["s47_enquiries"] is True
    assert CONSENT_POSITION in case.open_tasks()  # then the joint assessment as usual
    assert case.entries()[:3] == ["return_plan", "safety_visit", "strategy_discussion"]


def test_unplanned_return_without_concerns_goes_straight_to_the_assessment(case):
    case.plan(route="unplanned")
    case.sam.complete(SAFETY_VISIT, child_seen="yes", safety_concerns="no", safety_notes="Fine")
    assert case.told("child_protection_action") == set()
    assert case.open_tasks() == sorted([CONSENT_POSITION, WISHES, IRO])


def test_a_missed_safety_visit_is_urgent_for_the_manager_and_head_of_service(case):
    case.plan(route="unplanned")
    case.at("2026-11-24T16:59:00+00:00")
    assert case.told("deadline_missed") == set()
    case.at("2026-11-24T17:00:00+00:00")
    assert case.told("deadline_missed") == {
        "childrens-social-care:manager",
        "childrens-social-care:head-of-service",
    }
    assert case.open_tasks() == [SAFETY_VISIT]  # still to do, and now chased


def test_not_yet_comes_back_for_a_new_plan_after_six_weeks(case):
    case.plan()
    case.assess()
    case.decide(case.cal, "not-yet")
    assert case.open_tasks() == []
    case.at("2027-01-04T08:59:00+00:00")
    assert case.open_tasks() == []
    case.at("2027-01-04T09:00:00+00:00")
    assert case.open_tasks() == [PLAN]


def test_visits_recur_at_most_every_six_weeks_with_reviews_until_the_plan_closes(case):
    case.return_home(case.cal, return_date="2026-11-30")
    assert case.told("returned_home") == CSC_PRACTITIONERS | {"childrens-social-care:iro"}
    assert case.due(case.sam, VISIT) == date(2026, 12, 7)  # within a week
    case.at("2026-12-07T10:00:00+00:00")
    case.sam.complete(VISIT, child_seen="yes", visit_notes="Settled")
    assert case.due(case.sam, REVIEW) == date(2027, 1, 11)  # six weeks after the return
    case.at("2027-01-11T10:00:00+00:00")
    case.sam.complete(REVIEW, plan_status="continue", review_notes="Going well")
    assert case.due(case.sam, VISIT) == date(2027, 1, 18)  # six weeks after the last visit
    case.at("2027-01-18T10:00:00+00:00")
    case.sam.complete(VISIT, child_seen="yes", visit_notes="Fine")
    assert case.due(case.sam, VISIT) == date(2027, 3, 1)  # no review due before then
    case.at("2027-03-01T10:00:00+00:00")
    case.sam.complete(VISIT, child_seen="yes", visit_notes="Fine")
    assert case.due(case.sam, REVIEW) == date(2027, 4, 11)  # three months after the last
    case.at("2027-04-09T10:00:00+00:00")
    case.sam.complete(REVIEW, plan_status="close", review_notes="Plan achieved")
    assert case.entries().count("visit") == 3
    assert case.entries()[-1] == "review"
    assert case.told("deadline_missed") == set()  # every visit on time
    assert case.status() == "completed"


def test_a_failed_plan_goes_back_to_reassessment(case):
    case.return_home(case.cal, return_date="2026-11-23")
    case.sam.complete(VISIT, child_seen="yes", visit_notes="Concerns")
    case.sam.complete(REVIEW, plan_status="failed", review_notes="Relapse")
    assert case.open_tasks() == [PLAN]
    case.plan()
    case.assess()  # every adult service, the child and the IRO are asked again
    assert [r["agency"] for r in case.records("contribution")] == ["drug-and-alcohol"] * 2
    assert len(case.records("iro_view")) == len(case.records("child_wishes")) == 2
    assert case.open_tasks() == [DECIDE]


def test_when_nobody_plans_or_assesses_a_named_manager_is_told_of_each_deadline(case):
    case.at("2026-11-30T16:59:00+00:00")
    assert case.told("deadline_missed") == set()
    case.at("2026-11-30T17:00:00+00:00")  # the plan was due
    assert case.told("deadline_missed") == {"childrens-social-care:manager"}
    case.plan(since=OVER_20_DAYS)
    case.at("2026-12-07T17:00:00+00:00")  # the child's wishes and the IRO's view were due
    assert case.told("deadline_missed") == {
        "childrens-social-care:manager",
        "childrens-social-care:head-of-service",
    }
    case.at("2026-12-14T17:00:00+00:00")  # the joint assessment was due: no contribution yet
    assert "drug-and-alcohol:manager" in case.told("deadline_missed")
    assert case.records("deadline_missed")[-1]["jra_due"].startswith("2026-12-14")
    # drug and alcohol never decided whether it may share: after its grace the assessment goes
    # ahead without it (recorded), already late, so the joint assessment's own miss is told too
    [missing] = case.records("contribution_missing")
    assert missing["agency"] == "drug-and-alcohol"
    assert len(case.records("deadline_missed")) == 5  # plan, wishes, IRO, contributions, JRA
    assert case.open_tasks() == sorted([JOINT_ASSESSMENT, WISHES, IRO])  # chased, not stalled


def test_an_approver_who_does_not_decide_is_chased_and_so_are_missed_visits_and_reviews(case):
    case.plan(since=OVER_20_DAYS)
    case.assess()
    decision_made_by = date(2026, 11, 30)
    assert case.due(case.nora, DECIDE) == decision_made_by
    case.at("2026-11-30T17:00:00+00:00")
    assert case.told("deadline_missed") == {
        "childrens-social-care:head-of-service",
        "childrens-social-care:manager",
    }
    case.decide(case.nora)
    case.sam.complete(CONFIRM, return_date="2026-11-30", support_plan="Daily visits")
    before = len(case.records("deadline_missed"))
    case.at("2026-12-07T16:59:00+00:00")
    assert len(case.records("deadline_missed")) == before  # due by the end of the day
    case.at("2026-12-07T17:00:00+00:00")  # the end of the day the first visit was due
    [missed] = case.records("deadline_missed")[before:]
    assert missed["visit_due"] == "2026-12-07"
    case.sam.complete(VISIT, child_seen="yes", visit_notes="Late but seen")
    case.at("2027-01-11T17:00:00+00:00")  # the end of the day the review was due
    assert case.records("deadline_missed")[-1]["review_due"] == "2027-01-11"
    assert case.open_tasks() == [REVIEW]  # still there, and the manager knows


def test_an_adult_service_that_never_decides_whether_to_share_does_not_hold_up_the_return(case):
    # contributions due in 5 working days (30 Nov), then 5 more of grace (7 Dec)
    case.plan()
    assert CONSENT_POSITION in case.inbox_names(case.dan)
    case.at("2026-12-07T17:00:00+00:00")
    assert CONSENT_POSITION not in case.inbox_names(case.dan)
    [missing] = case.records("contribution_missing")
    assert missing["agency"] == "drug-and-alcohol"
    assert {"drug-and-alcohol:manager", "childrens-social-care:manager"} <= case.told(
        "deadline_missed"
    )
    assert JOINT_ASSESSMENT in case.inbox_names(case.sam)  # goes ahead


class CapacityInDoubt:
    """Kim's capacity to agree to Ali's return is in doubt: the mental capacity assessment is
    called for that one decision, about Kim (not Ali), by the social worker."""

    STEPS = {
        "reason_for_doubt": "Kim has an acquired brain injury and struggled to follow the plan",
        "practicable_steps": "Easy-read plan, two visits, her sister present",
        "capacity_evidence": "-",
        "person_views": "I want Ali home with me",
    }

    def __init__(self, case: ReturnHome):
        self.case = case
        case.plan(parent_capacity_doubt="yes", parent_name="Kim Test")
        case.assess()

    def assess(self, weighs: str):
        self.case.sam.complete(
            ASSESS_CAPACITY,
            impairment="yes",
            understands="yes",
            retains="yes",
            weighs=weighs,
            because_of_impairment="no" if weighs == "yes" else "yes",
            communicates="yes",
            **self.STEPS,
        )

    def best_interests(self, proceed: str):
        self.case.sam.complete(
            CONSULT, consultees="Her sister: supports Ali going home", anyone_to_consult="yes"
        )
        self.case.sam.complete(
            BEST_INTERESTS,
            person_wishes="Wants Ali home",
            options_considered="Return with daily support; stay in foster care for now",
            least_restrictive_option="Return with daily support",
            best_interests_decision="Return with daily support"
            if proceed == "yes"
            else "Not this plan: Kim needs more support in place first",
            best_interests_proceed=proceed,
            mca_reconsider_on="2027-03-01",
        )


def shown_to(engine, person, task) -> list[str]:
    """The kinds of the records the decider sees above the form."""
    return [record.kind for record in engine.task_view(task.id, person.actor).context.records]


def test_a_parent_whose_capacity_is_in_doubt_is_assessed_before_the_approval(case, engine):
    doubt = CapacityInDoubt(case)
    assert case.open_tasks() == [ASSESS_CAPACITY]  # the approver waits for it
    task = case.sam.task(ASSESS_CAPACITY)
    assert task.assignee == "sam"
    assert task.summary == f"Mental capacity of Kim Test: {RETURN_DECISION}"  # not the child
    assert task.escalate_to == ["childrens-social-care:manager"]
    assert case.due(case.sam, ASSESS_CAPACITY) == date(2026, 12, 7)  # 10 working days
    doubt.assess(weighs="yes")
    [outcome] = case.records("parent_capacity")
    assert outcome["parent_name"] == "Kim Test"
    assert (outcome["mca_outcome"], outcome["mca_decision"]) == ("has_capacity", RETURN_DECISION)
    assert case.records("decision_stands")[0]["person_views"] == "I want Ali home with me"
    decide = case.cal.task(DECIDE)  # her decision stands: the approval goes ahead
    seen = shown_to(engine, case.cal, decide)
    assert {"capacity_assessment", "decision_stands", "parent_capacity"} <= set(seen)
    case.decide(case.cal)
    assert case.open_tasks() == [CONFIRM]


def test_lacking_capacity_a_best_interests_decision_to_proceed_goes_to_approval(case, engine):
    doubt = CapacityInDoubt(case)
    doubt.assess(weighs="no")
    assert case.open_tasks() == [CONSULT]
    assert case.sam.task(CONSULT).summary == (
        f"Best interests of Kim Test: {RETURN_DECISION} (consultation)"
    )
    doubt.best_interests(proceed="yes")
    [outcome] = case.records("parent_capacity")
    assert (outcome["mca_outcome"], outcome["best_interests_proceed"]) == ("lacks_capacity", True)
    decide = case.cal.task(DECIDE)
    seen = shown_to(engine, case.cal, decide)
    assert {"capacity_assessment", "best_interests", "parent_capacity"} <= set(seen)
    assert [e for e in case.entries() if e in CAPACITY_RECORDS] == [
        "capacity_assessment",
        "best_interests",
        "parent_capacity",
    ]


def test_lacking_capacity_a_best_interests_decision_not_to_proceed_goes_back_to_planning(case):
    doubt = CapacityInDoubt(case)
    doubt.assess(weighs="no")
    doubt.best_interests(proceed="no")
    [outcome] = case.records("parent_capacity")
    assert (outcome["mca_outcome"], outcome["best_interests_proceed"]) == ("lacks_capacity", False)
    assert case.open_tasks() == [PLAN]  # not to the approver: a new plan
    assert DECIDE not in case.inbox_names(case.cal)
    assert case.due(case.sam, PLAN) == date(2026, 11, 30)
    case.plan()  # a new plan, Kim's capacity no longer in doubt for it
    case.assess()
    assert case.open_tasks() == [DECIDE]


def test_a_parent_in_doubt_must_be_named(case):
    with pytest.raises(InvalidSubmission) as refused:
        case.plan(parent_capacity_doubt="yes")
    assert "parent_name" in refused.value.errors
    assert case.open_tasks() == [PLAN]


def test_capacity_is_assumed_when_the_plan_says_nothing(case):
    case.plan()
    case.assess()
    assert case.open_tasks() == [DECIDE]
    assert case.records("parent_capacity") == []

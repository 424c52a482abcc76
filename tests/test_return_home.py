"""Return home from care or hospital (Torbay s7.1): contributions, joint risk assessment, the
manager's decision, the post-return visit and reviews, and reassessment when the plan fails."""

from __future__ import annotations

from datetime import date

import pytest

from .family import AUTHORISE, CONSENT_GIVEN, CONSENT_POSITION, Family, assess_jointly

PLAN = "Plan the return home"
DECIDE = "Decide whether the child returns home"
CONFIRM = "Confirm the child has returned home"
VISIT = "Visit the child at home after the return"
REVIEW = "Review the return home plan"


class ReturnHome(Family):
    def __init__(self, scenario, engine, clock):
        super().__init__(scenario, engine, clock, "RH-1")
        self.create(
            [
                {"name": "Kim Test", "kind": "adult", "relationship": "Mother"},
                {"name": "Ali Test", "kind": "child", "date_of_birth": date(2016, 3, 1)},
            ],
            ["childrens-social-care", "drug-and-alcohol"],
        )
        self.sam = self.person("sam", "childrens-social-care", "practitioner")
        self.cal = self.person("cal", "childrens-social-care", "manager")
        self.dan = self.person("dan", "drug-and-alcohol", "practitioner")

    def assess(self):
        self.sam.complete(
            PLAN,
            return_from="care",
            legal_status="section-20",
            plan_summary="Home with daily support",
            iro_consulted="yes",
        )
        self.dan.complete(CONSENT_POSITION, **CONSENT_GIVEN)
        self.dan.complete(
            "Contribute to the joint assessment",
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

    def decide(self, decision):
        self.cal.complete(DECIDE, return_decision=decision, return_reasons="Because")


@pytest.fixture
def case(scenario, engine, clock):
    clock.set("2026-11-23T09:00:00+00:00")
    scenario.deploy_shipped()
    case = ReturnHome(scenario, engine, clock)
    case.start(case.sam, "return-home")
    return case


def test_the_child_it_is_about_and_the_adult_services_come_from_the_case(case):
    variables = case.variables()
    assert variables["subject_name"] == "Ali Test"
    assert variables["adult_services"] == ["drug-and-alcohol"]
    assert [t.name for t in case.sam.inbox()] == [PLAN]


def test_not_at_all_ends_with_the_decision_recorded_and_told(case):
    case.assess()
    case.decide("not-at-all")
    [decision] = case.records("return_decision")
    assert (decision["return_decision"], decision["risk_level"]) == ("not-at-all", "medium")
    assert case.told("return_decision") == {
        "childrens-social-care:practitioner",
        "drug-and-alcohol:practitioner",
    }
    assert case.status() == "completed"


def test_not_yet_comes_back_for_a_new_plan_after_six_weeks(case):
    case.assess()
    case.decide("not-yet")
    assert case.open_tasks() == []
    case.at("2027-01-04T08:59:00+00:00")
    assert case.open_tasks() == []
    case.at("2027-01-04T09:00:00+00:00")
    assert case.open_tasks() == [PLAN]


def test_a_return_is_visited_within_a_week_and_reviewed_at_six_weeks_then_three_months(case):
    case.assess()
    case.decide("return-with-plan")
    case.sam.complete(CONFIRM, return_date="2026-12-21", support_plan="Daily visits")
    assert case.due(case.sam, VISIT) == date(2026, 12, 28)
    case.sam.complete(VISIT, child_seen="yes", visit_notes="Settled")
    assert case.due(case.sam, REVIEW) == date(2027, 2, 1)
    case.sam.complete(REVIEW, plan_status="continue", review_notes="Going well")
    assert case.due(case.sam, REVIEW) == date(2027, 5, 1)
    case.sam.complete(REVIEW, plan_status="close", review_notes="Plan achieved")
    assert case.entries()[-3:] == ["returned_home", "review", "review"]
    assert case.status() == "completed"


def test_a_failed_plan_goes_back_to_reassessment(case):
    case.assess()
    case.decide("return-with-plan")
    case.sam.complete(CONFIRM, return_date="2026-12-21", support_plan="Daily visits")
    case.sam.complete(VISIT, child_seen="yes", visit_notes="Concerns")
    case.sam.complete(REVIEW, plan_status="failed", review_notes="Relapse")
    assert case.open_tasks() == [PLAN]
    case.assess()  # every adult service is asked again
    assert [r["agency"] for r in case.records("contribution")] == ["drug-and-alcohol"] * 2
    assert case.open_tasks() == [DECIDE]

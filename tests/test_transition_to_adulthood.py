"""Transition to adulthood (Pan-Hampshire; Care Act 2014 s58-66; Mental Capacity Act 2005):
milestones from the date of birth, the young person's views at every step, and no cliff edge
at 18."""

from __future__ import annotations

from datetime import date

import pytest

from .family import CONSENT_GIVEN, CONSENT_POSITION, CONSENT_REFUSED, Family

BORN = date(2012, 2, 29)  # a leap-day birthday: the hardest date arithmetic there is
IDENTIFY = "Identify the young person's transition needs"
MEETING = "Hold the transition planning meeting"
MCA = "Consider the young person's mental capacity"
ASSESSMENT = "Carry out the Care Act transition assessment"
ELIGIBILITY = "Decide eligibility for adult care and support"
ADULT_PLAN = "Agree the adult care and support plan"
HANDOVER = "Hand over to adult services"
VIEWS = {"young_person_views": "I want to live near my friends"}


class Transition(Family):
    def __init__(self, scenario, engine, clock, born=BORN):
        super().__init__(scenario, engine, clock, "TA-1")
        self.create(
            [{"name": "Max Test", "kind": "child", "date_of_birth": born}],
            ["childrens-social-care", "adult-social-care", "learning-disability"],
        )
        self.sam = self.person("sam", "childrens-social-care", "practitioner")
        self.ash = self.person("ash", "adult-social-care", "practitioner")
        self.asm = self.person("asm", "adult-social-care", "manager")

    def begin(self, consent=CONSENT_GIVEN):
        self.start(self.sam, "transition-to-adulthood")
        self.sam.complete(
            IDENTIFY, transition_reason="care-and-support", needs_summary="Autism", **VIEWS
        )
        self.sam.complete(CONSENT_POSITION, **consent)
        return self

    def plan(self):
        self.sam.complete(
            MEETING,
            meeting_date="2027-06-01",
            transition_plan="College, supported living",
            chc_screening_needed="no",
            **VIEWS,
        )

    def through_assessment(self, decision="assessed"):
        self.plan()
        self.at("2028-02-29T00:00:00+00:00")
        self.sam.complete(MCA, has_capacity="yes", capacity_notes="Decides daily living", **VIEWS)
        self.ash.complete(
            ASSESSMENT, assessment_decision=decision, assessment_summary="Needs support", **VIEWS
        )


@pytest.fixture
def transition(scenario, engine, clock):
    clock.set("2026-11-23T09:00:00+00:00")
    scenario.deploy_shipped()
    return lambda **kwargs: Transition(scenario, engine, clock, **kwargs)


def test_milestones_are_counted_from_a_leap_day_birthday(transition):
    case = transition().begin()
    variables = case.variables()
    assert variables["planning_due"] == date(2028, 2, 29)  # 16: a leap year again
    assert variables["assessment_due"] == date(2029, 2, 28)  # 17: no 29 February
    assert variables["eligibility_due"] == date(2029, 8, 29)  # 17 and a half
    assert variables["adult_plan_due"] == date(2030, 2, 28)  # 18
    assert case.due(case.sam, MEETING) == date(2028, 2, 29)


def test_a_month_end_birthday_keeps_to_the_month(transition):
    case = transition(born=date(2011, 8, 31)).begin()
    assert case.variables()["eligibility_due"] == date(2029, 2, 28)  # 210 months on


def test_the_whole_way_to_adult_services_with_the_young_persons_views_each_step(transition):
    case = transition().begin()
    case.through_assessment()
    assert case.due(case.asm, ELIGIBILITY) == date(2029, 8, 29)
    case.asm.complete(ELIGIBILITY, eligible="yes", eligibility_reasons="Care Act needs", **VIEWS)
    case.ash.complete(
        ADULT_PLAN, adult_plan_text="Supported living", young_person_agrees="yes", **VIEWS
    )
    case.sam.complete(
        HANDOVER, handover_date="2030-01-10", handover_notes="Ash is the worker", **VIEWS
    )
    assert case.entries() == [
        "transition_identified",
        "information_sharing",
        "transition_plan",
        "mental_capacity",
        "transition_assessment",
        "eligibility",
        "handover",
    ]
    steps = [r for r in case.records() if r["entry"] != "information_sharing"]
    assert all(r["young_person_views"] == VIEWS["young_person_views"] for r in steps)
    assert case.told("handover") >= {
        "adult-social-care:practitioner",
        "learning-disability:practitioner",
    }
    assert case.status() == "completed"


def test_mental_capacity_is_considered_from_the_sixteenth_birthday(transition):
    case = transition().begin()
    case.plan()
    case.at("2028-02-28T23:00:00+00:00")  # midnight UK time on the 29th is 00:00 UTC (GMT)
    assert case.open_tasks() == []
    case.at("2028-02-29T00:00:00+00:00")
    assert case.open_tasks() == [MCA]


def test_a_refusal_is_respected_and_revisited(transition):
    case = transition().begin(CONSENT_REFUSED)
    assert case.open_tasks() == ["Revisit consent with the young person"]
    case.sam.complete("Revisit consent with the young person", consent_now_given="yes", **VIEWS)
    case.sam.complete(CONSENT_POSITION, **CONSENT_GIVEN)
    assert [r["decision"] for r in case.records("information_sharing")] == [
        "do_not_share",
        "share_proportionately",
    ]
    assert case.open_tasks() == [MEETING]


def test_a_refused_transition_assessment_ends_with_written_reasons(transition):
    case = transition().begin()
    case.through_assessment("refused")
    [assessment] = case.records("transition_assessment")
    assert assessment["assessment_decision"] == "refused" and assessment["assessment_summary"]
    assert case.told("transition_assessment") == {"sam"}
    assert case.status() == "completed"


def test_at_eighteen_without_an_adult_plan_childrens_services_continue(transition):
    case = transition().begin()
    case.through_assessment()
    case.asm.complete(ELIGIBILITY, eligible="yes", eligibility_reasons="Needs", **VIEWS)
    case.at("2030-02-14T16:59:00+00:00")  # a date falls due at 17:00 UK, the end of the day
    assert case.told("deadline_reminder") == set()
    case.at("2030-02-14T17:00:00+00:00")
    assert case.told("deadline_reminder") >= {"adult-social-care:practitioner"}
    case.at("2030-02-28T00:00:00+00:00")
    assert case.entries()[-1] == "services_continue"
    assert case.told("deadline_missed") >= {"childrens-social-care:manager", "sam"}
    assert case.open_tasks() == [ADULT_PLAN]  # the process does not end at 18
    assert case.status() == "running"


def test_a_missed_planning_meeting_reminds_the_lead_then_tells_their_manager(transition):
    case = transition().begin()
    case.at("2028-02-15T17:00:00+00:00")  # dates fall due at 17:00 UK, the end of the day
    assert case.told("deadline_reminder") == {"sam"}
    case.at("2028-02-29T16:59:00+00:00")
    assert case.told("deadline_missed") == set()
    case.at("2028-02-29T17:00:00+00:00")
    assert case.told("deadline_missed") == {"childrens-social-care:manager"}
    assert case.entries()[-1] == "deadline_missed"


def test_not_eligible_ends_with_the_reasons_recorded(transition):
    case = transition().begin()
    case.through_assessment()
    case.asm.complete(ELIGIBILITY, eligible="no", eligibility_reasons="Needs met", **VIEWS)
    assert case.records("eligibility")[0]["eligible"] is False
    assert case.status() == "completed"

"""Transition to adulthood (Pan-Hampshire; DOMAIN.md section 4; Care Act 2014 s58-66; Mental
Capacity Act 2005): identified at 14 or on request, consent or a best-interests decision before
anything reaches adult services, milestones from the date of birth, the young person's views at
every step, and no cliff edge at 18 whatever step the work has reached."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.disclosure.models import DisclosureGrant
from engine.errors import InvalidSubmission
from notifications.models import OutboxNotification

from .family import CONSENT_GIVEN, CONSENT_POSITION, CONSENT_REFUSED, Family

BORN = date(2012, 2, 29)  # a leap-day birthday: the hardest date arithmetic there is
IDENTIFY = "Identify the young person's transition needs"
CONSENT = "Ask the young person's consent to a transition assessment"
REVISIT = "Revisit consent with the young person"
MEETING = "Hold the transition planning meeting"
CHC = "Screen for NHS continuing healthcare"
ASSESSMENT = "Carry out the Care Act transition assessment"
REASONS = "Send the young person the written reasons for refusing an assessment"
MARM = "Hold the Multi-Agency Risk Management (MARM) meeting"
ELIGIBILITY = "Decide eligibility for adult care and support"
ADULT_PLAN = "Agree the adult care and support plan"
HANDOVER = "Hand over to adult services"
REGAINED = "Ask their consent now they have capacity"
ASSESS_CAPACITY = "Assess capacity for this one decision"
CONSULT = "Consult the people who know them"
BEST_INTERESTS = "Make the best-interests decision"
VIEWS = {"young_person_views": "I want to live near my friends"}
MEETING_HELD = {
    "meeting_date": "2027-06-01",
    "attendees": "Max, his mum, Sam (social care), Eve (school), Nina (NHS), Ash (adults)",
    "health_attended": "yes",
    "education_attended": "yes",
    "transition_plan": "College, supported living",
    **VIEWS,
}
FOR_HIM = {  # the sharing consent after he was found to lack capacity for this very decision
    **CONSENT_GIVEN,
    "can_consent": "no",
    "consent_by": "best_interests",
    "consent_decided_by": "Sam, lead worker: the best-interests decision",
}
CANNOT_WEIGH = {
    "reason_for_doubt": "Severe learning disability",
    "practicable_steps": "Easy-read booklet, two visits, his key worker with him",
    "impairment": "yes",
    "understands": "yes",
    "retains": "yes",
    "weighs": "no",
    "communicates": "yes",
    "because_of_impairment": "yes",
    "capacity_evidence": "Could not weigh what an assessment would mean",
    "person_views": "I don't like new people",
}


class Transition(Family):
    def __init__(self, scenario, engine, clock, born=BORN):
        super().__init__(scenario, engine, clock, "TA-1")
        self.create(
            [{"name": "Max Test", "kind": "child", "date_of_birth": born}],
            ["childrens-social-care", "adult-social-care", "learning-disability", "education"],
        )
        self.sam = self.person("sam", "childrens-social-care", "practitioner")
        self.ash = self.person("ash", "adult-social-care", "practitioner")
        self.asm = self.person("asm", "adult-social-care", "manager")
        self.nina = self.person("nina", "health", "practitioner")

    def begin(self, consent=CONSENT_GIVEN, **start_variables):
        self.start(self.sam, "transition-to-adulthood", **start_variables)
        self.identify()
        self.sam.complete(CONSENT, assessment_consent="given", **VIEWS)
        self.sam.complete(CONSENT_POSITION, **consent)
        return self

    def identify(self):
        self.sam.complete(
            IDENTIFY, transition_reason="care-and-support", needs_summary="Autism", **VIEWS
        )

    def plan(self):
        self.sam.complete(MEETING, **MEETING_HELD)

    def assess(self, decision="assessed", adult_risk="none"):
        self.ash.complete(
            ASSESSMENT,
            assessment_decision=decision,
            assessment_summary="Needs support with daily living",
            adult_risk=adult_risk,
            **VIEWS,
        )

    def through_assessment(self, decision="assessed", adult_risk="none"):
        self.plan()
        self.assess(decision, adult_risk)


@pytest.fixture
def transition(scenario, engine, clock):
    clock.set("2026-11-23T09:00:00+00:00")
    scenario.deploy_shipped()
    return lambda **kwargs: Transition(scenario, engine, clock, **kwargs)


def test_milestones_are_counted_from_a_leap_day_birthday(transition):
    case = transition().begin()
    variables = case.variables()
    assert variables["identify_from"] == date(2026, 2, 28)  # 14: no 29 February
    assert variables["planning_due"] == date(2028, 2, 29)  # 16: a leap year again
    assert variables["chc_due"] == date(2029, 2, 28)  # 17
    assert variables["assessment_due"] == date(2029, 2, 28)  # 17
    assert variables["eligibility_due"] == date(2029, 8, 29)  # 17 and a half
    assert variables["adult_plan_due"] == date(2030, 2, 28)  # 18
    assert case.due(case.sam, MEETING) == date(2028, 2, 29)


def test_a_month_end_birthday_keeps_to_the_month(transition):
    case = transition(born=date(2011, 8, 31)).begin()
    assert case.variables()["eligibility_due"] == date(2029, 2, 28)  # 210 months on


def test_started_at_fourteen_the_whole_way_to_adult_services(transition):
    case = transition().begin()
    assert case.entries() == [
        "transition_identified",
        "assessment_consent",
        "information_sharing",
        "transition_referral",
    ]
    assert case.told("transition_started") == {"adult-social-care:manager"}
    case.plan()
    # health and education were at the meeting; continuing healthcare waits for 16
    [plan] = case.records("transition_plan")
    assert plan["health_attended"] is True and plan["education_attended"] is True
    assert "Nina (NHS)" in plan["attendees"]
    assert case.open_tasks() == [ASSESSMENT]
    case.assess()
    assert case.due(case.asm, ELIGIBILITY) == date(2029, 8, 29)
    case.at("2028-02-29T00:00:00+00:00")  # the 16th birthday: health screens
    assert case.told("chc_screening") == {"health:practitioner"}
    assert case.due(case.nina, CHC) == date(2029, 2, 28)
    assert case.nina.task(CHC).escalate_to == ["health:manager"]
    case.nina.complete(
        CHC, chc_checklist_done="yes", chc_outcome="not-needed", chc_notes="Needs are social"
    )
    assert case.told("chc_screening") == {"health:practitioner", "sam"}
    case.asm.complete(ELIGIBILITY, eligible="yes", eligibility_reasons="Care Act needs", **VIEWS)
    case.ash.complete(
        ADULT_PLAN, adult_plan_text="Supported living", young_person_agrees="yes", **VIEWS
    )
    case.sam.complete(
        HANDOVER, handover_date="2030-01-10", handover_notes="Ash is the worker", **VIEWS
    )
    assert case.entries() == [
        "transition_identified",
        "assessment_consent",
        "information_sharing",
        "transition_referral",
        "transition_plan",
        "transition_assessment",
        "chc_screening",
        "eligibility",
        "adult_plan",
        "handover",
    ]
    steps = [r for r in case.records() if "young_person_views" in r]
    assert len(steps) == 8
    assert all(r["young_person_views"] == VIEWS["young_person_views"] for r in steps)
    assert case.told("handover") >= {
        "adult-social-care:practitioner",
        "learning-disability:practitioner",
    }
    case.at("2030-02-28T00:00:00+00:00")  # 18, with the plan in place: nothing to say
    assert case.told("services_continue") == set()
    assert case.status() == "completed"


def test_a_child_too_young_is_refused_without_the_reason_it_was_asked_for(transition):
    case = transition(born=date(2019, 5, 1))  # seven
    with pytest.raises(InvalidSubmission) as refused:
        case.start(case.sam, "transition-to-adulthood")
    assert "request_reason" in refused.value.errors
    assert "14" in refused.value.errors["request_reason"]
    assert case.instance_id is None


def test_on_request_at_any_age_with_the_reason_recorded(transition):
    case = transition(born=date(2019, 5, 1))
    why = "Parents asked: a life-limiting condition, planning for adult health care early"
    case.start(case.sam, "transition-to-adulthood", request_reason=why)
    assert case.open_tasks() == [IDENTIFY]  # now, not at 14
    assert case.sam.task(IDENTIFY).due_at is not None
    case.identify()
    assert case.records("transition_identified")[0]["request_reason"] == why


def test_started_shortly_before_fourteen_it_waits_for_the_year_9_review(transition):
    case = transition(born=date(2013, 3, 10))  # 13 years 8 months
    case.start(case.sam, "transition-to-adulthood")
    assert case.open_tasks() == []
    case.at("2027-03-09T23:59:00+00:00")
    assert case.open_tasks() == []
    case.at("2027-03-10T00:00:00+00:00")  # the 14th birthday (GMT: midnight UK time)
    assert case.open_tasks() == [IDENTIFY]


def test_started_at_sixteen_the_past_milestones_catch_up(transition):
    case = transition(born=date(2010, 11, 1)).begin()
    variables = case.variables()
    assert variables["planning_due"] == date(2026, 12, 21)  # 20 working days, not in the past
    assert variables["assessment_due"] == date(2027, 11, 1)  # 17 is still ahead
    case.plan()
    assert case.open_tasks() == [ASSESSMENT, CHC]  # past 16: screening straight away
    assert case.told("deadline_missed") == set()


def test_at_eighteen_with_the_assessment_still_open_childrens_services_continue(transition):
    case = transition(born=date(2010, 11, 1)).begin()  # started at 16
    case.plan()
    case.nina.complete(CHC, chc_checklist_done="yes", chc_outcome="not-needed", chc_notes="-")
    case.at("2028-10-31T23:59:00+00:00")
    assert case.told("services_continue") == set()
    case.at("2028-11-01T00:00:00+00:00")  # the 18th birthday, assessment not done
    [record] = case.records("services_continue")
    assert record["adult_plan_due"] in (date(2028, 11, 1), "2028-11-01")
    assert case.told("services_continue") == {
        "sam",
        "childrens-social-care:manager",
        "adult-social-care:manager",
    }
    assert case.open_tasks() == [ASSESSMENT]  # the process goes on until the plan is in place
    case.assess()
    case.asm.complete(ELIGIBILITY, eligible="yes", eligibility_reasons="Needs", **VIEWS)
    case.ash.complete(ADULT_PLAN, adult_plan_text="Flat", young_person_agrees="yes", **VIEWS)
    assert case.open_tasks() == [HANDOVER]
    assert len(case.records("services_continue")) == 1


def test_at_eighteen_with_the_plan_agreed_but_not_yet_handed_over_nothing_fires(transition):
    case = transition(born=date(2010, 11, 1)).begin()
    case.through_assessment()
    case.asm.complete(ELIGIBILITY, eligible="yes", eligibility_reasons="Needs", **VIEWS)
    case.ash.complete(ADULT_PLAN, adult_plan_text="Flat", young_person_agrees="yes", **VIEWS)
    case.at("2028-11-01T00:00:00+00:00")
    assert case.told("services_continue") == set()
    assert case.open_tasks() == [HANDOVER, CHC]


def test_started_at_seventeen_years_ten_months_s66_fires_from_the_consent_step(transition):
    case = transition(born=date(2009, 1, 20))  # 17 years 10 months
    case.start(case.sam, "transition-to-adulthood")
    case.identify()
    assert case.due(case.sam, CONSENT) == date(2026, 12, 7)  # 10 working days
    case.at("2027-01-20T00:00:00+00:00")  # 18 while consent is still being sought
    assert case.entries()[-1] == "services_continue"
    assert case.told("services_continue") >= {"sam", "childrens-social-care:manager"}
    assert case.open_tasks() == [CONSENT]
    assert case.status() == "running"


def test_lacking_capacity_a_best_interests_decision_and_the_assessment_comes_back(transition):
    case = transition(born=date(2010, 6, 1))  # 16
    case.start(case.sam, "transition-to-adulthood")
    case.identify()
    case.sam.complete(CONSENT, assessment_consent="capacity_in_question", **VIEWS)
    assert case.open_tasks() == [ASSESS_CAPACITY]
    assert case.sam.task(ASSESS_CAPACITY).assignee == "sam"
    case.sam.complete(ASSESS_CAPACITY, **CANNOT_WEIGH)
    case.sam.complete(
        CONSULT,
        consultees="His mum: wants the assessment; his uncle agrees",
        anyone_to_consult="yes",
    )
    case.sam.complete(
        BEST_INTERESTS,
        person_wishes="Likes routine and his own room",
        options_considered="Assess now; wait a year",
        least_restrictive_option="Assess now, at home, with his mum there: chosen",
        best_interests_decision="Assess now so support is ready at 18",
        best_interests_proceed="yes",
        mca_reconsider_on="2027-05-24",
    )
    [decision] = case.records("best_interests")
    assert decision["consultees"].startswith("His mum")
    assert decision["least_restrictive_option"].startswith("Assess now, at home")
    assert case.open_tasks() == [CONSENT_POSITION]  # on to the sharing decision
    case.sam.complete(CONSENT_POSITION, **FOR_HIM)
    assert case.open_tasks() == [MEETING]
    case.at("2027-05-23T22:59:00+00:00")
    assert case.open_tasks() == [MEETING]
    case.at("2027-05-24T00:00:00+01:00")  # the date to reconsider (midnight UK): it is back
    assert case.open_tasks() == [ASSESS_CAPACITY, MEETING]
    case.sam.complete(
        ASSESS_CAPACITY, **{**CANNOT_WEIGH, "weighs": "yes", "because_of_impairment": "no"}
    )
    assert [r["mca_outcome"] for r in case.records("capacity_assessment")] == [
        "lacks_capacity",
        "has_capacity",
    ]
    assert case.entries()[-1] == "decision_stands"
    assert case.open_tasks() == [REGAINED, MEETING]  # they are asked themselves now
    assert case.sam.task(REGAINED).escalate_to == ["childrens-social-care:manager"]
    assert case.due(case.sam, REGAINED) == date(2027, 6, 8)  # consent_days, 10 working days
    case.sam.complete(REGAINED, assessment_consent="given", **VIEWS)
    assert case.records("assessment_consent")[-1]["assessment_consent"] == "given"
    assert case.open_tasks() == [MEETING]  # the planning goes on, with their consent


def test_the_reconsideration_comes_round_a_bounded_number_of_times(transition):
    case = transition(born=date(2010, 6, 1))
    cal = case.person("cal", "childrens-social-care", "practitioner", "manager")  # may set it
    case.start(cal, "transition-to-adulthood", mca_reviews=1)
    cal.complete(IDENTIFY, transition_reason="both", needs_summary="Autism", **VIEWS)
    cal.complete(CONSENT, assessment_consent="capacity_in_question", **VIEWS)
    for reconsider_on in ("2027-01-11", "2027-03-01"):
        cal.complete(ASSESS_CAPACITY, **CANNOT_WEIGH)
        cal.complete(CONSULT, consultees="No one", anyone_to_consult="no")
        cal.complete(
            "Instruct an independent mental capacity advocate (IMCA)",
            imca_name="Kim, Advocacy Hub",
            imca_representations="He wants to stay near school",
        )
        cal.complete(
            BEST_INTERESTS,
            person_wishes="-",
            options_considered="-",
            least_restrictive_option="-",
            best_interests_decision="-",
            best_interests_proceed="yes",
            mca_reconsider_on=reconsider_on,
        )
        if reconsider_on == "2027-01-11":
            cal.complete(CONSENT_POSITION, **FOR_HIM)
        case.at(f"{reconsider_on}T00:00:00+00:00")
    assert case.open_tasks() == [MEETING]  # one reconsideration, as the partnership set
    assert len(case.records("best_interests")) == 2
    assert [r["imca_name"] for r in case.records("best_interests")] == ["Kim, Advocacy Hub"] * 2


def test_under_sixteen_capacity_is_not_the_test(transition):
    case = transition()
    case.start(case.sam, "transition-to-adulthood")
    case.identify()
    with pytest.raises(InvalidSubmission) as refused:
        case.sam.complete(CONSENT, assessment_consent="capacity_in_question", **VIEWS)
    assert "16" in refused.value.errors["assessment_consent"]


def test_consent_refused_nothing_reaches_adult_services(transition):
    case = transition()
    case.start(case.sam, "transition-to-adulthood")
    case.identify()
    case.sam.complete(CONSENT, assessment_consent="refused", **VIEWS)
    assert case.open_tasks() == [REVISIT]
    case.sam.complete(REVISIT, consent_now_given="no", **VIEWS)
    assert case.status() == "completed"
    assert case.told("transition_started") == set()
    with case.engine.db.reading() as session:
        assert session.scalars(select(DisclosureGrant)).all() == []


def test_a_refusal_to_share_is_respected_and_revisited(transition):
    case = transition().begin(CONSENT_REFUSED)
    assert case.open_tasks() == [REVISIT]
    assert case.told("transition_started") == set()
    case.sam.complete(REVISIT, consent_now_given="yes", **VIEWS)
    case.sam.complete(CONSENT, assessment_consent="given", **VIEWS)
    case.sam.complete(CONSENT_POSITION, **CONSENT_GIVEN)
    assert [r["decision"] for r in case.records("information_sharing")] == [
        "do_not_share",
        "share_proportionately",
    ]
    assert case.open_tasks() == [MEETING]
    assert case.told("transition_started") == {"adult-social-care:manager"}


def test_health_and_education_at_the_meeting_or_the_reason_why(transition):
    case = transition().begin()
    with pytest.raises(InvalidSubmission) as refused:
        case.sam.complete(MEETING, **{**MEETING_HELD, "health_attended": "no"})
    assert "missing_agencies" in refused.value.errors
    case.sam.complete(
        MEETING, **{**MEETING_HELD, "health_attended": "no", "missing_agencies": "GP sent a report"}
    )
    assert case.records("transition_plan")[0]["missing_agencies"] == "GP sent a report"


def test_a_refused_transition_assessment_sends_written_reasons_to_the_young_person(transition):
    case = transition().begin()
    case.through_assessment("refused")
    assert case.told("transition_assessment") == {"sam"}
    task = case.ash.task(REASONS)
    assert task.escalate_to == ["adult-social-care:manager"]
    assert case.due(case.ash, REASONS) == date(2026, 11, 30)  # 5 working days
    case.ash.complete(
        REASONS,
        assessment_summary="No likely needs for care and support after 18",
        reasons_sent_on="2026-11-25",
        reasons_sent_how="Easy-read letter, read through with him by Sam",
    )
    [refusal] = case.records("assessment_refused")
    assert refusal["reasons_sent_how"].startswith("Easy-read letter")
    assert case.told("assessment_refused") == {"sam"}
    assert case.open_tasks() == []


def test_high_risk_outside_s42_goes_to_a_marm_meeting(transition):
    case = transition().begin()
    case.through_assessment(adult_risk="marm")
    assert case.told("marm_referral") == {
        "adult-social-care:manager",
        "childrens-social-care:manager",
    }
    assert case.open_tasks() == [ELIGIBILITY, MARM]  # the assessment carries on meanwhile
    assert case.due(case.asm, MARM) == date(2026, 12, 7)
    assert case.asm.task(MARM).escalate_to == ["adult-social-care:head-of-service"]
    case.asm.complete(
        MARM,
        marm_date="2026-12-01",
        marm_agencies="Adult social care, police, education, children's social care",
        risk_plan="Weekly check-ins; safe-place plan",
        marm_review_date="2027-03-01",
        **VIEWS,
    )
    assert case.entries()[-2:] == ["marm_referral", "marm_meeting"]
    assert case.told("marm_meeting") >= {"sam", "adult-social-care:practitioner"}


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
    case = transition(born=date(2010, 11, 1)).begin()
    case.through_assessment()
    case.nina.complete(CHC, chc_checklist_done="yes", chc_outcome="not-needed", chc_notes="-")
    case.asm.complete(ELIGIBILITY, eligible="no", eligibility_reasons="Needs met", **VIEWS)
    assert case.records("eligibility")[0]["eligible"] is False
    assert case.status() == "completed"


def best_interests(person, proceed: str, reconsider_on: str) -> None:
    """The lead worker finds the young person lacks capacity, consults their mum and decides."""
    person.complete(ASSESS_CAPACITY, **CANNOT_WEIGH)
    person.complete(CONSULT, consultees="His mum", anyone_to_consult="yes")
    person.complete(
        BEST_INTERESTS,
        person_wishes="Familiar people only",
        options_considered="Assess now; wait until he is settled at college",
        least_restrictive_option="Wait: chosen" if proceed == "no" else "Assess now: chosen",
        best_interests_decision="Wait until he is settled" if proceed == "no" else "Assess now",
        best_interests_proceed=proceed,
        mca_reconsider_on=reconsider_on,
    )


def lacking_capacity(transition):
    case = transition(born=date(2010, 6, 1))  # 16
    case.start(case.sam, "transition-to-adulthood")
    case.identify()
    case.sam.complete(CONSENT, assessment_consent="capacity_in_question", **VIEWS)
    return case


def test_not_in_their_best_interests_now_is_recorded_and_comes_back_on_the_date(transition):
    case = lacking_capacity(transition)
    best_interests(case.sam, "no", "2027-03-01")
    [record] = case.records("assessment_not_in_best_interests")
    assert record["best_interests_decision"] == "Wait until he is settled"
    assert record["mca_reconsider_on"] in (date(2027, 3, 1), "2027-03-01")
    assert case.status() == "running"  # the date to reconsider is kept
    assert case.open_tasks() == []
    assert case.told("transition_started") == set()
    case.at("2027-03-01T00:00:00+00:00")  # the date to reconsider: it is back
    assert case.open_tasks() == [ASSESS_CAPACITY]
    best_interests(case.sam, "yes", "2027-06-01")  # now it goes ahead: the planning starts
    assert case.open_tasks() == [CONSENT_POSITION]
    case.sam.complete(CONSENT_POSITION, **FOR_HIM)
    assert case.open_tasks() == [MEETING]
    assert case.told("transition_started") == {"adult-social-care:manager"}
    case.at("2027-06-01T00:00:00+01:00")  # and it still comes back round, once planning runs
    assert case.open_tasks() == [ASSESS_CAPACITY, MEETING]
    best_interests(case.sam, "yes", "2027-09-01")
    assert case.open_tasks() == [MEETING]  # planning is not started twice


def test_regaining_capacity_they_are_asked_and_their_refusal_stops_the_work(transition):
    case = lacking_capacity(transition)
    best_interests(case.sam, "yes", "2027-03-01")
    case.sam.complete(CONSENT_POSITION, **FOR_HIM)
    assert case.open_tasks() == [MEETING]
    case.at("2027-03-01T00:00:00+00:00")
    case.sam.complete(ASSESS_CAPACITY, **{**CANNOT_WEIGH, "weighs": "yes"})
    assert case.open_tasks() == [REGAINED, MEETING]
    case.sam.complete(REGAINED, assessment_consent="refused", young_person_views="Not now")
    [stopped] = case.records("transition_stopped")
    assert stopped["assessment_consent"] == "refused"
    assert stopped["young_person_views"] == "Not now"
    assert case.told("transition_stopped") == {"sam"}
    assert case.open_tasks() == []  # the planning meeting is no longer asked for
    assert case.status() == "completed"


def test_regaining_capacity_before_the_planning_their_consent_starts_it(transition):
    case = lacking_capacity(transition)
    best_interests(case.sam, "no", "2027-03-01")
    case.at("2027-03-01T00:00:00+00:00")
    case.sam.complete(ASSESS_CAPACITY, **{**CANNOT_WEIGH, "weighs": "yes"})
    assert case.open_tasks() == [REGAINED]
    case.sam.complete(REGAINED, assessment_consent="given", **VIEWS)
    assert case.open_tasks() == [CONSENT_POSITION]
    case.sam.complete(CONSENT_POSITION, **CONSENT_GIVEN)
    assert case.open_tasks() == [MEETING]


def test_a_later_best_interests_decision_not_to_go_ahead_stops_the_planning(transition):
    case = lacking_capacity(transition)
    best_interests(case.sam, "yes", "2027-03-01")
    case.sam.complete(CONSENT_POSITION, **FOR_HIM)
    assert case.open_tasks() == [MEETING]
    case.at("2027-03-01T00:00:00+00:00")
    best_interests(case.sam, "no", "2027-09-01")  # still lacks capacity: now, do not go ahead
    [stopped] = case.records("transition_stopped")
    assert stopped["best_interests_decision"] == "Wait until he is settled"
    assert stopped["best_interests_proceed"] is False
    assert case.told("transition_stopped") == {"sam"}
    assert case.open_tasks() == []  # no planning meeting, no assessment on the old basis
    assert case.status() == "completed"


def test_found_lacking_capacity_the_sharing_consent_cannot_say_he_decided(transition):
    case = lacking_capacity(transition)
    best_interests(case.sam, "yes", "2027-03-01")
    for contradiction in (
        CONSENT_GIVEN,  # can consent, his own answer
        {**FOR_HIM, "can_consent": "yes"},
        {**FOR_HIM, "consent_by": "person"},
    ):
        with pytest.raises(InvalidSubmission) as refused:
            case.sam.complete(CONSENT_POSITION, **contradiction)
        assert "lacks capacity" in refused.value.errors["can_consent"]
    case.sam.complete(CONSENT_POSITION, **FOR_HIM)
    [decision] = case.records("information_sharing")
    assert decision["consent_decided_by"].startswith("Sam, lead worker")
    assert case.open_tasks() == [MEETING]


def granted(case) -> dict[str, str]:
    with case.engine.db.reading() as session:
        rows = session.scalars(
            select(DisclosureGrant).where(DisclosureGrant.instance_id == case.instance_id)
        )
        return {row.to_agency: row.basis for row in rows}


def test_health_is_told_of_its_continuing_healthcare_screening(transition):
    case = transition(born=date(2010, 11, 1)).begin()  # 16: screening straight after the plan
    assert "health" not in granted(case)
    case.plan()
    assert CHC in case.open_tasks()
    basis = granted(case)["health"]
    assert "NHS Continuing Healthcare" in basis and "health duty" in basis
    with case.engine.db.reading() as session:
        row = session.scalars(
            select(OutboxNotification).where(OutboxNotification.template == "chc_screening")
        ).one()
        assert "health" in row.audience  # a health practitioner receives it


def test_started_by_adult_social_care_childrens_social_care_is_told_at_eighteen(transition):
    case = transition(born=date(2009, 1, 20))  # 17 years 10 months
    case.start(case.ash, "transition-to-adulthood")
    case.ash.complete(
        IDENTIFY, transition_reason="care-and-support", needs_summary="Autism", **VIEWS
    )
    assert "childrens-social-care" not in granted(case)
    case.at("2027-01-20T00:00:00+00:00")  # 18 while consent is still being sought
    assert granted(case)["childrens-social-care"] == "Care Act s66: children's services continue"
    with case.engine.db.reading() as session:
        rows = session.scalars(
            select(OutboxNotification).where(OutboxNotification.template == "services_continue")
        ).all()
    assert {row.recipient for row in rows} >= {"childrens-social-care:manager", "ash"}
    assert all("childrens-social-care" in row.audience for row in rows)


REFUSAL_DECISION = "Decide on the refusal: share overriding it, refer to MARM, or respect it"


def refused_with_safeguarding_concerns(transition, reason="safeguarding"):
    case = transition()
    case.cal = case.person("cal", "childrens-social-care", "manager")
    case.start(case.sam, "transition-to-adulthood")
    case.sam.complete(
        IDENTIFY, transition_reason=reason, needs_summary="Exploited by older men", **VIEWS
    )
    case.sam.complete(CONSENT, assessment_consent="refused", **VIEWS)
    case.sam.complete(REVISIT, consent_now_given="no", young_person_views="Leave me alone")
    return case


def test_a_final_refusal_is_recorded_with_the_young_persons_views(transition):
    case = transition()
    case.start(case.sam, "transition-to-adulthood")
    case.identify()
    case.sam.complete(CONSENT, assessment_consent="refused", **VIEWS)
    case.sam.complete(REVISIT, consent_now_given="no", young_person_views="Leave me alone")
    [refusal] = case.records("consent_refused")
    assert refusal["young_person_views"] == "Leave me alone"
    assert refusal["transition_reason"] == "care-and-support"
    assert case.status() == "completed"  # no safeguarding concern: their decision is respected


@pytest.mark.parametrize("reason", ["safeguarding", "both"])
def test_refused_with_safeguarding_concerns_a_manager_decides_and_may_respect_it(
    transition, reason
):
    case = refused_with_safeguarding_concerns(transition, reason)
    assert case.records("consent_refused")[0]["young_person_views"] == "Leave me alone"
    assert case.open_tasks() == [REFUSAL_DECISION]
    task = case.cal.task(REFUSAL_DECISION)
    assert task.escalate_to == ["childrens-social-care:head-of-service"]
    assert case.due(case.cal, REFUSAL_DECISION) == date(2026, 11, 30)  # 5 working days
    case.cal.complete(
        REFUSAL_DECISION, refusal_choice="respect", refusal_decision_reasons="Risk is managed"
    )
    [decision] = case.records("refusal_decision")
    assert decision["refusal_choice"] == "respect"
    assert case.told("refusal_decision") == {"sam"}
    assert case.status() == "completed"
    assert granted(case) == {}


def test_refused_with_safeguarding_concerns_a_manager_may_share_overriding_it(transition):
    case = refused_with_safeguarding_concerns(transition)
    case.cal.complete(
        REFUSAL_DECISION,
        refusal_choice="share_override",
        refusal_decision_reasons="He is at risk of serious harm from exploitation",
    )
    assert case.open_tasks() == [CONSENT_POSITION]  # the sharing decision is taken again
    case.sam.complete(
        CONSENT_POSITION,
        **{**CONSENT_REFUSED, "safeguarding_purpose": "yes", "safety_at_risk": "yes"},
    )
    assert case.records("information_sharing")[-1]["decision"] == "share_overriding_refusal"
    case.sam.complete(
        "Tell the person what was shared, with whom and why",
        person_told="told",
        telling_note="Told him in person, with his advocate",
    )
    assert case.open_tasks() == [MEETING]
    assert case.told("transition_started") == {"adult-social-care:manager"}


def test_refused_with_safeguarding_concerns_a_manager_may_refer_to_marm(transition):
    case = refused_with_safeguarding_concerns(transition)
    case.cal.complete(
        REFUSAL_DECISION, refusal_choice="marm", refusal_decision_reasons="High risk outside s42"
    )
    assert "MARM" in granted(case)["adult-social-care"]
    assert case.entries()[-2:] == ["refusal_decision", "marm_referral"]
    assert case.told("marm_referral") == {
        "adult-social-care:manager",
        "childrens-social-care:manager",
    }
    assert case.open_tasks() == [MARM]
    assert case.asm.task(MARM).escalate_to == ["adult-social-care:head-of-service"]


def test_found_lacking_capacity_asking_for_consent_cannot_say_he_decided_either(transition):
    case = lacking_capacity(transition)
    best_interests(case.sam, "yes", "2027-03-01")
    case.sam.complete(CONSENT_POSITION, **{**FOR_HIM, "consent": "not_sought"})
    ask = "Ask for consent to share information"
    assert case.open_tasks() == [ask]
    with pytest.raises(InvalidSubmission) as refused:
        case.sam.complete(ask, can_consent="yes", consent_by="person", consent_answer="given")
    assert "lacks capacity" in refused.value.errors["can_consent"]
    case.sam.complete(
        ask,
        can_consent="no",
        consent_by="best_interests",
        consent_decided_by="Sam, lead worker: the best-interests decision",
        consent_answer="given",
    )
    assert case.records("information_sharing")[-1]["decision"] == "share_proportionately"
    assert case.open_tasks() == [MEETING]

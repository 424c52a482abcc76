"""Pre-birth assessment (Torbay s6.1, s7.1, s8.1): every route, with timescales counted from
the expected due date held on the case and deadlines in working days (bank holidays skipped)."""

from __future__ import annotations

from datetime import date

import pytest

from .family import (
    AUTHORISE,
    CONSENT_GIVEN,
    CONSENT_POSITION,
    CONSENT_REFUSED,
    JOINT_ASSESSMENT,
    NO_EXCEPTION,
    Family,
    assess_jointly,
)

DUE = date(2027, 6, 3)  # week N of pregnancy = due date - (40 - N) weeks
REFER = "Refer the pregnancy to children's social care"
THRESHOLD = "Make the threshold decision on the pre-birth referral"
CONTRIBUTE = "Contribute to the joint assessment"
OUTCOME = "Decide the outcome of the pre-birth assessment"
REFERRAL = {"concerns": "Mother relapsing", "parents_vulnerabilities": "Mental ill-health"}


class PreBirth(Family):
    def __init__(self, scenario, engine, clock, agencies):
        super().__init__(scenario, engine, clock, "PB-1")
        self.create(
            [
                {"name": "Jo Test", "kind": "adult", "relationship": "Mother"},
                {"name": "Baby Test", "kind": "unborn", "expected_due_date": DUE},
            ],
            ["midwifery", "childrens-social-care", *agencies],
        )
        self.mo = self.person("mo", "midwifery", "practitioner")
        self.mia = self.person("mia", "childrens-social-care", "practitioner", "mash")
        self.sam = self.person("sam", "childrens-social-care", "practitioner")
        self.cal = self.person("cal", "childrens-social-care", "manager")

    def refer(self, consent=CONSENT_GIVEN):
        self.start(self.mo, "pre-birth-assessment")
        self.mo.complete(CONSENT_POSITION, **consent)
        if REFER in [t.name for t in self.mo.inbox()]:
            self.mo.complete(REFER, parents_aware="yes", **REFERRAL)
        return self

    def threshold(self, decision):
        self.mia.complete(THRESHOLD, threshold=decision, threshold_reasons="Seen the referral")

    def assess(self, outcome):
        assess_jointly(
            self.sam,
            "high",
            risk_factors="Mental ill-health and substance misuse together",
            protective_factors="Grandmother nearby",
            family_views="Mother wants support",
            recommendation="Conference",
        )
        self.cal.complete(AUTHORISE, jra_authorised="yes", authorisation_notes="Thorough")
        self.cal.complete(OUTCOME, outcome=outcome, outcome_reasons="Risk is high")


@pytest.fixture
def family(scenario, engine, clock):
    clock.set("2026-12-24T10:00:00+00:00")  # Thursday before Christmas
    scenario.deploy_shipped()
    return lambda *agencies: PreBirth(scenario, engine, clock, agencies)


def test_a_referral_shared_with_consent_reaches_mash_with_dates_from_the_due_date(family):
    case = family().refer()
    [sharing] = case.records("information_sharing")
    assert (sharing["decision"], sharing["shared_with"]) == (
        "share_proportionately",
        "childrens-social-care",
    )
    [referral] = case.records("pre_birth_referral")
    assert referral["referral_due"] == "2026-12-17"  # 16 weeks' gestation
    assert referral["late_referral"] is True
    assert case.told("pre_birth_referral") == {"mash"}
    # one working day: Christmas Day and the Boxing Day substitute (Mon 28th) are skipped
    assert case.due(case.mia, THRESHOLD) == date(2026, 12, 29)
    variables = case.variables()
    assert variables["assessment_due"] == date(2027, 3, 11)  # 28 weeks
    assert variables["contributions_due"] == date(2027, 2, 25)
    assert variables["conference_due"] == date(2027, 4, 8)  # 32 weeks
    assert variables["birth_plan_due"] == date(2027, 5, 6)  # 36 weeks


def test_a_partnership_can_set_its_own_timescales_without_editing_the_diagram(family):
    case = family()
    manager = case.person("meg", "midwifery", "practitioner", "manager")  # sets timescales
    case.start(manager, "pre-birth-assessment", assessment_weeks=30, referral_weeks=20)
    variables = case.variables()
    assert variables["assessment_due"] == date(2027, 3, 25)
    assert variables["referral_due"] == date(2027, 1, 14)


def test_a_missed_threshold_decision_is_escalated_to_the_manager(family):
    case = family().refer()
    case.at("2026-12-29T16:59:00+00:00")  # due at the end of the working day, 17:00 UK
    assert "deadline_missed" not in case.entries()
    case.at("2026-12-29T17:00:00+00:00")
    assert "deadline_missed" in case.entries()
    assert case.told("deadline_missed") == {"childrens-social-care:manager"}
    assert case.open_tasks() == [THRESHOLD]  # still MASH's to decide


def test_refused_consent_without_an_exception_means_nothing_is_referred(family):
    case = family().refer(CONSENT_REFUSED)
    [sharing] = case.records("information_sharing")
    # the mother was asked and said no: nobody has anything further to tell her
    assert sharing["decision"] == "do_not_share" and sharing["tell_person"] is False
    assert case.status() == "completed"
    assert "pre_birth_referral" not in case.entries()
    assert case.told("information_sharing") == {"midwifery:practitioner"}


def test_consent_not_yet_sought_sends_the_referrer_to_ask_and_the_decision_is_taken_again(family):
    case = family().refer({**NO_EXCEPTION, "consent": "not_sought"})
    assert "pre_birth_referral" not in case.entries()  # no ground yet: nothing is shared
    case.mo.complete(
        "Ask for consent to share information", can_consent="yes", consent_answer="given"
    )
    [sharing] = case.records("information_sharing")
    assert sharing["decision"] == "share_proportionately"
    assert sharing["consent"] == "given" and sharing["consent_from"] == "person"
    assert [t.name for t in case.mo.inbox()] == [REFER]


@pytest.mark.parametrize(
    ("decision", "told"),
    [("no-further-action", set()), ("early-help", {"early-help:practitioner"})],
)
def test_a_referral_below_threshold_ends_with_its_outcome_recorded(family, decision, told):
    case = family().refer()
    case.threshold(decision)
    [outcome] = case.records("outcome")
    assert outcome["outcome"] == decision
    assert case.told("early_help_referral") == told
    assert case.told("threshold_decision") == {"mo"}
    assert case.status() == "completed"


def test_each_involved_adult_service_contributes_once_it_has_decided_it_may_share(family):
    case = family("adult-mental-health", "drug-and-alcohol", "education")
    case.refer()
    case.threshold("statutory-assessment")
    pat = case.person("pat", "adult-mental-health", "practitioner")
    dan = case.person("dan", "drug-and-alcohol", "practitioner")
    teacher = case.person("eve", "education", "practitioner")
    assert [t.name for t in teacher.inbox()] == []  # education is not an adult service
    pat.complete(CONSENT_POSITION, **CONSENT_GIVEN)
    assert case.due(pat, CONTRIBUTE) == date(2027, 2, 25)
    pat.complete(
        CONTRIBUTE,
        involvement="Care coordinator",
        parent_needs="Bipolar disorder",
        impact_on_care="Relapse risk after birth",
        support_offered="Weekly visits",
        agency_risk_view="medium",
    )
    dan.complete(CONSENT_POSITION, **CONSENT_REFUSED)
    contributions = case.records("contribution")
    assert [c["agency"] for c in contributions] == ["adult-mental-health"]
    decisions = [r["decision"] for r in case.records("information_sharing")]
    assert decisions == ["share_proportionately", "share_proportionately", "do_not_share"]
    assert case.told("contribution_received") == {"childrens-social-care:manager"}
    assert case.open_tasks() == [JOINT_ASSESSMENT]


def test_contribution_and_assessment_deadlines_remind_then_escalate(family):
    case = family("probation")
    case.refer()
    case.threshold("statutory-assessment")
    pete = case.person("pete", "probation", "practitioner")
    pete.complete(CONSENT_POSITION, **CONSENT_GIVEN)
    case.at("2027-02-23T16:59:00+00:00")  # dates fall due at 17:00 UK, the end of the day
    assert case.told("deadline_reminder") == set()
    case.at("2027-02-23T17:00:00+00:00")  # two working days before contributions are due
    assert case.told("deadline_reminder") == {"probation:practitioner"}
    case.at("2027-02-25T16:59:00+00:00")
    assert case.told("deadline_missed") == set()
    case.at("2027-02-25T17:00:00+00:00")
    assert case.told("deadline_missed") == {"probation:manager"}
    case.at("2027-03-04T17:00:00+00:00")  # five working days' grace, then go ahead without
    [missing] = case.records("contribution_missing")
    assert missing["agency"] == "probation"
    assert case.open_tasks() == [JOINT_ASSESSMENT]
    case.at("2027-03-11T17:00:00+00:00")  # the assessment itself is late: 28 weeks
    assert case.told("deadline_missed") == {
        "probation:manager",
        "childrens-social-care:manager",
        "head-of-service",
    }
    assert case.entries().count("deadline_missed") == 2


def test_a_manager_can_send_the_joint_risk_assessment_back(family):
    case = family().refer()
    case.threshold("statutory-assessment")
    assess_jointly(case.sam, "low")
    case.cal.complete(AUTHORISE, jra_authorised="no", authorisation_notes="Add the father")
    assert case.open_tasks() == [JOINT_ASSESSMENT]
    assert "joint_risk_assessment" not in case.entries()


@pytest.mark.parametrize(
    ("outcome", "next_task"),
    [
        ("no-further-action", None),
        ("early-help", None),
        ("child-in-need", "Agree the birth and hospital discharge plan"),
        ("child-protection-conference", "Hold the initial child protection conference"),
        ("legal-planning", "Hold the legal planning meeting"),
    ],
)
def test_every_outcome_of_the_assessment_is_recorded_and_told(family, outcome, next_task):
    case = family("adult-mental-health")
    case.refer()
    case.threshold("statutory-assessment")
    pat = case.person("pat", "adult-mental-health", "practitioner")
    pat.complete(CONSENT_POSITION, **CONSENT_REFUSED)
    case.assess(outcome)
    [record] = case.records("outcome")
    assert (record["outcome"], record["risk_level"]) == (outcome, "high")
    assert case.told("assessment_outcome") == {
        "midwifery:practitioner",
        "childrens-social-care:practitioner",
        "adult-mental-health:practitioner",
        "childrens-social-care:manager",
    }
    assert case.open_tasks() == ([next_task] if next_task else [])


def test_conference_birth_plan_birth_and_first_review(family):
    case = family().refer()
    case.threshold("statutory-assessment")
    case.assess("child-protection-conference")
    assert case.due(case.cal, "Hold the initial child protection conference") == date(2027, 4, 8)
    case.cal.complete(
        "Hold the initial child protection conference",
        conference_date="2027-04-01",
        child_protection_plan="yes",
        conference_decision="Plan from birth",
    )
    plan = "Agree the birth and hospital discharge plan"
    assert case.due(case.sam, plan) == date(2027, 5, 6)
    case.sam.complete(
        plan, birth_plan_text="Ward told", discharge_plan="Home", parents_involved="yes"
    )
    assert case.told("birth_plan") >= {"midwifery:practitioner", "health-visiting:practitioner"}
    birth = "Record the baby's birth and the discharge planning meeting"
    assert case.due(case.mo, birth) == DUE
    case.mo.complete(
        birth, birth_date="2027-05-28", discharge_meeting_date="2027-05-29", discharge_notes="Ok"
    )
    # 10 working days from Friday 28 May, skipping the spring bank holiday (31 May), is
    # 14 June; 3 months from the conference (1 July) is later, so 14 June it is.
    review = "Hold the first review after the birth"
    assert case.due(case.sam, review) == date(2027, 6, 14)
    case.sam.complete(review, review_notes="Going well", review_outcome="plan-continues")
    assert case.entries()[-3:] == ["birth_plan", "birth", "review"]
    assert case.status() == "completed"


def test_the_first_review_is_three_months_after_a_conference_when_that_is_sooner(family):
    case = family().refer()
    case.threshold("statutory-assessment")
    case.assess("child-protection-conference")
    case.cal.complete(
        "Hold the initial child protection conference",
        conference_date="2027-02-26",
        child_protection_plan="yes",
        conference_decision="Plan",
    )
    case.sam.complete(
        "Agree the birth and hospital discharge plan",
        birth_plan_text="-",
        discharge_plan="-",
        parents_involved="no",
    )
    case.mo.complete(
        "Record the baby's birth and the discharge planning meeting",
        birth_date="2027-05-20",
        discharge_meeting_date="2027-05-21",
        discharge_notes="-",
    )
    assert case.due(case.sam, "Hold the first review after the birth") == date(2027, 5, 26)


def test_a_case_without_an_unborn_baby_cannot_start_a_pre_birth_assessment(scenario, engine, clock):
    from engine.errors import InvalidSubmission

    scenario.deploy_shipped()
    case = Family(scenario, engine, clock, "PB-2").create([], ["midwifery"])
    with pytest.raises(InvalidSubmission, match="no unborn baby"):
        case.start(case.person("mo", "midwifery", "practitioner"), "pre-birth-assessment")

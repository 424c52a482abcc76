"""Pre-birth assessment (Torbay s6.1, s7.1, s8.1, s12.3; DOMAIN.md section 2): every route, with
timescales counted from the expected due date held on the case, deadlines in working days (bank
holidays skipped), and real people of real agencies doing each step."""

from __future__ import annotations

from datetime import date

import pytest

from engine.errors import InvalidSubmission, NotPermitted

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
from .helpers import WORKFLOWS

DUE = date(2027, 6, 3)  # week N of pregnancy = due date - (40 - N) weeks
REFER = "Refer the pregnancy to children's social care"
LEAD_REVIEW = "Review the decision not to share the pre-birth referral"
THRESHOLD = "Make the threshold decision on the pre-birth referral"
STRATEGY = "Hold the strategy discussion"
S47 = "Carry out the section 47 enquiry"
CONTRIBUTE = "Contribute to the joint assessment"
LD_ASSESSMENT = "Assess the parent's capacity to care for the baby (adult learning disability)"
PARENTING = "Complete the focused parenting capacity assessment with adult learning disability"
OUTCOME = "Decide the outcome of the pre-birth assessment"
CONFERENCE = "Chair the initial child protection conference"
LEGAL = "Hold the legal planning meeting"
BIRTH_PLAN = "Agree the birth and hospital discharge plan"
BIRTH_OR_LOSS = "Record the baby's birth or a pregnancy loss"
DISCHARGE = "Hold the hospital discharge planning meeting"
REVIEW = "Hold the first review after the birth"
ACT = "Act on the review's escalation"
ASSESS_CAPACITY = "Assess capacity for this one decision"
CONSULT = "Consult the people who know them"
BEST_INTERESTS = "Make the best-interests decision"
PLAN_DECISION = "Agreeing to the birth and hospital discharge plan for the baby"
REFERRAL = {"concerns": "Mother relapsing", "parents_vulnerabilities": "Mental ill-health"}
CONTRIBUTION = {
    "involvement": "Antenatal care",
    "parent_needs": "Anxiety",
    "impact_on_care": "May struggle at night",
    "support_offered": "Extra visits",
    "agency_risk_view": "medium",
}
CONFERENCE_ANSWERS = {
    "invitees": "Parents, midwife Mo, health visitor Holly, social worker Sam, Pat (mental health)",
    "attendance": "All attended but Pat, who sent a report",
    "parents_involved": "yes",
    "child_protection_plan": "yes",
    "conference_decision": "Plan from birth: neglect",
    "birth_plan_text": "Ward told at admission; no discharge without social care",
    "discharge_plan": "Home with mother, daily visits for a week",
}
EVERY_PRACTITIONER = {"midwifery:practitioner", "childrens-social-care:practitioner"}


class PreBirth(Family):
    def __init__(self, scenario, engine, clock, agencies, mother_vulnerabilities=(), ref="PB-1"):
        super().__init__(scenario, engine, clock, ref)
        mother = {"name": "Jo Test", "kind": "adult", "relationship": "Mother"}
        self.create(
            [
                {**mother, "vulnerabilities": list(mother_vulnerabilities)},
                {"name": "Baby Test", "kind": "unborn", "expected_due_date": DUE},
            ],
            ["midwifery", "childrens-social-care", *agencies],
        )
        self.mo = self.person("mo", "midwifery", "practitioner")
        self.nell = self.person("nell", "midwifery", "named-midwife")
        self.hv = self.person("hv", "health-visiting", "practitioner")
        self.lee = self.person("lee", "learning-disability", "practitioner")
        self.mia = self.person("mia", "childrens-social-care", "practitioner", "mash")
        self.sam = self.person("sam", "childrens-social-care", "practitioner")
        self.cal = self.person("cal", "childrens-social-care", "manager")
        self.cora = self.person("cora", "childrens-social-care", "conference-chair")
        self.pc = self.person("pc", "police", "practitioner")
        self.pat = self.person("pat", "adult-mental-health", "practitioner")

    def refer(self, consent=CONSENT_GIVEN, learning_disability="no"):
        self.start(self.mo, "pre-birth-assessment")
        self.mo.complete(CONSENT_POSITION, **consent)
        if REFER in [t.name for t in self.mo.inbox()]:
            self.complete_referral(learning_disability)
        return self

    def complete_referral(self, learning_disability="no"):
        self.mo.complete(
            REFER, parents_aware="yes", parent_learning_disability=learning_disability, **REFERRAL
        )

    def assess_parenting_jointly(self):
        """Adult learning disability and children's social care assess the capacity to parent."""
        self.lee.complete(
            LD_ASSESSMENT,
            ld_cognitive_capacity="Understands routines with pictures",
            ld_care_capacity="Good enough with daily support",
            ld_support_needed="Parenting support worker",
            ld_risk_view="medium",
            ld_joint="yes",
        )
        self.sam.complete(
            PARENTING,
            capacity_to_parent="Can meet needs with support",
            parenting_support="Daily visits for six weeks",
            parenting_joint="yes",
        )

    def threshold(self, decision, harm="no"):
        self.mia.complete(
            THRESHOLD, threshold=decision, significant_harm=harm, threshold_reasons="Seen it"
        )

    def contribute(self, person, consent=CONSENT_GIVEN):
        person.complete(CONSENT_POSITION, **consent)
        if consent is CONSENT_GIVEN:
            person.complete(CONTRIBUTE, **CONTRIBUTION)

    def health_contributes(self):
        """Midwifery and health visiting contribute, as every statutory assessment asks."""
        self.contribute(self.mo)
        self.contribute(self.hv)

    def assess(self, risk="high"):
        assess_jointly(
            self.sam,
            risk,
            risk_factors="Mental ill-health and substance misuse together",
            protective_factors="Grandmother nearby",
            family_views="Mother wants support",
            recommendation="Conference",
        )
        self.cal.complete(AUTHORISE, jra_authorised="yes", authorisation_notes="Thorough")

    def to_outcome(self, outcome, risk="medium"):
        self.refer()
        self.threshold("statutory-assessment")
        self.health_contributes()
        self.assess(risk)
        self.cal.complete(OUTCOME, outcome=outcome, outcome_reasons="Risk is high")
        return self

    def chair(self, when: str, person=None, **answers):
        self.at(f"{when}T12:00:00+00:00")
        (person or self.cora).complete(
            CONFERENCE, conference_date=when, **{**CONFERENCE_ANSWERS, **answers}
        )

    def born(self, when: str, notes="Born at Torbay Hospital, well"):
        self.at(f"{when}T12:00:00+00:00")
        self.mo.complete(BIRTH_OR_LOSS, pregnancy_event="born", event_date=when, event_notes=notes)


@pytest.fixture
def family(scenario, engine, clock):
    clock.set("2026-12-24T10:00:00+00:00")  # Thursday before Christmas
    scenario.deploy_shipped()
    return lambda *agencies, **family: PreBirth(scenario, engine, clock, agencies, **family)


# ------------------------------------------------------------------ referral and sharing


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
    assert variables["conference_earliest"] == date(2026, 11, 19)  # 12 weeks
    assert variables["conference_window_from"] == date(2027, 3, 11)  # 28 weeks
    assert variables["conference_window_to"] == date(2027, 4, 22)  # 34 weeks
    assert variables["birth_plan_due"] == date(2027, 5, 6)  # 36 weeks
    # from the referral on, midwifery can record the birth (or a loss), due on the due date
    assert case.due(case.mo, BIRTH_OR_LOSS) == DUE
    assert case.open_tasks() == sorted([THRESHOLD, BIRTH_OR_LOSS])


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
    assert case.open_tasks() == sorted([THRESHOLD, BIRTH_OR_LOSS])  # still MASH's to decide


def test_may_not_share_goes_to_the_named_midwife_who_can_confirm_it(family):
    case = family().refer(CONSENT_REFUSED)
    [sharing] = case.records("information_sharing")
    # the mother was asked and said no: nobody has anything further to tell her
    assert sharing["decision"] == "do_not_share" and sharing["tell_person"] is False
    assert case.status() == "running"  # not a silent end
    assert [t.name for t in case.mo.inbox()] == []  # the referrer does not review it
    # two working days, skipping Christmas Day and the Boxing Day substitute
    assert case.due(case.nell, LEAD_REVIEW) == date(2026, 12, 30)
    task = case.nell.task(LEAD_REVIEW)
    assert task.escalate_to == ["midwifery:senior-manager", "midwifery:head-of-service"]
    case.nell.complete(
        LEAD_REVIEW, lead_decision="confirm-not-sharing", lead_reasons="No risk of harm shown"
    )
    [review] = case.records("sharing_reviewed")
    assert review["lead_decision"] == "confirm-not-sharing"
    assert case.told("sharing_reviewed") == {"mo"}
    assert case.status() == "completed"
    assert "pre_birth_referral" not in case.entries()


def test_may_not_share_reviewed_and_shared_goes_on_to_the_referral(family):
    case = family().refer(CONSENT_REFUSED)
    case.nell.complete(
        LEAD_REVIEW, lead_decision="share", lead_reasons="Risk to the baby overrides refusal"
    )
    assert case.told("sharing_reviewed") == {"mo"}
    case.complete_referral()
    assert case.told("pre_birth_referral") == {"mash"}
    assert case.entries()[-2:] == ["sharing_reviewed", "pre_birth_referral"]


def test_an_adult_services_referral_not_shared_goes_to_its_own_manager(family):
    case = family("adult-mental-health")
    case.start(case.pat, "pre-birth-assessment")
    case.pat.complete(CONSENT_POSITION, **CONSENT_REFUSED)
    amy = case.person("amy", "adult-mental-health", "manager")
    assert [t.name for t in amy.inbox()] == [LEAD_REVIEW]
    assert [t.name for t in case.nell.inbox()] == []


def test_the_referrer_cannot_review_their_own_decision_not_to_share(family, engine):
    case = family()
    lead = case.person("lin", "midwifery", "practitioner", "named-midwife")
    case.start(lead, "pre-birth-assessment")
    lead.complete(CONSENT_POSITION, **CONSENT_REFUSED)
    task = case.nell.task(LEAD_REVIEW)
    with pytest.raises(NotPermitted, match="other than the referrer"):
        engine.complete(task.id, {"lead_decision": "share", "lead_reasons": "-"}, lead.actor)


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


# ------------------------------------------------------------------ threshold


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
    assert case.open_tasks() == []  # the midwife's birth task closes with it


def test_suspected_significant_harm_cannot_be_below_the_threshold(family):
    case = family().refer()
    with pytest.raises(InvalidSubmission, match="strategy discussion"):
        case.threshold("no-further-action", harm="yes")


def test_significant_harm_leads_to_a_strategy_discussion_with_police_and_adult_services_then_s47(
    family,
):
    case = family("adult-mental-health").refer()
    case.threshold("statutory-assessment", harm="yes")
    assert case.told("strategy_discussion") == {
        "police:practitioner",
        "childrens-social-care:manager",
        "adult-mental-health:manager",
    }
    assert [t.name for t in case.cal.inbox()] == [STRATEGY]
    assert case.due(case.cal, STRATEGY) == date(2026, 12, 29)
    answers = {
        "strategy_date": "2026-12-29",
        "strategy_attendees": "Cal (CSC), PC Parker (police), Mo (midwife)",
        "police_attended": "yes",
        "adult_services_attended": "no",
        "s47": "yes",
        "strategy_decision": "Section 47 enquiry jointly with the police",
    }
    with pytest.raises(InvalidSubmission, match="not represented"):
        case.cal.complete(STRATEGY, **answers)
    case.cal.complete(STRATEGY, representation_gaps="Pat on leave; report sent", **answers)
    [strategy] = case.records("strategy_discussion")
    assert strategy["police_attended"] is True and strategy["adult_services_attended"] is False
    assert strategy["representation_gaps"] == "Pat on leave; report sent"
    assert "police:practitioner" in case.told("strategy_outcome")
    assert case.due(case.sam, S47) == date(2027, 1, 12)  # ten working days
    case.sam.complete(
        S47, s47_findings="Home conditions poor", s47_outcome="concerns-substantiated"
    )
    assert case.records("s47_enquiry")[0]["s47_outcome"] == "concerns-substantiated"
    # then the joint assessment as usual, and the conference decision follows the enquiry
    case.contribute(case.pat)
    case.health_contributes()
    case.assess("high")  # high risk, but a strategy discussion was already held
    assert case.open_tasks() == sorted([OUTCOME, BIRTH_OR_LOSS])
    with pytest.raises(InvalidSubmission, match="convene a child protection conference"):
        case.cal.complete(OUTCOME, outcome="child-in-need", outcome_reasons="-")
    case.cal.complete(OUTCOME, outcome="child-protection-conference", outcome_reasons="s47")
    assert case.open_tasks() == sorted([BIRTH_OR_LOSS, CONFERENCE])


def test_a_high_risk_joint_assessment_calls_a_strategy_discussion_before_the_outcome(family):
    case = family().refer()
    case.threshold("statutory-assessment")
    case.health_contributes()
    case.assess("high")
    assert case.open_tasks() == sorted([BIRTH_OR_LOSS, STRATEGY])
    case.cal.complete(
        STRATEGY,
        strategy_date="2027-01-05",
        strategy_attendees="Cal, PC Parker",
        police_attended="yes",
        adult_services_attended="yes",
        s47="no",
        strategy_decision="No enquiry: support plan",
    )
    assert case.open_tasks() == sorted([BIRTH_OR_LOSS, OUTCOME])  # straight to the outcome


# ------------------------------------------------------------------ contributions


def test_midwifery_health_visiting_and_each_adult_service_contribute_by_the_deadline(family):
    case = family("adult-mental-health", "drug-and-alcohol", "education")
    case.refer()
    case.threshold("statutory-assessment")
    dan = case.person("dan", "drug-and-alcohol", "practitioner")
    teacher = case.person("eve", "education", "practitioner")
    assert [t.name for t in teacher.inbox()] == []  # education is not asked
    for person in (case.pat, dan, case.mo, case.hv):
        assert CONSENT_POSITION in [t.name for t in person.inbox()]
    case.pat.complete(CONSENT_POSITION, **CONSENT_GIVEN)
    assert case.due(case.pat, CONTRIBUTE) == date(2027, 2, 25)
    case.pat.complete(CONTRIBUTE, **CONTRIBUTION)
    dan.complete(CONSENT_POSITION, **CONSENT_REFUSED)
    case.health_contributes()
    contributions = case.records("contribution")
    assert [c["agency"] for c in contributions] == [
        "adult-mental-health",
        "midwifery",
        "health-visiting",
    ]
    assert case.records("contribution_not_shared")[0]["agency"] == "drug-and-alcohol"
    assert case.told("contribution_received") == {"childrens-social-care:manager"}
    assert case.open_tasks() == sorted([BIRTH_OR_LOSS, JOINT_ASSESSMENT])


def test_an_agency_that_never_records_its_consent_position_does_not_stall_the_assessment(family):
    case = family("adult-mental-health")
    case.refer()
    case.threshold("statutory-assessment")
    case.health_contributes()  # mental health never answers at all
    case.at("2027-03-04T16:59:00+00:00")
    assert JOINT_ASSESSMENT not in case.open_tasks()
    case.at("2027-03-04T17:00:00+00:00")  # the end of the fifth working day's grace after 25 Feb
    [missing] = case.records("contribution_missing")
    assert missing["agency"] == "adult-mental-health"
    assert "adult-mental-health:manager" in case.told("deadline_missed")
    assert case.open_tasks() == sorted([BIRTH_OR_LOSS, JOINT_ASSESSMENT])


def test_the_28_week_reminder_and_missed_alert_apply_from_the_referral(family):
    case = family().refer()  # nobody even decides the threshold
    case.at("2027-03-09T16:59:00+00:00")
    assert "childrens-social-care:manager" not in case.told("deadline_reminder")
    case.at("2027-03-09T17:00:00+00:00")  # two working days before 28 weeks
    assert "childrens-social-care:manager" in case.told("deadline_reminder")
    case.at("2027-03-11T17:00:00+00:00")
    missed = [r for r in case.records("deadline_missed") if "assessment_due" in r]
    assert [r["assessment_due"] for r in missed] == ["2027-03-11"]
    assert {"childrens-social-care:manager", "head-of-service"} <= case.told("deadline_missed")


def test_contribution_deadlines_remind_then_escalate_then_go_ahead(family):
    case = family("probation")
    case.refer()
    case.threshold("statutory-assessment")
    case.health_contributes()
    pete = case.person("pete", "probation", "practitioner")
    pete.complete(CONSENT_POSITION, **CONSENT_GIVEN)
    case.at("2027-02-23T17:00:00+00:00")  # two working days before contributions are due
    assert "probation:practitioner" in case.told("deadline_reminder")
    case.at("2027-02-25T17:00:00+00:00")
    assert "probation:manager" in case.told("deadline_missed")
    case.at("2027-03-04T17:00:00+00:00")
    [missing] = case.records("contribution_missing")
    assert missing["agency"] == "probation"
    assert case.open_tasks() == sorted([BIRTH_OR_LOSS, JOINT_ASSESSMENT])


# ------------------------------------------------------------------ learning disability


def test_a_parent_with_a_learning_disability_gets_a_focused_joint_capacity_assessment(family):
    case = family().refer(learning_disability="yes")
    case.threshold("statutory-assessment")
    assert [t.name for t in case.lee.inbox()] == [LD_ASSESSMENT]  # involved in the case now
    assert case.due(case.lee, LD_ASSESSMENT) == date(2027, 2, 25)
    assert case.due(case.sam, PARENTING) == date(2027, 2, 25)
    case.assess_parenting_jointly()
    assert case.records("capacity_assessment")[0]["ld_joint"] is True
    assert case.records("parenting_capacity")[0]["parenting_joint"] is True
    case.health_contributes()
    assert case.open_tasks() == sorted([BIRTH_OR_LOSS, JOINT_ASSESSMENT])


def test_a_learning_disability_recorded_on_the_case_is_enough(family):
    case = family(mother_vulnerabilities=["learning-disability", "domestic-abuse"]).refer()
    assert case.variables()["adult_vulnerabilities"] == ["domestic-abuse", "learning-disability"]
    case.threshold("statutory-assessment")
    assert [t.name for t in case.lee.inbox()] == [LD_ASSESSMENT]
    assert PARENTING in [t.name for t in case.sam.inbox()]


def test_an_involved_learning_disability_service_is_enough_and_its_silence_is_recorded(family):
    case = family("learning-disability").refer()  # the referral form said no
    case.threshold("statutory-assessment")
    assert LD_ASSESSMENT in [t.name for t in case.lee.inbox()]
    case.sam.complete(
        PARENTING, capacity_to_parent="-", parenting_support="-", parenting_joint="no"
    )
    case.health_contributes()
    case.at("2027-03-05T00:00:00+00:00")  # its contribution is missing too, by the same date
    assert case.records("capacity_assessment_missing")
    assert "learning-disability:manager" in case.told("deadline_missed")
    assert case.open_tasks() == sorted([BIRTH_OR_LOSS, JOINT_ASSESSMENT])


# ------------------------------------------------------------------ outcomes


@pytest.mark.parametrize(
    ("outcome", "next_tasks"),
    [
        ("no-further-action", []),
        ("early-help", []),
        ("child-in-need", [BIRTH_PLAN, BIRTH_OR_LOSS]),
        ("child-protection-conference", [BIRTH_OR_LOSS, CONFERENCE]),
        ("conference-and-legal-planning", [BIRTH_OR_LOSS, CONFERENCE, LEGAL]),
        ("legal-planning", [BIRTH_OR_LOSS, LEGAL]),
    ],
)
def test_every_outcome_of_the_assessment_is_recorded_and_told(family, outcome, next_tasks):
    case = family().to_outcome(outcome)
    [record] = case.records("outcome")
    assert (record["outcome"], record["risk_level"]) == (outcome, "medium")
    assert case.told("assessment_outcome") == EVERY_PRACTITIONER | {
        "health-visiting:practitioner",
        "childrens-social-care:manager",
    }
    assert case.open_tasks() == sorted(next_tasks)
    assert case.status() == ("completed" if not next_tasks else "running")


def test_a_conference_chaired_independently_records_the_plan_and_agrees_the_birth_plan(family):
    case = family().to_outcome("child-protection-conference")
    assert case.due(case.cora, CONFERENCE) == date(2027, 4, 8)  # 32 weeks
    assert [t.name for t in case.cal.inbox()] == []  # not the team manager's
    case.chair("2027-03-25")  # 30 weeks
    [conference] = case.records("conference")
    assert conference["child_protection_plan"] is True
    assert conference["invitees"].startswith("Parents")
    assert conference["attendance"] == CONFERENCE_ANSWERS["attendance"]
    assert case.told("conference_outcome") >= EVERY_PRACTITIONER | {"health-visiting:practitioner"}
    # the birth plan was agreed at the conference: no separate birth plan task
    [plan] = case.records("birth_plan")
    assert plan["birth_plan_text"] == CONFERENCE_ANSWERS["birth_plan_text"]
    assert case.told("birth_plan") >= {"midwifery:practitioner", "health-visiting:practitioner"}
    assert case.open_tasks() == [BIRTH_OR_LOSS]


def test_a_conference_date_before_12_weeks_or_in_the_future_is_refused(family):
    case = family().to_outcome("child-protection-conference")
    with pytest.raises(InvalidSubmission, match="not before 12 weeks"):
        case.cora.complete(CONFERENCE, conference_date="2026-11-18", **CONFERENCE_ANSWERS)
    with pytest.raises(InvalidSubmission, match="not in the future"):
        case.cora.complete(CONFERENCE, conference_date="2027-03-25", **CONFERENCE_ANSWERS)


def test_a_conference_outside_28_to_34_weeks_needs_a_recorded_reason(family):
    case = family().to_outcome("child-protection-conference")
    case.at("2027-03-05T12:00:00+00:00")
    with pytest.raises(InvalidSubmission, match="outside 28 to 34 weeks"):
        case.cora.complete(CONFERENCE, conference_date="2027-03-04", **CONFERENCE_ANSWERS)
    case.cora.complete(
        CONFERENCE,
        conference_date="2027-03-04",  # 27 weeks
        conference_date_reason="Risk of early labour",
        **CONFERENCE_ANSWERS,
    )
    assert case.records("conference")[0]["conference_date_reason"] == "Risk of early labour"


def test_the_conference_chair_cannot_be_someone_who_worked_on_the_case(family, engine):
    case = family()
    both = case.person("val", "childrens-social-care", "manager", "conference-chair")
    case.refer()
    case.threshold("statutory-assessment")
    case.health_contributes()
    case.assess("medium")
    both.complete(OUTCOME, outcome="child-protection-conference", outcome_reasons="-")
    case.at("2027-03-25T12:00:00+00:00")
    task = case.cora.task(CONFERENCE)
    data = {"conference_date": "2027-03-25", **CONFERENCE_ANSWERS}
    with pytest.raises(NotPermitted, match="independent of the case"):
        engine.complete(task.id, data, both.actor)
    case.cora.complete(CONFERENCE, **data)
    assert case.records("conference")


def test_legal_planning_runs_alongside_the_conference_and_the_plan_comes_from_the_conference(
    family,
):
    case = family().to_outcome("conference-and-legal-planning")
    assert case.open_tasks() == sorted([BIRTH_OR_LOSS, CONFERENCE, LEGAL])
    case.cal.complete(LEGAL, legal_decision="pre-proceedings", legal_notes="PLO letter")
    assert case.open_tasks() == sorted([BIRTH_OR_LOSS, CONFERENCE])  # waits for the conference
    assert case.records("legal_planning")[0]["legal_decision"] == "pre-proceedings"
    case.chair("2027-03-25")
    assert case.entries()[-3:] == ["legal_planning", "conference", "birth_plan"]
    assert case.open_tasks() == [BIRTH_OR_LOSS]


def test_a_child_in_need_plan_agrees_its_birth_plan_without_a_conference(family):
    case = family().to_outcome("child-in-need")
    assert case.due(case.sam, BIRTH_PLAN) == date(2027, 5, 6)
    case.sam.complete(
        BIRTH_PLAN, birth_plan_text="Ward told", discharge_plan="Home", parents_involved="yes"
    )
    assert "conference" not in case.entries()
    assert case.records("birth_plan")[0]["birth_plan_text"] == "Ward told"


# ------------------------------------------------------------------ the birth, loss and review


def test_the_birth_discharge_planning_and_first_review_after_a_conference(family):
    case = family().to_outcome("child-protection-conference")
    case.chair("2027-04-01")
    case.born("2027-05-28")
    assert case.told("birth_recorded") >= EVERY_PRACTITIONER | {"health-visiting:practitioner"}
    assert "pre_birth_overtaken" not in case.entries()  # the plan was ready
    assert case.due(case.sam, DISCHARGE) == date(2027, 6, 1)  # after the spring bank holiday
    case.sam.complete(
        DISCHARGE,
        discharge_meeting_date="2027-05-28",
        discharge_attendees="Mo, Holly, Sam, mother",
        discharge_notes="Home with mother",
    )
    # 10 working days from Friday 28 May, skipping the spring bank holiday (31 May), is
    # 14 June; 3 months from the conference (1 July) is later, so 14 June it is.
    assert case.due(case.sam, REVIEW) == date(2027, 6, 14)
    case.sam.complete(REVIEW, review_notes="Going well", review_outcome="plan-continues")
    assert case.entries()[-3:] == ["birth", "discharge_planning", "review"]
    assert case.status() == "completed"


def test_the_first_review_is_three_months_after_a_conference_when_that_is_sooner(family):
    case = family().to_outcome("child-protection-conference")
    case.chair("2027-02-26", conference_date_reason="Early labour expected")
    case.born("2027-05-20")
    case.sam.complete(
        DISCHARGE, discharge_meeting_date="2027-05-20", discharge_attendees="-", discharge_notes="-"
    )
    assert case.due(case.sam, REVIEW) == date(2027, 5, 26)


def test_an_early_birth_moves_the_plan_on_to_discharge_planning_and_review(family):
    case = family().refer()
    case.threshold("statutory-assessment")
    case.health_contributes()
    assert case.open_tasks() == sorted([BIRTH_OR_LOSS, JOINT_ASSESSMENT])
    case.born("2027-02-10", notes="Born at 24 weeks, in neonatal care")
    [overtaken] = case.records("pre_birth_overtaken")
    assert overtaken["event_date"] == "2027-02-10"
    assert case.told("pre_birth_overtaken") == {
        "childrens-social-care:manager",
        "childrens-social-care:practitioner",
    }
    [birth] = case.records("birth")
    assert birth["first_review_due"].startswith("2027-02-24")  # ten working days
    assert case.open_tasks() == [DISCHARGE]  # the pre-birth steps are over
    assert case.due(case.sam, DISCHARGE) == date(2027, 2, 11)


def test_a_birth_moves_on_only_its_own_familys_plan(family):
    """The birth is a signal scoped to its case (``baby_born_${case_ref}``): signals reach
    every instance waiting for their name, so an unscoped one would end every family's plan."""
    cases = [family(ref="PB-1").refer(), family(ref="PB-2").refer()]
    for case in cases:
        case.threshold("statutory-assessment")
        case.health_contributes()
    cases[0].born("2027-02-10")
    overtaken = sorted(len(case.records("pre_birth_overtaken")) for case in cases)
    assert overtaken == [0, 1]
    assert sorted([BIRTH_OR_LOSS, JOINT_ASSESSMENT]) in [case.open_tasks() for case in cases]


def test_a_pregnancy_loss_closes_the_plan_and_every_agency_is_told(family):
    case = family("adult-mental-health").refer()
    case.threshold("statutory-assessment")
    case.at("2027-01-20T12:00:00+00:00")
    case.mo.complete(
        BIRTH_OR_LOSS,
        pregnancy_event="pregnancy-loss",
        event_date="2027-01-19",
        event_notes="Mother told; bereavement midwife supporting",
    )
    [loss] = case.records("pregnancy_loss")
    assert loss["event_notes"].startswith("Mother told")
    assert case.told("pregnancy_loss") == EVERY_PRACTITIONER | {
        "adult-mental-health:practitioner",
        "health-visiting:practitioner",
        "midwifery:named-midwife",
        "childrens-social-care:manager",
        "childrens-social-care:conference-chair",
    }
    assert case.status() == "completed"
    assert case.open_tasks() == []


def test_a_birth_cannot_be_recorded_in_the_future(family):
    case = family().refer()
    with pytest.raises(InvalidSubmission, match="future"):
        case.mo.complete(
            BIRTH_OR_LOSS, pregnancy_event="born", event_date="2027-01-30", event_notes="-"
        )


def test_a_review_that_escalates_reaches_a_manager_with_a_deadline(family):
    case = family().to_outcome("child-in-need")
    case.sam.complete(BIRTH_PLAN, birth_plan_text="-", discharge_plan="-", parents_involved="yes")
    case.born("2027-05-28")
    case.sam.complete(
        DISCHARGE, discharge_meeting_date="2027-05-28", discharge_attendees="-", discharge_notes="-"
    )
    case.at("2027-06-07T10:00:00+00:00")
    case.sam.complete(REVIEW, review_notes="Bruising seen", review_outcome="escalate")
    assert case.open_tasks() == [ACT]
    task = case.cal.task(ACT)
    assert task.escalate_to == ["childrens-social-care:senior-manager"]
    assert case.due(case.cal, ACT) == date(2027, 6, 9)
    case.cal.complete(ACT, escalation_action="strategy-discussion", escalation_notes="Today")
    assert case.records("review_escalation")[0]["escalation_action"] == "strategy-discussion"
    assert "childrens-social-care:senior-manager" in case.told("review_escalated")
    assert case.status() == "completed"


def test_a_case_without_an_unborn_baby_cannot_start_a_pre_birth_assessment(scenario, engine, clock):
    scenario.deploy_shipped()
    case = Family(scenario, engine, clock, "PB-2").create([], ["midwifery"])
    with pytest.raises(InvalidSubmission, match="no unborn baby"):
        case.start(case.person("mo", "midwifery", "practitioner"), "pre-birth-assessment")


def test_every_pre_birth_task_has_a_due_date_and_a_next_step():
    from engine.deadline_checks import deadline_warnings
    from engine.resources import parse_xml

    text = (WORKFLOWS / "pre-birth-assessment.bpmn").read_text()
    assert deadline_warnings(parse_xml(text), "pre-birth-assessment.bpmn") == []


# ------------------------------------------------------------------ a parent's mental capacity


def capacity_in_doubt(family):
    """Jo has a learning disability, and the midwife doubts she can agree to the plans for the
    birth and the baby's discharge: the referral says so and names her."""
    case = family()
    case.start(case.mo, "pre-birth-assessment")
    case.mo.complete(CONSENT_POSITION, **CONSENT_GIVEN)
    case.mo.complete(
        REFER,
        parents_aware="yes",
        parent_learning_disability="yes",
        parent_capacity_doubt="yes",
        parent_name="Jo Test",
        **REFERRAL,
    )
    case.threshold("statutory-assessment")
    return case


def assess_capacity(case, weighs):
    case.mo.complete(
        ASSESS_CAPACITY,
        reason_for_doubt="Learning disability; could not repeat back the discharge plan",
        practicable_steps="Easy-read plan with pictures, two visits, her mum present",
        impairment="yes",
        understands="yes",
        retains="yes",
        weighs=weighs,
        because_of_impairment="no" if weighs == "yes" else "yes",
        communicates="yes",
        capacity_evidence="-",
        person_views="I want to take my baby home to Mum's",
    )


def joint_work_done(case):
    """The focused capacity-to-parent work, health's contributions and the joint assessment."""
    case.assess_parenting_jointly()
    case.health_contributes()


def decider_sees(engine, person, name) -> set[str]:
    task = person.task(name)
    return {record.kind for record in engine.task_view(task.id, person.actor).context.records}


def test_a_parent_whose_capacity_is_in_doubt_is_assessed_by_name_not_the_baby(family, engine):
    case = capacity_in_doubt(family)
    task = case.mo.task(ASSESS_CAPACITY)  # the midwife who referred assesses
    assert task.assignee == "mo"
    assert task.summary == f"Mental capacity of Jo Test: {PLAN_DECISION}"
    assert "Baby Test" not in task.summary
    assert task.escalate_to == ["childrens-social-care:manager"]
    assert case.records("pre_birth_referral")[0]["parent_name"] == "Jo Test"
    joint_work_done(case)
    assert JOINT_ASSESSMENT not in case.open_tasks()  # the assessment waits for her capacity
    assess_capacity(case, weighs="yes")
    [outcome] = case.records("parent_capacity")
    assert (outcome["parent_name"], outcome["mca_outcome"]) == ("Jo Test", "has_capacity")
    assert outcome["mca_decision"] == PLAN_DECISION
    assert case.records("decision_stands")[0]["person_views"].startswith("I want")
    assert case.open_tasks() == sorted([BIRTH_OR_LOSS, JOINT_ASSESSMENT])
    case.assess("medium")
    assert {"parent_capacity", "decision_stands"} <= decider_sees(engine, case.cal, OUTCOME)
    case.cal.complete(OUTCOME, outcome="child-protection-conference", outcome_reasons="-")
    assert {"parent_capacity", "decision_stands"} <= decider_sees(engine, case.cora, CONFERENCE)
    case.chair("2027-03-25")  # she has capacity: nothing more to say about best interests
    assert case.records("conference")[0]["best_interests_followed"] is None


def test_lacking_capacity_the_best_interests_decision_is_followed_by_the_conference(family, engine):
    case = capacity_in_doubt(family)
    joint_work_done(case)
    assess_capacity(case, weighs="no")
    assert case.mo.task(CONSULT).summary == (
        f"Best interests of Jo Test: {PLAN_DECISION} (consultation)"
    )
    case.mo.complete(CONSULT, consultees="Her mum: will live with her", anyone_to_consult="yes")
    case.mo.complete(
        BEST_INTERESTS,
        person_wishes="To take the baby home to her mum's",
        options_considered="Home to her mum's with support; mother and baby placement",
        least_restrictive_option="Home to her mum's with daily support",
        best_interests_decision="Discharge home to her mum's with daily visits",
        best_interests_proceed="yes",
        mca_reconsider_on="2027-06-17",
    )
    [outcome] = case.records("parent_capacity")
    assert (outcome["mca_outcome"], outcome["best_interests_proceed"]) == ("lacks_capacity", True)
    case.assess("medium")
    case.cal.complete(OUTCOME, outcome="child-protection-conference", outcome_reasons="-")
    seen = decider_sees(engine, case.cora, CONFERENCE)
    assert {"parent_capacity", "capacity_assessment", "best_interests"} <= seen
    with pytest.raises(InvalidSubmission) as refused:  # the chair must follow it, and say how
        case.chair("2027-03-25")
    assert "best_interests_followed" in refused.value.errors
    case.chair("2027-03-25", best_interests_followed="Discharge to her mum's, as decided")
    [conference] = case.records("conference")
    assert conference["best_interests_followed"] == "Discharge to her mum's, as decided"
    assert case.records("birth_plan")[0]["best_interests_followed"].startswith("Discharge")


def test_a_parent_in_doubt_must_be_named_and_capacity_is_otherwise_assumed(family):
    case = family()
    case.start(case.mo, "pre-birth-assessment")
    case.mo.complete(CONSENT_POSITION, **CONSENT_GIVEN)
    with pytest.raises(InvalidSubmission) as refused:
        case.mo.complete(
            REFER,
            parents_aware="yes",
            parent_learning_disability="yes",
            parent_capacity_doubt="yes",
            **REFERRAL,
        )
    assert "parent_name" in refused.value.errors
    case.complete_referral(learning_disability="yes")  # a learning disability alone: no doubt
    case.threshold("statutory-assessment")
    assert ASSESS_CAPACITY not in case.open_tasks()


def test_a_capacity_assessment_not_settled_by_the_contribution_deadline_is_chased(family):
    case = capacity_in_doubt(family)
    joint_work_done(case)
    case.at("2027-02-25T16:59:00+00:00")
    assert case.told("deadline_missed") == set()
    case.at("2027-02-25T17:00:00+00:00")  # the end of the day contributions were due
    assert "childrens-social-care:manager" in case.told("deadline_missed")
    assert ASSESS_CAPACITY in case.open_tasks()  # still hers to do, and the manager knows

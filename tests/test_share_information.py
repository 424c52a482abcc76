"""Share information (Torbay s10, DOMAIN.md section 5) as the sharer lives it: seeking consent
and coming back to the decision, who consents for someone who cannot, advice that cannot share
on its own, and telling the person by a deadline."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.errors import InvalidSubmission
from engine.models import ACTIVE_TASK_STATES, HumanTask
from notifications.models import OutboxNotification
from notifications.scheduler import BackgroundJobs
from notifications.settings import SmtpSettings

from .family import CONSENT_POSITION, NO_EXCEPTION, Family

ASK = "Ask for consent to share information"
ADVICE = "Seek advice on sharing without naming the person"
TELL = "Tell the person what was shared, with whom and why"
NOT_SOUGHT = {**NO_EXCEPTION, "consent": "not_sought"}
SHARING = {
    "sharer": "mo",
    "sharer_group": "midwifery:practitioner",
    "shared_with": "childrens-social-care",
    "shared_what": "The pre-birth referral",
}


class Sharing(Family):
    """A case where the midwife, Mo, decides whether to share with children's social care."""

    def __init__(self, scenario, engine, clock, starter_roles=("practitioner",), **timescales):
        super().__init__(scenario, engine, clock, "SI-1")
        self.create(
            [
                {"name": "Jo Test", "kind": "adult", "relationship": "Mother"},
                {"name": "Kim Test", "kind": "child", "date_of_birth": date(2016, 5, 1)},
            ],
            ["midwifery", "childrens-social-care"],
        )
        self.mo = self.person("mo", "midwifery", "practitioner")
        starter = self.person("meg", "midwifery", *starter_roles)
        variables = {**SHARING, **timescales}
        ref = engine.start("share-information", variables, case_ref=self.ref, actor=starter.actor)
        self.instance_id = ref.id

    def position(self, **answers):
        self.mo.complete(CONSENT_POSITION, **{**NOT_SOUGHT, **answers})
        return self

    def open_tasks(self) -> list[str]:
        with self.engine.db.reading() as session:
            rows = session.scalars(
                select(HumanTask).where(
                    HumanTask.instance_id == self.instance_id,
                    HumanTask.status.in_(ACTIVE_TASK_STATES),
                )
            )
            return sorted(task.name for task in rows)

    def decision(self) -> dict:
        [record] = self.records("information_sharing")
        return record


@pytest.fixture
def sharing(scenario, engine, clock):
    scenario.deploy_shipped()
    return lambda *roles, **timescales: Sharing(scenario, engine, clock, *roles, **timescales)


def test_consent_not_yet_sought_sends_the_sharer_to_ask_and_consent_given_shares(sharing):
    case = sharing().position()
    assert case.open_tasks() == [ASK]
    assert case.records("information_sharing") == []  # nothing decided, nothing shared yet
    case.mo.complete(ASK, can_consent="yes", consent_by="person", consent_answer="given")
    decided = case.decision()
    assert (decided["decision"], decided["consent"], decided["consent_from"]) == (
        "share_proportionately",
        "given",
        "person",
    )
    assert decided["tell_person"] is False  # asking them was telling them
    assert case.status() == "completed" and case.variables()["may_share"] is True


def test_consent_refused_when_asked_is_respected(sharing):
    case = sharing().position()
    case.mo.complete(ASK, can_consent="yes", consent_answer="refused")
    decided = case.decision()
    assert (decided["decision"], decided["consent"], decided["tell_person"]) == (
        "do_not_share",
        "refused",
        False,
    )
    assert case.status() == "completed" and case.variables()["may_share"] is False


def test_refused_when_asked_but_someone_is_at_risk_shares_and_the_person_is_told(sharing):
    case = sharing().position(safety_at_risk="yes")
    case.mo.complete(ASK, can_consent="yes", consent_answer="refused")
    assert case.decision()["decision"] == "share_overriding_refusal"
    assert case.open_tasks() == [TELL]


def test_consent_that_cannot_be_obtained_goes_back_to_the_decision(sharing):
    case = sharing().position(safeguarding_purpose="yes")
    case.mo.complete(ASK, can_consent="yes", consent_answer="not_obtained")
    decided = case.decision()
    assert decided["decision"] == "share_without_consent"
    assert decided["basis"].startswith("Consent cannot reasonably be obtained")


def test_a_child_who_cannot_decide_is_not_taken_as_refusing_and_a_parent_decides(sharing):
    case = sharing().position(can_consent="no", consent="refused")  # the child's own "no"
    assert case.records("information_sharing") == []  # not a refusal: nobody may decide yet
    assert case.open_tasks() == [ASK]
    with pytest.raises(InvalidSubmission) as refused:  # a parent answering must be named
        case.mo.complete(
            ASK, can_consent="no", consent_by="parental_responsibility", consent_answer="given"
        )
    assert "consent_decided_by" in refused.value.errors
    case.mo.complete(
        ASK,
        can_consent="no",
        consent_by="parental_responsibility",
        consent_decided_by="Jo Test, mother",
        consent_answer="given",
    )
    decided = case.decision()
    assert (decided["decision"], decided["consent_from"], decided["consent_decided_by"]) == (
        "share_proportionately",
        "parental_responsibility",
        "Jo Test, mother",
    )


def test_an_adult_without_capacity_is_decided_for_in_their_best_interests(sharing):
    case = sharing().position(can_consent="no", consent="given")  # their "yes" is not consent
    assert case.open_tasks() == [ASK]
    case.mo.complete(
        ASK,
        can_consent="no",
        consent_by="best_interests",
        consent_decided_by="Dr Lee, best-interests decision-maker",
        consent_answer="refused",
    )
    decided = case.decision()
    assert (decided["decision"], decided["consent_from"]) == ("do_not_share", "best_interests")


def test_a_parent_cannot_decide_for_someone_who_can_decide_for_themselves(sharing):
    case = sharing().position(
        consent="given", consent_by="parental_responsibility", consent_decided_by="Jo Test"
    )
    assert case.open_tasks() == [ASK]  # a competent young person is asked themselves


def test_advice_alone_cannot_share_without_a_ground(sharing):
    case = sharing().position(telling_unsafe="yes")  # cannot ask, and no exception applies
    assert case.open_tasks() == [ADVICE]
    case.mo.complete(ADVICE, advice_from="MASH consultation line", advice="Share it")
    assert case.open_tasks() == [CONSENT_POSITION]  # the position again, in the advice's light
    again = case.engine.task_view(case.mo.task(CONSENT_POSITION).id, case.mo.actor)
    assert again.values["telling_unsafe"] is True and again.values["consent"] == "not_sought"
    case.position(telling_unsafe="yes")  # nothing changed: still no ground
    decided = case.decision()
    assert decided["decision"] == "do_not_share" and decided["tell_person"] is False
    assert decided["basis"] == (
        "After advice from MASH consultation line: No ground to share without consent "
        "applies, and advice alone is not one"
    )
    assert case.status() == "completed" and case.variables()["may_share"] is False


def test_a_second_decision_in_the_same_case_opens_with_no_earlier_answers(sharing, engine):
    case = sharing().position(statutory_duty="yes", telling_unsafe="yes")  # decided
    variables = {**case.variables(), "advice_from": "x", "advice_taken": True}
    ref = engine.start("share-information", variables, case_ref=case.ref, actor=case.mo.actor)
    [task] = [t for t in case.mo.inbox() if t.instance_id == ref.id]
    assert engine.task_view(task.id, case.mo.actor).values == {"consent_by": "person"}
    engine.complete(task.id, {**NOT_SOUGHT, "telling_unsafe": "yes"}, case.mo.actor)
    [advice] = [t for t in case.mo.inbox() if t.instance_id == ref.id]
    assert advice.name == ADVICE  # a caller's earlier advice does not count here


def test_advice_that_finds_a_ground_shares_on_that_ground_without_telling(sharing):
    case = sharing().position(telling_unsafe="yes")
    case.mo.complete(ADVICE, advice_from="Police public protection unit", advice="s47 enquiry")
    case.position(telling_unsafe="yes", would_delay_investigation="yes")
    decided = case.decision()
    assert decided["decision"] == "share_without_consent" and decided["tell_person"] is False
    assert decided["basis"].startswith(
        "After advice from Police public protection unit: Seeking consent would cause "
        "unjustifiable delay in an investigation"
    )
    assert case.status() == "completed"


def test_a_statutory_duty_that_could_tip_someone_off_shares_and_tells_nobody(sharing):
    case = sharing().position(statutory_duty="yes", would_prejudice_crime="yes")
    decided = case.decision()
    assert (decided["decision"], decided["tell_person"]) == ("share", False)
    assert case.open_tasks() == [] and case.status() == "completed"


def test_when_telling_is_advised_the_sharer_tells_the_person_by_the_deadline(sharing, engine):
    case = sharing().position(statutory_duty="yes")
    assert case.decision()["tell_person"] is True  # recorded (and shared) before telling
    assert case.open_tasks() == [TELL]
    [task] = case.mo.inbox()
    assert task.due_at.isoformat().startswith("2026-12-24T17:00")  # tell_days: 1 working day
    assert task.escalate_to == ["midwifery:manager"]
    case.mo.complete(TELL, person_told="told", telling_note="Told Jo by phone, 24 Dec")
    [told] = case.records("person_told")
    assert (told["person_told"], told["shared_with"]) == ("told", "childrens-social-care")
    assert case.status() == "completed" and case.variables()["may_share"] is True


def test_when_the_deadline_to_tell_passes_the_sharers_manager_is_told(sharing, engine, clock):
    case = sharing().position(would_delay_investigation="yes")
    assert case.open_tasks() == [TELL]
    jobs = BackgroundJobs(engine, SmtpSettings(host=""))
    clock.set("2026-12-24T16:59:00+00:00")
    assert jobs.remind()["escalated"] == 0
    clock.set("2026-12-24T17:00:00+00:00")
    assert jobs.remind()["escalated"] == 1
    with engine.db.reading() as session:
        [row] = session.scalars(
            select(OutboxNotification).where(OutboxNotification.event_type == "task_escalated")
        )
    assert (row.recipient, row.context["step"]) == ("midwifery:manager", TELL)
    [missed] = case.records("deadline_missed")
    assert missed["escalated_to"] == ["midwifery:manager"]
    assert case.open_tasks() == [TELL]  # still to be told; the caller waits for it
    case.mo.complete(TELL, person_told="not_told", telling_note="Now unsafe: police advise")
    assert case.records("person_told")[0]["person_told"] == "not_told"
    assert case.status() == "completed"


def test_a_partnership_sets_its_own_time_to_tell(sharing):
    case = sharing(("practitioner", "manager"), tell_days=3).position(statutory_duty="yes")
    [task] = case.mo.inbox()
    assert task.due_at.isoformat().startswith("2026-12-30T17:00")  # 3 working days on


def test_whoever_decided_for_the_person_is_named_in_the_consent_position(sharing):
    case = sharing()
    position = {**NO_EXCEPTION, "can_consent": "no", "consent": "given"}
    with pytest.raises(InvalidSubmission) as unnamed:
        case.mo.complete(CONSENT_POSITION, **position, consent_by="best_interests")
    assert unnamed.value.errors == {
        "consent_decided_by": "Say who decided for the person: their name and relationship or role"
    }
    case.mo.complete(
        CONSENT_POSITION,
        **position,
        consent_by="best_interests",
        consent_decided_by="Sam Lee, social worker (best-interests decision)",
    )
    assert case.decision()["consent_from"] == "best_interests"

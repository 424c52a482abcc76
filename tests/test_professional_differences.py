"""The Professional Differences ladder as Torbay s13 and DOMAIN.md section 1 say it, rung by rung.

Real people of real agencies (engine.demo): pat (adult mental health practitioner) raises a
difference with sam (children's social care practitioner) about Ruby. Stage 2 is the senior
managers of both agencies (sue for adult mental health; sen), stage 3 their Heads of Service
(hal; hos), stage 4 the partnership chair; dora (drug and alcohol senior manager) is added here. The clock starts on Monday
23 November 2026 at 09:00; every timescale is in working days.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine import queries
from engine.accounts import User
from engine.cases import CaseInvolvement
from engine.demo import DEMO_PASSWORD, PEOPLE
from engine.errors import Conflict, InvalidSubmission, NotPermitted
from engine.reminders import send_reminders

from .family import Family
from .helpers import WORKFLOWS, Person

PD = "professional-differences"
DESCRIBE = "Describe the professional difference"
S1_RAISER = "Stage 1: talk it through with the other practitioner and record your position"
S1_OTHER = "Stage 1: reply to the professional difference raised with you"
S2_RAISER = "Stage 2: record your agency's position (raising agency)"
S2_OTHER = "Stage 2: record your agency's position (agency challenged)"
S2_DECISION = "Stage 2: record the joint decision of both agencies' senior managers"
S2_AGREE = "Stage 2: confirm whether the joint decision resolves the difference"
S3_RAISER = "Stage 3: record your agency's position (raising agency)"
S3_OTHER = "Stage 3: record your agency's position (agency challenged)"
S3_DECISION = "Stage 3: record the joint decision of both agencies' Heads of Service"
S3_AGREE = "Stage 3: confirm whether the joint decision resolves the difference"
STAGE4 = "Stage 4: final decision"
ACT_NOW = "Act now under child protection procedures"
ADULT_CONCERN = "Adult safeguarding concern: decide on a Care Act section 42 enquiry"
DIFFERENCE = {
    "subject_kind": "child",
    "subject_name": "Ruby Taylor",
    "other_agency": "childrens-social-care",
    "other_practitioner": "sam",
    "concern_type": "threshold",
    "concern": "Children's social care say the threshold for assessment is not met.",
    "tried": "Discussed by phone on Friday; no agreement.",
    "supervisor_consulted": "yes",
    "immediate_risk": "no",
}
EXTRA_PEOPLE = [("dora", "Dora Senior Manager", "drug-and-alcohol", ["senior-manager"])]
NO_RISK = {"immediate_risk": "no"}
AT_RISK = {"s1_other_immediate_risk": "yes"}
RUBY, JADE = {"s1_other_risk_who": "Ruby Taylor"}, {"s1_other_risk_who": "Jade Taylor"}


class Ladder(Family):
    """One difference on a real case, driven by real people."""

    def __init__(self, scenario, engine, clock, case="CASE-1"):
        super().__init__(scenario, engine, clock, case)

    def __getattr__(self, username: str) -> Person:
        with self.engine.db.reading() as session:
            user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise AttributeError(username)
        return Person(self.scenario, user.actor())

    def raise_difference(self, raiser="pat", variables=None, **changes) -> Ladder:
        person = getattr(self, raiser)
        ref = self.engine.start_on_case(PD, self.ref, person.actor, variables=variables)
        self.instance_id = ref.id
        person.complete(DESCRIBE, **{**DIFFERENCE, **changes})
        return self

    # each rung, as its people answer
    def stage1(self, raiser_resolved="no", other_resolved="no", **extra):
        self.pat.complete(
            S1_RAISER,
            s1_raiser_position="Mother's relapse raises the risk to Ruby",
            s1_raiser_resolved=raiser_resolved,
            s1_raiser_actions="Joint visit on Thursday",
            **{"s1_raiser_immediate_risk": "no", **extra.pop("raiser", {})},
        )
        return self.sam.complete(
            S1_OTHER,
            s1_other_position="Needs are met by early help",
            s1_other_resolved=other_resolved,
            **{"s1_other_immediate_risk": "no", **extra.pop("other", {})},
        )

    def positions(self, n, raiser, other, **risk):
        raiser_task, other_task = (S2_RAISER, S2_OTHER) if n == 2 else (S3_RAISER, S3_OTHER)
        getattr(self, raiser).complete(
            raiser_task,
            **{
                f"s{n}_raiser_position": f"Stage {n}: assessment needed",
                **_risk(n, "raiser", risk),
            },
        )
        getattr(self, other).complete(
            other_task,
            **{
                f"s{n}_other_position": f"Stage {n}: early help is enough",
                **_risk(n, "other", risk),
            },
        )

    def decide(self, n, writer, confirmer, resolved="yes", agrees="yes"):
        decision, agree = (S2_DECISION, S2_AGREE) if n == 2 else (S3_DECISION, S3_AGREE)
        ref = getattr(self, writer).complete(
            decision,
            **{
                f"s{n}_resolved": resolved,
                f"s{n}_decision": f"Stage {n}: assessment starts; early help continues",
                f"s{n}_actions": "Social worker allocated by Friday",
            },
        )
        if resolved == "yes":
            ref = getattr(self, confirmer).complete(
                agree, **{f"s{n}_agrees": agrees, f"s{n}_agree_comment": "Considered"}
            )
        return ref

    def to_stage(self, n):
        if n >= 2:
            self.stage1()
        if n >= 3:
            self.positions(2, "sue", "sen")
            self.decide(2, "sue", "sen", resolved="no")
        if n >= 4:
            self.positions(3, "hal", "hos")
            self.decide(3, "hos", "hal", resolved="no")
        return self

    def agencies(self) -> set[str]:
        with self.engine.db.reading() as session:
            query = select(CaseInvolvement.agency).where(CaseInvolvement.case_ref == self.ref)
            return set(session.scalars(query))


def _risk(n, side, risk):
    return {f"s{n}_{side}_immediate_risk": risk.get(side, "no")}


@pytest.fixture
def ladder(scenario, engine, clock):
    clock.set("2026-11-23T09:00:00+00:00")
    scenario.deploy_shipped()
    for username, name, agency, roles, team in PEOPLE:
        engine.create_user(
            username=username,
            password=DEMO_PASSWORD,
            display_name=name,
            agency=agency,
            roles=roles,
            team=team,
        )
    for username, name, agency, roles in EXTRA_PEOPLE:
        engine.create_user(
            username=username, password=DEMO_PASSWORD, display_name=name, agency=agency, roles=roles
        )
    ruby = {"name": "Ruby Taylor", "kind": "child", "date_of_birth": date(2019, 5, 2)}
    jade = {"name": "Jade Taylor", "kind": "adult", "date_of_birth": date(1996, 2, 14)}
    system = Ladder(scenario, engine, clock).pat.actor
    for ref, agencies in (
        ("CASE-1", [("adult-mental-health", "pat"), ("childrens-social-care", "sam")]),
        ("CASE-2", [("adult-mental-health", "pat"), ("drug-and-alcohol", "dan")]),
    ):
        engine.create_case(
            system,
            reference=ref,
            family_name="Taylor",
            members=[jade, ruby] if ref == "CASE-1" else [jade],
            involvements=[{"agency": a, "worker_username": w} for a, w in agencies],
        )
    return Ladder(scenario, engine, clock)


# --- raising it ---------------------------------------------------------------------------------


def test_raising_records_it_and_gives_the_other_practitioner_their_own_task(ladder):
    ladder.raise_difference()
    [raised] = ladder.records()
    assert raised["entry"] == "raised"
    assert (raised["raiser"], raised["raiser_agency"]) == ("pat", "adult-mental-health")
    assert (raised["other_practitioner"], raised["other_agency"]) == (
        "sam",
        "childrens-social-care",
    )
    assert ladder.told("difference_raised") == {
        "adult-mental-health:manager",
        "childrens-social-care:manager",
        "sam",
    }
    mine, theirs = ladder.pat.task(S1_RAISER), ladder.sam.task(S1_OTHER)
    assert (mine.assignee, theirs.assignee) == ("pat", "sam")
    assert mine.due_at.isoformat() == "2026-11-30T17:00:00+00:00"  # 5 working days
    assert theirs.due_at.isoformat() == "2026-11-26T17:00:00+00:00"  # reply within 3


def test_the_raisers_agency_is_their_own_and_the_other_practitioner_a_real_person_there(ladder):
    ref = ladder.engine.start_on_case(PD, "CASE-1", ladder.pat.actor)
    ladder.instance_id = ref.id
    for changes, field in (
        ({"other_agency": "adult-mental-health", "other_practitioner": "amy"}, "other_agency"),
        ({"other_practitioner": "dan"}, "other_practitioner"),  # drug and alcohol, not CSC
        ({"other_practitioner": "nobody"}, "other_practitioner"),
    ):
        with pytest.raises(InvalidSubmission) as caught:
            ladder.pat.complete(DESCRIBE, **{**DIFFERENCE, **changes})
        assert set(caught.value.errors) == {field}
    with pytest.raises(InvalidSubmission) as caught:
        ladder.pat.complete(DESCRIBE, **DIFFERENCE, raiser_agency="childrens-social-care")
    assert set(caught.value.errors) == {"raiser_agency"}  # not a field: it is pat's own agency
    assert ladder.records() == [] and ladder.pat.task(DESCRIBE)


def test_a_difference_not_described_in_time_lapses_and_the_raisers_manager_is_told(ladder):
    ladder.engine.start_on_case(PD, "CASE-1", ladder.pat.actor)
    assert ladder.at("2026-11-25T17:00:00+00:00") == 1  # 2 working days
    assert ladder.pat.inbox() == []
    assert ladder.told("deadline_missed") == {"adult-mental-health:manager", "pat"}
    [lapsed] = ladder.records("time_limit_reached")
    assert (lapsed["stage"], lapsed["raiser"]) == (0, "pat")
    assert lapsed["not_answered"] == "The raiser: the difference was not described"


def test_the_challenged_agency_is_involved_in_the_case_so_its_practitioner_is_heard(ladder):
    assert "drug-and-alcohol" not in ladder.agencies()
    ladder.raise_difference(other_agency="drug-and-alcohol", other_practitioner="dan")
    assert "drug-and-alcohol" in ladder.agencies()
    assert [t.name for t in ladder.dan.inbox()] == [S1_OTHER]
    ladder.dan.complete(
        S1_OTHER, s1_other_position="y" * 20, s1_other_resolved="no", s1_other_immediate_risk="no"
    )
    assert ladder.records("position")[0]["other_practitioner"] == "dan"


# --- resolved at each rung, only by both sides ------------------------------------------------


def test_resolved_at_stage_one_only_when_both_practitioners_say_so(ladder):
    ladder.raise_difference()
    ref = ladder.stage1(raiser_resolved="yes", other_resolved="yes")
    assert ref.status == "completed"
    assert ladder.entries() == ["raised", "position", "position", "outcome"]
    outcome = ladder.records("outcome")[0]
    assert (outcome["stage"], outcome["resolved"]) == (1, True)
    # both practitioners' accounts, not the raiser's alone
    assert outcome["decision"] == (
        "Adult mental health: Mother's relapse raises the risk to Ruby"
        " / Children's social care: Needs are met by early help"
    )
    assert outcome["agreed_actions"] == "Joint visit on Thursday"
    assert {"pat", "sam", "partnership-business-manager"} <= ladder.told("outcome")


def test_an_outcome_at_stage_one_tells_both_heads_of_service_but_not_the_partnership_chair(
    ladder,
):
    ladder.raise_difference().stage1(raiser_resolved="yes", other_resolved="yes")
    told = ladder.told("outcome")
    assert {"adult-mental-health:head-of-service", "childrens-social-care:head-of-service"} <= told
    assert "board-chair" not in told


def test_either_practitioner_saying_not_resolved_moves_it_to_the_senior_managers(ladder):
    ladder.raise_difference()
    ladder.stage1(raiser_resolved="yes", other_resolved="no")
    assert ladder.records("escalated")[-1]["stage"] == 2
    assert ladder.told("escalated") == {
        "adult-mental-health:senior-manager",
        "childrens-social-care:senior-manager",
        "partnership-business-manager",
        "pat",  # both practitioners are told it has gone up a rung
        "sam",
    }
    assert [t.name for t in ladder.sue.inbox()] == [S2_RAISER]
    assert [t.name for t in ladder.sen.inbox()] == [S2_OTHER]
    assert ladder.amy.inbox() == [] and ladder.cal.inbox() == []  # not line managers


def test_resolved_by_the_senior_managers_when_both_agencies_agree(ladder):
    ladder.raise_difference().to_stage(2)
    ladder.positions(2, "sue", "sen")
    ladder.decide(2, "sue", "sen", resolved="yes", agrees="yes")
    assert ladder.status() == "completed"
    positions = [r for r in ladder.records("position") if r["stage"] == 2]
    assert {r.get("s2_raiser_position") or r.get("s2_other_position") for r in positions} == {
        "Stage 2: assessment needed",
        "Stage 2: early help is enough",
    }
    outcome = ladder.records("outcome")[0]
    assert (outcome["stage"], outcome["resolved"], outcome["agreed_actions"]) == (
        2,
        True,
        "Social worker allocated by Friday",
    )


def test_the_confirming_manager_decides_from_approvals_where_the_card_names_the_difference(
    ladder,
):
    ladder.raise_difference().to_stage(2)
    ladder.positions(2, "sue", "sen")
    ladder.sue.complete(
        S2_DECISION,
        s2_resolved="yes",
        s2_decision="Assessment starts; early help continues",
        s2_actions="Social worker allocated by Friday",
    )
    sen = ladder.sen.actor
    [card] = ladder.engine.approvals(sen).tasks
    assert card.name == S2_AGREE
    assert "about Ruby Taylor" in card.summary and "threshold" in card.summary.lower()
    ladder.engine.decide(card.id, False, "The actions do not meet Ruby's needs", sen)
    assert "Stage 3" in " ".join(ladder.open_tasks())  # declined: up to the Heads of Service
    [agreement] = ladder.records("agreement")
    assert agreement["s2_agrees"] is False
    assert agreement["s2_agree_comment"] == "The actions do not meet Ruby's needs"


def test_the_challenged_agency_saying_no_at_stage_two_takes_it_to_both_heads_of_service(ladder):
    ladder.raise_difference().to_stage(2)
    ladder.positions(2, "sue", "sen")
    ladder.decide(2, "sue", "sen", resolved="yes", agrees="no")
    assert ladder.status() == "running"
    assert ladder.records("agreement")[-1]["s2_agrees"] is False
    assert {"adult-mental-health:head-of-service", "childrens-social-care:head-of-service"} <= (
        ladder.told("escalated")
    )
    assert [t.name for t in ladder.hal.inbox()] == [S3_RAISER]
    assert [t.name for t in ladder.hos.inbox()] == [S3_OTHER]


def test_the_head_of_service_of_an_uninvolved_agency_gets_nothing(ladder):
    ladder.raise_difference().to_stage(3)
    ladder.engine.create_user(
        username="hod",
        password=DEMO_PASSWORD,
        display_name="Drug and alcohol Head of Service",
        agency="drug-and-alcohol",
        roles=["head-of-service"],
    )
    assert ladder.hod.inbox() == []


def test_resolved_by_the_heads_of_service_the_challenged_agency_writing_first(ladder):
    ladder.raise_difference().to_stage(3)
    ladder.positions(3, "hal", "hos")
    assert [t.name for t in ladder.hos.inbox()] == [S3_DECISION]
    assert ladder.hal.inbox() == []
    ladder.decide(3, "hos", "hal", resolved="yes", agrees="yes")
    assert ladder.status() == "completed"
    assert ladder.records("outcome")[0]["stage"] == 3


def test_unresolved_by_the_heads_of_service_goes_to_the_partnership_whose_decision_is_final(
    ladder,
):
    ladder.raise_difference().to_stage(4)
    assert "board-chair" in ladder.told("escalated")
    # the partnership reads what it decides on: the difference is shared with it when raised
    chair = ladder.chair
    context = ladder.engine.task_view(chair.task(STAGE4).id, chair.actor).context
    kinds = [record.kind for record in context.records]
    assert kinds.count("position") == 6 and "raised" in kinds
    assert any(DIFFERENCE["concern"] in str(record.fields) for record in context.records)
    ref = ladder.chair.complete(
        STAGE4,
        s4_decision="Strategy meeting within 5 days",
        s4_actions="Chair convenes; both agencies attend",
        s4_immediate_risk="no",
    )
    assert ref.status == "completed"
    outcome = ladder.records("outcome")[0]
    assert (outcome["stage"], outcome["resolved"]) == (4, True)
    assert ladder.records("escalated")[-1]["stage"] == 4
    assert {
        "adult-mental-health:head-of-service",
        "childrens-social-care:head-of-service",
        "partnership-business-manager",
        "board-chair",
        "pat",
        "sam",
    } <= ladder.told("outcome")
    assert {"pat", "sam"} <= ladder.told("escalated")


def without_partnership_stage(ladder):
    """The area's process owner switches the partnership stage off in the diagram."""
    text = (WORKFLOWS / f"{PD}.bpmn").read_text()
    assert text.count("var('partnership_stage', 1)") == 1
    ladder.scenario.deploy(f"{PD}.bpmn", text.replace("var('partnership_stage', 1)", "0"))
    return ladder


def test_a_party_may_not_switch_the_partnership_stage_or_protective_deadlines_off_at_start(
    ladder,
):
    for variables in ({"partnership_stage": 0}, {"mash_hours": 24}, {"concern_hours": 5}):
        with pytest.raises(NotPermitted, match="partnership's setting"):
            ladder.raise_difference(raiser="amy", variables=variables)
    assert ladder.amy.inbox() == []


@pytest.mark.parametrize(
    ("subject_kind", "director", "group"),
    [
        # the Director of Children's Services is above a party (children's social care): the
        # partnership chair, independent of both, decides instead
        ("child", "chair", "board-chair"),
        ("adult", "dax", "adult-social-care:dass"),
    ],
)
def test_without_a_partnership_stage_a_director_who_took_no_part_makes_the_final_decision(
    ladder, subject_kind, director, group
):
    without_partnership_stage(ladder).raise_difference(subject_kind=subject_kind).to_stage(4)
    assert ladder.dee.inbox() == []  # never the director above a party to the dispute
    if director != "chair":
        assert ladder.chair.inbox() == []
    assert group in ladder.told("escalated")
    [task] = getattr(ladder, director).inbox()
    assert task.name == STAGE4
    for party in ("pat", "sam", "sue", "sen", "hal", "hos"):
        assert STAGE4 not in [t.name for t in getattr(ladder, party).inbox()]
    getattr(ladder, director).complete(
        STAGE4,
        s4_decision="Assessment starts this week",
        s4_actions="Children's social care allocate by Friday",
        s4_immediate_risk="no",
    )
    assert ladder.status() == "completed"
    outcome = ladder.records("outcome")[0]
    assert (outcome["stage"], outcome["resolved"]) == (4, True)
    assert outcome["decision"] == "Assessment starts this week"
    assert {group, "pat", "sam", "partnership-business-manager"} <= ladder.told("outcome")


def test_no_party_to_the_dispute_decides_it_at_a_later_rung(ladder):
    ladder.engine.create_user(
        username="sid",
        password=DEMO_PASSWORD,
        display_name="Sid Practitioner and Senior Manager",
        agency="childrens-social-care",
        roles=["practitioner", "senior-manager"],
    )
    ladder.raise_difference(other_practitioner="sid")
    ladder.pat.complete(
        S1_RAISER,
        s1_raiser_position="x" * 20,
        s1_raiser_resolved="no",
        s1_raiser_immediate_risk="no",
    )
    ladder.sid.complete(
        S1_OTHER, s1_other_position="y" * 20, s1_other_resolved="no", s1_other_immediate_risk="no"
    )
    task = ladder.sid.task(S2_OTHER)
    with pytest.raises(NotPermitted, match="stage 1"):
        ladder.engine.complete(
            task.id,
            {"s2_other_position": "Mine", "s2_other_immediate_risk": "no"},
            ladder.sid.actor,
        )
    with pytest.raises(NotPermitted):
        ladder.engine.claim(task.id, ladder.sid.actor)


def test_later_stages_open_with_empty_forms_not_earlier_answers(ladder):
    ladder.raise_difference().to_stage(2)
    view = ladder.engine.task_view(ladder.sue.task(S2_RAISER).id, ladder.sue.actor)
    assert not any(view.values.get(f.id) for f in view.fields)


# --- time running out at every rung -----------------------------------------------------------


def test_every_stage_times_out_up_the_ladder_and_each_position_given_stays_on_the_case(ladder):
    ladder.raise_difference()
    ladder.pat.complete(
        S1_RAISER,
        s1_raiser_position="Pat's position before the deadline",
        s1_raiser_resolved="no",
        s1_raiser_immediate_risk="no",
    )
    assert ladder.at("2026-11-27T17:00:00+00:00") == 1  # Friday: reminder to both
    assert ladder.told("stage_deadline_reminder") == {"pat", "sam"}
    assert ladder.at("2026-11-30T17:00:00+00:00") == 1  # 5 working days: stage 2
    assert ladder.sam.inbox() == []
    assert ladder.entries() == ["raised", "position", "time_limit_reached", "escalated"]
    assert (
        ladder.records("position")[0]["s1_raiser_position"] == "Pat's position before the deadline"
    )
    [lapsed] = ladder.records("time_limit_reached")
    assert lapsed["not_answered"] == "the other practitioner (Children's social care)"

    ladder.sen.complete(S2_OTHER, s2_other_position="CSC: early help", s2_other_immediate_risk="no")
    assert ladder.at("2026-12-07T17:00:00+00:00") >= 1  # 5 working days: stage 3
    assert ladder.sue.inbox() == [] and ladder.sen.inbox() == []
    assert [t.name for t in ladder.hos.inbox()] == [S3_OTHER]
    stage2 = [r for r in ladder.records() if r.get("stage") == 2]
    assert [r["entry"] for r in stage2] == ["escalated", "position", "time_limit_reached"]
    assert stage2[1]["s2_other_position"] == "CSC: early help"
    assert stage2[2]["not_answered"] == (
        "the raising agency's senior manager, position (Adult mental health); "
        "the joint decision (Adult mental health); "
        "confirmation of the joint decision (Children's social care)"
    )

    ladder.hal.complete(S3_RAISER, s3_raiser_position="AMH: assess", s3_raiser_immediate_risk="no")
    assert ladder.at("2026-12-21T17:00:00+00:00") >= 1  # 10 working days: the partnership
    assert ladder.hal.inbox() == [] and ladder.hos.inbox() == []
    assert [t.name for t in ladder.chair.inbox()] == [STAGE4]
    assert any(r.get("s3_raiser_position") == "AMH: assess" for r in ladder.records("position"))
    assert ladder.records("time_limit_reached")[-1]["not_answered"].startswith(
        "the challenged agency's Head of Service, position (Children's social care); "
    )

    # the final rung is chased, never skipped: 10 working days over Christmas
    assert ladder.at("2027-01-07T17:00:00+00:00") >= 1
    assert {"board-chair", "childrens-social-care:head-of-service"} <= ladder.told(
        "deadline_missed"
    )
    assert ladder.told("stage_deadline_reminder") >= {"board-chair"}
    assert [t.name for t in ladder.chair.inbox()] == [STAGE4]
    ladder.chair.complete(
        STAGE4, s4_decision="Final", s4_actions="Both act", s4_immediate_risk="no"
    )
    assert ladder.status() == "completed"


def test_a_missed_reply_or_position_reminds_its_holder_and_tells_their_manager(ladder):
    ladder.raise_difference()
    engine = ladder.engine
    ladder.clock.set("2026-11-26T17:05:00+00:00")  # sam's 3 working days to reply have passed
    send_reminders(engine.db, engine.clock, engine.calendar)
    assert ladder.told("task_escalated") == {"childrens-social-care:manager"}
    assert "sam" in ladder.told("task_overdue")
    ladder.stage1()
    ladder.clock.set("2026-12-02T17:05:00+00:00")  # positions were due in 2 working days
    send_reminders(engine.db, engine.clock, engine.calendar)
    assert ladder.told("task_escalated") >= {
        "adult-mental-health:head-of-service",
        "childrens-social-care:head-of-service",
    }


def test_the_senior_managers_joint_decision_cannot_wait_for_ever(ladder):
    ladder.raise_difference().to_stage(2)
    ladder.positions(2, "sue", "sen")
    ladder.sue.complete(
        S2_DECISION, s2_resolved="yes", s2_decision="Agreed, we think", s2_actions=""
    )
    assert [t.name for t in ladder.sen.inbox()] == [S2_AGREE]
    ladder.at("2026-12-07T17:00:00+00:00")  # nobody confirmed: up to the Heads of Service
    assert ladder.sen.inbox() == []
    assert [t.name for t in ladder.hos.inbox()] == [S3_OTHER]
    assert ladder.records("decision")[-1]["s2_decision"] == "Agreed, we think"


# --- withdrawal -------------------------------------------------------------------------------


def test_only_the_raiser_can_withdraw_with_reasons_recorded_and_both_agencies_told(ladder):
    ladder.raise_difference().to_stage(2)
    engine = ladder.engine
    for someone in ("sam", "sue", "amy"):
        with pytest.raises(NotPermitted):
            engine.withdraw(ladder.instance_id, getattr(ladder, someone).actor, "Not mine")
    with pytest.raises(NotPermitted):  # nor by sending the message directly
        engine.correlate_message(
            "difference_withdrawn", instance_id=ladder.instance_id, actor=ladder.sam.actor
        )
    with pytest.raises(InvalidSubmission):
        engine.withdraw(ladder.instance_id, ladder.pat.actor, "  ")
    ref = engine.withdraw(ladder.instance_id, ladder.pat.actor, "Resolved at a core group meeting")
    assert ref.status == "completed"
    assert ladder.sue.inbox() == [] and ladder.sen.inbox() == []
    assert ladder.records("withdrawn")[0] == {
        "entry": "withdrawn",
        "withdrawn_by": "pat",
        "withdrawal_reason": "Resolved at a core group meeting",
        "withdrawn_at_stage": 2,
    }
    # the timeline shows how far the ladder had gone
    assert ladder.entries()[-2:] == ["escalated", "withdrawn"]
    told = ladder.told("withdrawn")
    # the parties, not every practitioner of both agencies
    assert "adult-mental-health:practitioner" not in told
    assert {
        "adult-mental-health:manager",
        "childrens-social-care:manager",
        "adult-mental-health:head-of-service",
        "childrens-social-care:head-of-service",
        "partnership-business-manager",
        "sam",
    } <= ladder.told("withdrawn")
    with engine.db.reading() as session:
        assert queries.timers(session, ladder.instance_id) == []
    with pytest.raises(Conflict):
        engine.withdraw(ladder.instance_id, ladder.pat.actor, "Again")


def test_the_withdraw_offer_is_for_the_raiser_only(ladder):
    ladder.raise_difference()
    assert ladder.engine.withdrawable([ladder.instance_id], ladder.pat.actor) == {
        ladder.instance_id
    }
    assert ladder.engine.withdrawable([ladder.instance_id], ladder.sam.actor) == set()


# --- immediate risk, at any stage ---------------------------------------------------------------


def test_immediate_risk_at_stage_two_on_a_case_without_childrens_social_care_reaches_mash(ladder):
    ladder.ref = "CASE-2"
    ladder.raise_difference(other_agency="drug-and-alcohol", other_practitioner="dan")
    assert ladder.mia.inbox() == []
    ladder.pat.complete(
        S1_RAISER,
        s1_raiser_position="x" * 20,
        s1_raiser_resolved="no",
        s1_raiser_immediate_risk="no",
    )
    ladder.dan.complete(
        S1_OTHER, s1_other_position="y" * 20, s1_other_resolved="no", s1_other_immediate_risk="no"
    )
    ladder.dora.complete(
        S2_OTHER,
        s2_other_position="Dad has relapsed",
        s2_other_immediate_risk="yes",
        s2_other_risk_details="Ruby was left alone overnight",
        s2_other_risk_to="child",
        s2_other_risk_who="Ruby Taylor",
    )
    [task] = ladder.mia.inbox()
    assert (task.name, task.priority) == (ACT_NOW, 100)
    assert task.summary == "Immediate risk to Ruby Taylor raised in a professional difference"
    assert "childrens-social-care" in ladder.agencies()
    risk = ladder.records("immediate_risk")[0]
    assert (risk["risk_stage"], risk["risk_details"]) == (2, "Ruby was left alone overnight")
    assert [t.name for t in ladder.sue.inbox()] == [S2_RAISER]  # the ladder carries on
    ladder.mia.complete(ACT_NOW, cp_action="section-47", cp_notes="Strategy discussion held")
    assert ladder.records("child_protection_action")[0]["cp_action"] == "section-47"
    assert ladder.status() == "running"


def test_an_adult_at_risk_dispute_raises_an_adult_safeguarding_concern(ladder):
    ladder.raise_difference(subject_kind="adult", subject_name="Jade Taylor")
    ladder.stage1(
        other={
            **AT_RISK,
            "s1_other_risk_details": "Jade unsafe",
            "s1_other_risk_to": "adult",
            **JADE,
        }
    )
    assert ladder.mia.inbox() == []
    [task] = ladder.ash.inbox()
    assert task.name == ADULT_CONCERN
    assert "adult-social-care" in ladder.agencies()
    ladder.ash.complete(ADULT_CONCERN, asc_action="section-42", asc_notes="Enquiry opened")
    assert ladder.records("adult_safeguarding_action")[0]["asc_action"] == "section-42"
    assert "pat" in ladder.told("adult_safeguarding_action")
    assert [t.name for t in ladder.sue.inbox()] == [S2_RAISER]


def test_immediate_risk_when_raised_goes_to_mash_at_once(ladder):
    ladder.raise_difference(immediate_risk="yes", raised_risk_to="child", raised_risk_who="Ruby")
    [task] = ladder.mia.inbox()
    assert task.due_at.isoformat() == "2026-11-23T11:00:00+00:00"
    assert ladder.records("immediate_risk")[0]["risk_stage"] == 0
    assert ladder.at("2026-11-23T11:00:00+00:00") == 1  # not acted on: MASH managers chased
    assert "childrens-social-care:manager" in ladder.told("deadline_missed")
    assert "childrens-social-care:head-of-service" not in ladder.told("deadline_missed")
    assert ladder.pat.task(S1_RAISER)
    assert ladder.at("2026-11-23T13:00:00+00:00") == 1  # still not: their Head of Service
    assert "childrens-social-care:head-of-service" in ladder.told("deadline_missed")
    ladder.mia.complete(ACT_NOW, cp_action="strategy-discussion", cp_notes="Held at 13:30")
    assert "pat" in ladder.told("child_protection_action")  # the raiser hears what was done


def test_a_party_to_the_dispute_does_not_decide_the_protective_response(ladder):
    ladder.raise_difference(other_practitioner="mia")  # a MASH worker is the one challenged
    ladder.pat.complete(
        S1_RAISER,
        s1_raiser_position="x" * 20,
        s1_raiser_resolved="no",
        s1_raiser_immediate_risk="yes",
        s1_raiser_risk_to="child",
        s1_raiser_risk_details="Ruby alone overnight",
        s1_raiser_risk_who="Ruby Taylor",
    )
    task = ladder.mia.task(ACT_NOW)
    with pytest.raises(NotPermitted, match="party to this professional difference"):
        ladder.engine.complete(
            task.id, {"cp_action": "other", "cp_notes": "No action"}, ladder.mia.actor
        )


def test_an_adult_safeguarding_concern_not_decided_is_chased_then_goes_to_the_head_of_service(
    ladder,
):
    ladder.raise_difference(
        subject_kind="adult",
        subject_name="Jade Taylor",
        immediate_risk="yes",
        raised_risk_to="adult",
        raised_risk_who="Jade Taylor",
    )
    # immediate risk to an adult is counted in hours, as for a child (Care Act s42)
    assert ladder.at("2026-11-23T11:00:00+00:00") >= 1  # 2 hours: managers
    told = ladder.told("deadline_missed")
    assert "adult-social-care:manager" in told and "adult-social-care:head-of-service" not in told
    assert ladder.at("2026-11-23T13:00:00+00:00") >= 1  # as long again: the Head of Service
    assert "adult-social-care:head-of-service" in ladder.told("deadline_missed")


def test_a_risk_to_a_child_in_a_dispute_about_a_parent_goes_to_mash_not_adult_safeguarding(ladder):
    ladder.raise_difference(subject_kind="adult", subject_name="Jade Taylor")
    ladder.stage1(
        other={
            **AT_RISK,
            "s1_other_risk_details": "Ruby alone",
            "s1_other_risk_to": "child",
            **RUBY,
        }
    )
    [task] = ladder.mia.inbox()
    assert task.name == ACT_NOW
    assert ladder.ash.inbox() == []
    assert ladder.records("immediate_risk")[0]["risk_to"] == "child"


def test_a_risk_to_a_child_and_an_adult_goes_both_to_mash_and_adult_social_care(ladder):
    ladder.raise_difference(subject_kind="adult", subject_name="Jade Taylor")
    ladder.stage1(
        other={
            **AT_RISK,
            "s1_other_risk_details": "Both unsafe",
            "s1_other_risk_to": "both",
            **RUBY,
        }
    )
    assert [t.name for t in ladder.mia.inbox()] == [ACT_NOW]
    assert [t.name for t in ladder.ash.inbox()] == [ADULT_CONCERN]
    assert {"childrens-social-care", "adult-social-care"} <= ladder.agencies()


def test_whoever_raises_a_risk_must_say_who_is_at_risk(ladder):
    ladder.raise_difference()
    with pytest.raises(InvalidSubmission) as caught:
        ladder.sam.complete(S1_OTHER, s1_other_position="y" * 20, s1_other_resolved="no", **AT_RISK)
    # who is at risk, their name and what the risk is: what MASH needs to act
    assert set(caught.value.errors) == {
        "s1_other_risk_to",
        "s1_other_risk_who",
        "s1_other_risk_details",
    }
    ladder.engine.start_on_case(PD, "CASE-1", ladder.pat.actor)
    with pytest.raises(InvalidSubmission) as caught:
        ladder.pat.complete(DESCRIBE, **{**DIFFERENCE, "immediate_risk": "yes"})
    assert set(caught.value.errors) == {"raised_risk_to", "raised_risk_who"}


def _decide_with_risk(ladder, n, writer, confirmer, on, risk_to):
    decision, agree = (S2_DECISION, S2_AGREE) if n == 2 else (S3_DECISION, S3_AGREE)
    risk = {
        f"s{n}_{on}_immediate_risk": "yes",
        f"s{n}_{on}_risk_to": risk_to,
        f"s{n}_{on}_risk_details": "Seen with bruising",
        f"s{n}_{on}_risk_who": "Ruby Taylor",
    }
    decided = {f"s{n}_resolved": "yes", f"s{n}_decision": "Assess", f"s{n}_actions": "Allocate"}
    getattr(ladder, writer).complete(decision, **decided, **(risk if on == "decision" else {}))
    agreed = {f"s{n}_agrees": "yes", f"s{n}_agree_comment": "Agreed"}
    getattr(ladder, confirmer).complete(agree, **agreed, **(risk if on == "agree" else {}))


def test_immediate_risk_can_be_raised_on_the_senior_managers_joint_decision(ladder):
    ladder.raise_difference().to_stage(2)
    ladder.positions(2, "sue", "sen")
    _decide_with_risk(ladder, 2, "sue", "sen", on="decision", risk_to="child")
    assert [t.name for t in ladder.mia.inbox()] == [ACT_NOW]
    [risk] = ladder.records("immediate_risk")
    assert (risk["risk_stage"], risk["risk_to"]) == (2, "child")
    assert ladder.records("outcome")[0]["resolved"] is True


def test_immediate_risk_can_be_raised_when_confirming_the_heads_of_services_decision(ladder):
    ladder.raise_difference().to_stage(3)
    ladder.positions(3, "hal", "hos")
    _decide_with_risk(ladder, 3, "hos", "hal", on="agree", risk_to="adult")
    assert [t.name for t in ladder.ash.inbox()] == [ADULT_CONCERN]
    [risk] = ladder.records("immediate_risk")
    assert (risk["risk_stage"], risk["risk_to"]) == (3, "adult")


def test_a_second_immediate_risk_in_the_same_difference_is_routed_too(ladder):
    ladder.raise_difference()
    ladder.stage1(
        raiser={
            "s1_raiser_immediate_risk": "yes",
            "s1_raiser_risk_to": "child",
            "s1_raiser_risk_details": "Ruby alone overnight",
            "s1_raiser_risk_who": "Ruby Taylor",
        },
        other={
            **AT_RISK,
            "s1_other_risk_details": "Jade unsafe",
            "s1_other_risk_to": "adult",
            **JADE,
        },
    )
    assert [r["risk_who"] for r in ladder.records("immediate_risk")] == [
        "Ruby Taylor",
        "Jade Taylor",
    ]
    assert [t.name for t in ladder.ash.inbox()] == [ADULT_CONCERN]


# --- an immediate risk reported at any moment, by anyone taking part -------------------------


def report(ladder, username, **answers):
    answers = {"risk_to": "child", "risk_who": "Ruby Taylor", "risk_details": "Bruising", **answers}
    person = getattr(ladder, username)
    return ladder.engine.report_immediate_risk(
        ladder.instance_id,
        person.actor,
        answers["risk_to"],
        answers["risk_who"],
        answers["risk_details"],
    )


def test_a_practitioner_with_no_open_form_reports_a_risk_at_stage_three_and_mash_acts(ladder):
    ladder.raise_difference().to_stage(3)
    assert ladder.pat.inbox() == [] and ladder.sam.inbox() == []  # no form of theirs is open
    report(ladder, "sam", risk_details="Ruby says her father hit her last night")
    [task] = ladder.mia.inbox()
    assert (task.name, task.summary) == (
        ACT_NOW,
        "Immediate risk to Ruby Taylor raised in a professional difference",
    )
    [risk] = ladder.records("immediate_risk")
    assert (risk["risk_stage"], risk["risk_who"]) == (3, "Ruby Taylor")
    assert risk["risk_details"] == "Ruby says her father hit her last night"
    ladder.mia.complete(ACT_NOW, cp_action="section-47", cp_notes="Strategy discussion today")
    assert {"pat", "sam"} <= ladder.told("child_protection_action")  # the reporter hears too
    report(ladder, "pat", risk_to="adult", risk_who="Jade Taylor", risk_details="Jade threatened")
    assert [t.name for t in ladder.ash.inbox()] == [ADULT_CONCERN]  # the second is routed too
    assert [t.name for t in ladder.hal.inbox()] == [S3_RAISER]  # the ladder carries on


def test_only_someone_taking_part_may_report_a_risk_on_the_difference_and_must_say_what(ladder):
    ladder.raise_difference()
    with pytest.raises(NotPermitted, match="taking part"):
        report(ladder, "cal")  # children's social care's manager: no task in it yet
    with pytest.raises(InvalidSubmission) as caught:
        report(ladder, "sam", risk_to="", risk_who="", risk_details="")
    assert set(caught.value.errors) == {"risk_to", "risk_who", "risk_details"}
    with pytest.raises(NotPermitted, match="Report an immediate risk"):
        ladder.engine.correlate_message(
            "immediate_risk_reported", instance_id=ladder.instance_id, actor=ladder.sam.actor
        )
    assert ladder.records("immediate_risk") == []
    assert ladder.engine.risk_reportable([ladder.instance_id], ladder.sam.actor) == {
        ladder.instance_id
    }
    assert ladder.engine.risk_reportable([ladder.instance_id], ladder.cal.actor) == set()

"""Human tasks: the index, claiming, completing with form validation, and conflicts."""

import threading

import pytest
from sqlalchemy import select

from engine import queries
from engine.accounts import create_user
from engine.actors import Actor
from engine.cases import create_case
from engine.errors import (
    InvalidDefinition,
    InvalidSubmission,
    NotPermitted,
    ProcessError,
    StaleInstance,
    TaskAlreadyClaimed,
    TaskAlreadyCompleted,
)
from engine.models import COMPLETED, AuditEvent, HumanTask, ProcessInstance, TaskCandidate
from engine.service import Engine

from .helpers import bpmn, flow, linear, user_task

FORM = """
<camunda:formField id="concern" label="Concern" type="string">
  <camunda:validation><camunda:constraint name="required"/>
  <camunda:constraint name="minlength" config="5"/><camunda:constraint name="maxlength" config="20"/>
  </camunda:validation></camunda:formField>
<camunda:formField id="children" label="Children" type="long">
  <camunda:validation><camunda:constraint name="min" config="1"/><camunda:constraint name="max" config="12"/>
  </camunda:validation></camunda:formField>
<camunda:formField id="immediate_risk" label="Immediate risk" type="boolean" defaultValue="false"/>
<camunda:formField id="raised_on" label="Raised on" type="date"/>
<camunda:formField id="stage" label="Stage" type="enum">
  <camunda:value id="informal" name="Informal"/><camunda:value id="managers" name="Managers"/></camunda:formField>
<camunda:formField id="reference" label="Reference" type="string" defaultValue="R-1">
  <camunda:validation><camunda:constraint name="readonly"/></camunda:validation></camunda:formField>
"""


def form_process():
    attrs = (
        'camunda:candidateGroups="practitioner, social-worker" camunda:candidateUsers="sam" '
        'camunda:dueDate="${working_days(2)}" camunda:followUpDate="P1D" camunda:priority="70"'
    )
    return bpmn(
        "raise",
        '<bpmn:startEvent id="start"/>'
        + user_task("record", "Record the difference", attrs, FORM)
        + user_task("after", "Next", 'camunda:assignee="${initiator_name}"')
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "record")
        + flow("record", "after")
        + flow("after", "end"),
        name="Raise a difference",
    )


@pytest.fixture
def raised(scenario):
    scenario.deploy("raise.bpmn", form_process())
    ref = scenario.as_user("pat", "practitioner").start(
        "raise", {"initiator_name": "pat"}, business_key="PD-1", case_ref="CASE-9"
    )
    return ref


def test_a_ready_user_task_is_indexed_with_its_camunda_attributes(engine, raised, clock):
    with engine.db.reading() as session:
        [task] = queries.active_tasks(session)
    assert (task.name, task.status, task.assignee) == ("Record the difference", "open", None)
    assert task.candidate_groups == ["practitioner", "social-worker"]
    assert task.candidate_users == ["sam"]
    assert task.priority == 70
    # 24 Dec, then 29 Dec, at the end of the working day (JOINEDUP_END_OF_DAY, 17:00 UK)
    assert task.due_at.isoformat() == "2026-12-29T17:00:00+00:00"
    assert task.follow_up_at.isoformat() == "2026-12-24T10:00:00+00:00"
    assert (task.case_ref, task.business_key, task.process_name) == (
        "CASE-9",
        "PD-1",
        "Raise a difference",
    )


def test_inbox_shows_tasks_to_candidate_groups_and_users_only(scenario, raised):
    assert len(scenario.as_user("pat", "practitioner").inbox()) == 1
    assert len(scenario.as_user("sam").inbox()) == 1
    assert scenario.as_user("pc", "police").inbox() == []
    assert len(scenario.as_user("pat", "practitioner").inbox(case_ref="CASE-9")) == 1
    assert scenario.as_user("pat", "practitioner").inbox(case_ref="OTHER") == []


def test_claim_unclaim_and_assign(scenario, engine, raised, clock):
    pat, sue = scenario.as_user("pat", "practitioner"), scenario.as_user("sue", "social-worker")
    task_id = pat.task("Record the difference").id
    pat.claim("Record the difference")
    assert sue.inbox() == []
    with pytest.raises(TaskAlreadyClaimed, match="already claimed by pat"):
        engine.claim(task_id, sue.actor)
    with pytest.raises(NotPermitted):
        engine.unclaim(task_id, sue.actor)
    engine.unclaim(task_id, pat.actor)
    with engine.db.unit_of_work() as session:
        people = {
            name: create_user(
                session,
                username=name,
                password="correct horse battery",
                display_name=name,
                agency="adult-mental-health",
                roles=roles,
                team=team,
                now=clock.now(),
            )
            for name, roles, team in [
                ("sue", ["practitioner"], "north"),
                ("mgr", ["manager"], "north"),
                ("other-mgr", ["manager"], "south"),
            ]
        }
        managers = {name: people[name].actor() for name in ("mgr", "other-mgr")}
        create_case(
            session,
            reference="CASE-9",
            family_name="Example",
            now=clock.now(),
            created_by="pat",
            involvements=[{"agency": "adult-mental-health"}],
        )
    with pytest.raises(NotPermitted, match="not in your team"):
        engine.assign(task_id, "sue", managers["other-mgr"])
    with pytest.raises(NotPermitted, match="Only managers"):
        engine.assign(task_id, "sue", pat.actor)
    engine.assign(task_id, "sue", managers["mgr"])
    assert [t.assignee for t in sue.inbox()] == ["sue"]
    with pytest.raises(NotPermitted):
        engine.claim(task_id, Actor.of("pc", "police"))
    with engine.db.reading() as session:
        events = [e.event_type for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert events[-3:] == ["task_claimed", "task_unclaimed", "task_assigned"]


def test_completing_validates_every_field_and_changes_nothing_on_error(scenario, engine, raised):
    pat = scenario.as_user("pat", "practitioner")
    task = pat.task("Record the difference")
    with pytest.raises(InvalidSubmission) as caught:
        engine.complete(
            task.id,
            {
                "concern": "abc",
                "children": "lots",
                "raised_on": "31/02/2026",
                "stage": "court",
                "nonsense": 1,
            },
            pat.actor,
        )
    assert set(caught.value.errors) == {"concern", "children", "raised_on", "stage", "nonsense"}
    assert caught.value.values["children"] == "lots"
    with pytest.raises(InvalidSubmission) as caught:
        engine.complete(task.id, {"children": "0"}, pat.actor)
    assert caught.value.errors == {"concern": "Enter 'Concern'", "children": "Must be 1 or more"}
    assert pat.task("Record the difference").status == "open"


def test_completing_coerces_form_strings_and_keeps_readonly_values(scenario, engine, raised):
    pat = scenario.as_user("pat", "practitioner")
    engine.complete(
        pat.task("Record the difference").id,
        {
            "concern": "  threshold  ",
            "children": "2",
            "immediate_risk": "on",
            "raised_on": "01/12/2026",
            "stage": "informal",
        },
        pat.actor,
    )
    with engine.db.reading() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "task_completed")
        ).one()
    assert event.details["data"] == {
        "concern": "threshold",
        "children": 2,
        "immediate_risk": True,
        "raised_on": "2026-12-01",
        "stage": "informal",
        "reference": "R-1",
    }
    assert event.actor == "pat" and event.case_ref == "CASE-9"
    assert [t.name for t in pat.inbox()] == ["Next"]


def test_completing_a_task_twice_is_a_conflict_that_changes_nothing(scenario, engine, raised):
    pat = scenario.as_user("pat", "practitioner")
    task_id = pat.task("Record the difference").id
    engine.complete(task_id, {"concern": "threshold"}, pat.actor)
    with engine.db.reading() as session:
        version = session.get(ProcessInstance, raised.id).version
    with pytest.raises(TaskAlreadyCompleted, match="already been completed by pat"):
        engine.complete(task_id, {"concern": "threshold"}, pat.actor)
    with engine.db.reading() as session:
        assert session.get(ProcessInstance, raised.id).version == version
        assert session.get(HumanTask, task_id).status == COMPLETED


def test_a_stale_page_cannot_complete_a_task(scenario, engine, raised):
    pat = scenario.as_user("pat", "practitioner")
    task_id = pat.task("Record the difference").id
    engine.claim(task_id, pat.actor)  # does not change the instance version
    with pytest.raises(StaleInstance, match="has changed since you loaded it"):
        engine.complete(
            task_id, {"concern": "threshold"}, pat.actor, expected_version=raised.version - 1
        )
    engine.complete(task_id, {"concern": "threshold"}, pat.actor, expected_version=raised.version)


def test_someone_not_a_candidate_cannot_complete(scenario, engine, raised):
    task_id = scenario.as_user("pat", "practitioner").task("Record the difference").id
    with pytest.raises(NotPermitted):
        engine.complete(task_id, {"concern": "threshold"}, Actor.of("pc", "police"))


def test_two_sessions_complete_the_same_task_and_exactly_one_wins(
    scenario, engine, raised, database_url, clock
):
    task_id = scenario.as_user("pat", "practitioner").task("Record the difference").id
    engines = [Engine(database_url, clock=clock) for _ in range(2)]
    outcomes, barrier = [], threading.Barrier(2)

    def complete(other: Engine, user: str):
        barrier.wait()
        try:
            other.complete(
                task_id, {"concern": f"raised by {user}"}, Actor.of(user, "practitioner")
            )
            outcomes.append("won")
        except (TaskAlreadyCompleted, StaleInstance) as error:
            outcomes.append(type(error).__name__)

    threads = [
        threading.Thread(target=complete, args=(e, u))
        for e, u in zip(engines, ["a", "b"], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes)[-1] == "won" and outcomes.count("won") == 1, outcomes
    with engine.db.reading() as session:
        completions = session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "task_completed")
        ).all()
        assert len(completions) == 1
        assert len(queries.active_tasks(session)) == 1
    for other in engines:
        other.db.dispose()


def test_a_condition_that_does_not_evaluate_is_a_process_error_and_nothing_changes(
    scenario, engine
):
    scenario.deploy(
        "gate.bpmn",
        bpmn(
            "gate",
            '<bpmn:startEvent id="start"/>'
            + user_task("ask", "Ask", 'camunda:candidateGroups="practitioner"')
            + '<bpmn:exclusiveGateway id="gw"/><bpmn:endEvent id="yes"/><bpmn:endEvent id="no"/>'
            + flow("start", "ask")
            + flow("ask", "gw")
            + flow("gw", "yes", "${answer == 'yes'}", "to_yes")
            + flow("gw", "no", "${answer != 'yes'}", "to_no"),
        ),
    )
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("gate")
    with pytest.raises(ProcessError) as caught:
        pat.complete("Ask")
    assert "unknown variable 'answer'" in str(caught.value)
    assert caught.value.element_id == "gw"
    assert [t.name for t in pat.inbox()] == ["Ask"]
    with engine.db.reading() as session:
        errors = session.scalars(select(AuditEvent).where(AuditEvent.event_type == "error")).all()
    assert [e.instance_id for e in errors] == [ref.id]
    assert pat.complete("Ask", answer="yes").status == "completed"


def test_a_task_with_no_form_accepts_any_variables(scenario, engine):
    scenario.deploy("steps.bpmn", linear("steps", "one", "two"))
    pat = scenario.as_user("pat", "practitioner")
    pat.start("steps")
    pat.complete("one", note="free text", count=3)
    assert [t.name for t in pat.inbox()] == ["two"]


def test_the_inbox_index_follows_claims_and_closes_with_the_task(scenario, engine, raised):
    pat = scenario.as_user("pat", "practitioner")
    task_id = pat.task("Record the difference").id

    def offered():
        with engine.db.reading() as session:
            rows = session.scalars(
                select(TaskCandidate).where(TaskCandidate.human_task_id == task_id)
            )
            return sorted((row.kind, row.value, row.offered) for row in rows)

    assert offered() == [
        ("group", "practitioner", True),
        ("group", "social-worker", True),
        ("user", "sam", True),
    ]
    pat.claim("Record the difference")
    assert {flag for _kind, _value, flag in offered()} == {False}
    engine.complete(task_id, {"concern": "threshold"}, pat.actor)
    assert offered() == []


def test_opted_in_a_lane_names_the_candidate_group_when_the_task_names_none(scenario, engine):
    lanes = (
        "<bpmn:extensionElements><camunda:properties>"
        '<camunda:property name="lanes_are_groups" value="true"/>'
        "</camunda:properties></bpmn:extensionElements>"
        '<bpmn:laneSet id="lanes"><bpmn:lane id="lane_mash" name="mash">'
        "<bpmn:flowNodeRef>triage</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
    )
    scenario.deploy(
        "laned.bpmn",
        bpmn(
            "laned",
            lanes
            + '<bpmn:startEvent id="start"/>'
            + user_task("triage", "Triage the referral")
            + '<bpmn:endEvent id="end"/>'
            + flow("start", "triage")
            + flow("triage", "end"),
        ),
    )
    scenario.as_user("pat", "practitioner").start("laned")
    assert [t.candidate_groups for t in scenario.as_user("mo", "mash").inbox()] == [["mash"]]


def test_bpmn_that_references_an_external_entity_is_refused_unread(scenario, engine):
    text = (
        linear("steps", "one")
        .replace(
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n',
        )
        .replace('name="one"', 'name="&x;"')
    )
    with pytest.raises(InvalidDefinition, match="external entity 'x'"):
        scenario.deploy("steps.bpmn", text)

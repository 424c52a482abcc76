"""Partnership assurance dashboard (issue 19 item 7): every figure checked against processes
driven through the engine with known answers, the filters, the CSV export, and who may see it.

The ladder (tests.test_professional_differences): pat (adult mental health) raises differences
with sam (children's social care) from Monday 23 November 2026. The pre-birth families
(tests.test_pre_birth) are due on 3 June 2027, so week 16 of pregnancy is 17 December 2026.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.actors import Actor
from engine.assurance.filters import Filters
from engine.assurance.models import DeadlineResult, InstanceOutcome, Milestone, StagePeriod
from engine.errors import InvalidDefinition, InvalidSubmission, NotFound
from engine.models import ProcessInstance

from .helpers import bpmn, flow, resource, user_task
from .test_pre_birth import family  # noqa: F401 - the fixture
from .test_professional_differences import S1_RAISER, ladder  # noqa: F401 - and the fixture

PD_NAME = "Professional differences (escalation)"


@pytest.fixture
def differences(ladder):  # noqa: F811 - the ladder's people and cases, from 23 November 2026
    return ladder


@pytest.fixture
def pregnancies(family):  # noqa: F811 - make a pre-birth family: pregnancies(ref="PB-1")
    return family


ALL_OF_IT = {"from": "2026-11-01", "to": "2027-12-31"}


def figures(engine, username="chair", **values):
    """The dashboard's tables as {slug: rows} for a person and the filters given."""
    with engine.db.reading() as session:
        from engine.accounts import User

        user = session.scalars(select(User).where(User.username == username)).one()
        actor = user.actor()
    filters = engine.assurance_filters(actor, {**ALL_OF_IT, **values})
    return {table.slug: table for table in engine.assurance_tables(actor, filters)}


def run_three_differences(differences):
    """A to stage 2 with missed stage 1 deadlines, then resolved; B resolved at stage 1;
    C raised and still at stage 1."""
    differences.raise_difference()  # A
    differences.pat.complete(
        S1_RAISER,
        s1_raiser_position="Risk is rising",
        s1_raiser_resolved="no",
        s1_raiser_immediate_risk="no",
    )
    assert differences.at("2026-11-30T17:00:00+00:00") >= 1  # sam never replied: stage 2
    differences.clock.set("2026-12-01T10:00:00+00:00")
    differences.positions(2, "sue", "sen")
    differences.decide(2, "sue", "sen", resolved="yes", agrees="yes")
    assert differences.status() == "completed"
    differences.raise_difference()  # B
    differences.clock.set("2026-12-02T10:00:00+00:00")
    differences.stage1(raiser_resolved="yes", other_resolved="yes")
    assert differences.status() == "completed"
    differences.raise_difference()  # C


def test_escalations_by_highest_stage_and_outcome(differences):
    run_three_differences(differences)
    table = figures(differences.engine)["escalations"]
    assert table.rows == [
        ["Practitioners", "Outcome recorded and shared", 1],
        ["Practitioners", "Still open", 1],
        ["Senior managers", "Outcome recorded and shared", 1],
    ]
    assert table.bars == [("Practitioners", 2), ("Senior managers", 1)]


def test_time_in_each_stage_against_its_timescale(differences):
    run_three_differences(differences)
    table = figures(differences.engine)["stages"]
    # stage 1: A ran out of time after 7 days 8 hours; B was resolved in 1 day, in time
    # stage 2: A resolved after 17 hours, within its 5 working days; C is still in stage 1
    assert table.rows == [
        [PD_NAME, "Practitioners", 2, 4.2, "50%"],
        [PD_NAME, "Senior managers", 1, 0.7, "100%"],
    ]
    assert table.bars == [(f"Practitioners ({PD_NAME})", 50), (f"Senior managers ({PD_NAME})", 100)]


def test_deadlines_met_and_missed_by_the_agency_that_owned_them(differences):
    run_three_differences(differences)
    table = figures(differences.engine)["deadlines"]
    # missed: sam's reply, cut off by the stage 1 time limit; C's stage 1 tasks are still
    # open, so they count for nobody yet
    assert table.rows == [
        ["Adult mental health", PD_NAME, 7, 0, "100%"],
        ["Children's social care", PD_NAME, 3, 1, "75%"],
    ]
    assert table.bars == [("Adult mental health", 100), ("Children's social care", 75)]
    with differences.engine.db.reading() as session:
        [missed] = session.scalars(select(DeadlineResult).where(DeadlineResult.met.is_(False)))
    assert (missed.agency, missed.due_at, missed.closed_at) == (
        "childrens-social-care",
        datetime(2026, 11, 26, 17, 0, tzinfo=missed.due_at.tzinfo),  # 3 working days
        datetime(2026, 11, 30, 17, 0, tzinfo=missed.due_at.tzinfo),  # the stage ran out
    )


def test_the_agency_filter_keeps_what_that_agency_took_part_in(differences):
    run_three_differences(differences)
    tables = figures(differences.engine, agency="childrens-social-care")
    assert tables["deadlines"].rows == [["Children's social care", PD_NAME, 3, 1, "75%"]]
    assert len(tables["escalations"].rows) == 3  # the challenged agency is a party to each
    nothing = figures(differences.engine, agency="drug-and-alcohol")
    assert all(table.rows == [] for table in nothing.values())


def test_the_period_filter_counts_what_ended_or_fell_due_in_it(differences):
    run_three_differences(differences)
    tables = figures(differences.engine, **{"from": "2026-12-02", "to": "2026-12-31"})
    # A ended on 1 December: only B's outcome, and C still open
    assert tables["escalations"].rows == [
        ["Practitioners", "Outcome recorded and shared", 1],
        ["Practitioners", "Still open", 1],
    ]
    assert tables["stages"].rows == [[PD_NAME, "Practitioners", 1, 1.0, "100%"]]
    before = figures(differences.engine, **{"from": "2026-01-01", "to": "2026-10-31"})
    assert all(table.rows == [] for slug, table in before.items() if slug != "escalations")
    assert before["escalations"].rows == []  # C was raised after the period


def test_pre_birth_timeliness_with_a_referral_at_eighteen_weeks(pregnancies):
    late = pregnancies(ref="PB-1")
    late.clock.set("2026-12-31T10:00:00+00:00")  # week 18: two weeks late
    late.refer()
    late.threshold("early-help")
    assert late.status() == "completed"
    # (the people's inboxes are by task name: the other family's work comes after this one's)
    on_time = pregnancies(ref="PB-2")
    on_time.clock.set("2026-12-10T10:00:00+00:00")  # week 15
    on_time.refer()
    on_time.threshold("statutory-assessment")
    tables = figures_of(late.engine, Actor.of("chair", "board-chair"), **ALL_OF_IT)
    assert tables["pre-birth"].rows == [
        ["Referral to children's social care", 1, 1, 0, 0, 0, "50%"],
        ["Assessment complete and authorised", 0, 0, 0, 1, 1, "None due yet"],
        ["Child protection conference held", 0, 0, 0, 1, 1, "None due yet"],
    ]
    assert tables["pre-birth"].bars == [("Referral to children's social care", 50)]
    with late.engine.db.reading() as session:
        referral = session.scalars(select(Milestone).where(Milestone.position == 0)).first()
    assert referral.due_at == datetime(2026, 12, 17, 23, 59, 59, tzinfo=referral.due_at.tzinfo)


def test_transition_milestones_met_late_overdue_and_not_yet_due(differences):
    """Milestone rows as the transition process writes them (one instance stands in)."""
    differences.raise_difference()
    now = differences.clock.now()
    rows = [  # position, name, due and reached (days from now; None: not reached)
        (0, "Transition planning meeting held", -10, -11),
        (0, "Transition planning meeting held", -10, -2),
        (3, "Eligibility decided", -1, None),
        (4, "Adult plan agreed", 40, None),
    ]
    with differences.engine.db.unit_of_work() as session:
        for position, name, due, reached in rows:
            session.add(
                Milestone(
                    instance_id=differences.instance_id,
                    process_key="transition-to-adulthood",
                    agency="childrens-social-care",
                    position=position,
                    name=name,
                    element_id="x",
                    due_at=now + timedelta(days=due),
                    reached_at=None if reached is None else now + timedelta(days=reached),
                )
            )
    tables = figures(differences.engine)
    assert tables["transition"].rows == [
        ["Transition planning meeting held", 1, 1, 0, 0, 0, "50%"],
        ["Eligibility decided", 0, 0, 1, 0, 0, "0%"],
        ["Adult plan agreed", 0, 0, 0, 0, 1, "None due yet"],
    ]


def figures_of(engine, actor, **values):
    filters = engine.assurance_filters(actor, values)
    return {table.slug: table for table in engine.assurance_tables(actor, filters)}


# --- who sees it ------------------------------------------------------------------------------


def test_a_head_of_service_sees_their_own_agencys_figures_only(differences):
    run_three_differences(differences)
    tables = figures(differences.engine, "hos", agency="adult-mental-health")  # asks for another's
    assert tables["deadlines"].rows == [["Children's social care", PD_NAME, 3, 1, "75%"]]
    hal = differences.hal.actor
    with pytest.raises(NotFound):  # filters made for someone else's agency are refused
        differences.engine.assurance_tables(hal, Filters(date(2026, 11, 1), date(2026, 12, 31)))


@pytest.mark.parametrize("who", ["pat", "sue", "amy"])
def test_anyone_else_is_told_it_does_not_exist(differences, who):
    actor = getattr(differences, who).actor
    with pytest.raises(NotFound):
        differences.engine.assurance_filters(actor, {})
    with pytest.raises(NotFound):
        differences.engine.assurance_tables(actor, Filters(date(2026, 1, 1), date(2026, 12, 31)))
    assert not differences.engine.may_see_assurance(actor)


def test_bad_filters_name_each_field(differences):
    chair = differences.chair.actor
    with pytest.raises(InvalidSubmission) as error:
        differences.engine.assurance_filters(
            chair, {"from": "31/12/2026", "to": "soon", "agency": "x"}
        )
    assert set(error.value.errors) == {"from", "to", "agency"}
    with pytest.raises(InvalidSubmission) as error:
        differences.engine.assurance_filters(chair, {"from": "2026-12-02", "to": "2026-12-01"})
    assert error.value.errors == {"from": "Date from must be the same as or before date to"}
    default = differences.engine.assurance_filters(chair, {})
    assert (default.start, default.end) == (date(2025, 11, 23), date(2026, 11, 23))


# --- the page and its CSV -----------------------------------------------------------------------


@pytest.fixture
def demo_facts(app):
    """The demo's difference described, then left to run out of time at stage 1."""
    from webapp import engine_of

    from .test_professional_differences import DIFFERENCE
    from .test_web import DESCRIBE, complete

    complete(app, "pat", DESCRIBE, **DIFFERENCE)
    engine = engine_of(app)
    engine.clock.set("2026-12-07T17:00:00+00:00")
    assert engine.fire_due_timers() >= 1
    with engine.db.reading() as session:
        assert session.scalars(select(StagePeriod)).first() is not None
    return engine


def test_the_chair_sees_every_table_beside_its_chart(app, web, demo_facts):
    html = web("chair").get("/assurance?from=2026-11-01&to=2026-12-31").get_data(as_text=True)
    for slug in ("escalations", "stages", "deadlines", "pre-birth", "transition"):
        assert f'id="chart-{slug}"' in html and f'id="table-{slug}"' in html
        assert f"/assurance/{slug}.csv?from=2026-11-01&amp;to=2026-12-31" in html
    # the demo's difference ran out of time at stage 1 and is open at stage 2
    assert '<th scope="row" class="govuk-table__header">Senior managers</th>' in html
    assert "Still open" in html
    assert "DEMO-001" not in html and "Taylor" not in html  # the system, not a family
    assert ">Assurance<" in html  # in the navigation


def test_the_csv_has_the_tables_figures(app, web, demo_facts):
    response = web("pbm").get("/assurance/deadlines.csv?from=2026-11-01&to=2026-12-31")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "Agency,Process,Met,Missed,Met on time"
    assert any(line.startswith("Children's social care,") for line in lines[1:])
    assert web("pbm").get("/assurance/nothing.csv").status_code == 404


def test_a_bad_period_keeps_what_was_typed_and_says_what_is_wrong(app, web):
    response = web("chair").get("/assurance?from=tomorrow&to=2026-12-31")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html and "Date from must be a real date" in html
    assert 'value="tomorrow"' in html and 'value="2026-12-31"' in html


@pytest.mark.parametrize("who", ["pat", "cal", "owner", "admin"])
def test_the_page_and_csv_do_not_exist_for_anyone_else(app, web, who):
    client = web(who)
    assert client.get("/assurance").status_code == 404
    assert client.get("/assurance/deadlines.csv").status_code == 404
    assert ">Assurance<" not in client.get("/inbox").get_data(as_text=True)


def test_a_head_of_service_page_names_their_agency_and_offers_no_other(app, web, demo_facts):
    html = web("hos").get("/assurance?agency=adult-mental-health").get_data(as_text=True)
    assert "Figures for Children&#39;s social care, your agency." in html
    assert 'name="agency"' not in html


def test_outcomes_are_written_once_with_the_instance(differences):
    differences.raise_difference()
    differences.engine.cancel(differences.instance_id, Actor.engine(), "Raised in error")
    with differences.engine.db.reading() as session:
        [outcome] = session.scalars(select(InstanceOutcome)).all()
        instance = session.get(ProcessInstance, differences.instance_id)
    assert (outcome.outcome, outcome.top_stage, outcome.ended_at) == (
        "Cancelled",
        1,
        instance.ended_at,
    )


def test_a_timer_batch_reads_each_instances_outcome_facts_as_its_own_step_would(differences):
    from engine.assurance.facts import (
        _OUTCOME_AND_HIGHEST_STAGE,
        BATCH_OUTCOMES,
        read_batch_outcomes,
    )

    run_three_differences(differences)  # ended at stage 2, ended at stage 1, running at stage 1
    with differences.engine.db.reading() as session:
        ids = list(session.scalars(select(ProcessInstance.id)))
        one_by_one = {
            key: tuple(session.execute(_OUTCOME_AND_HIGHEST_STAGE, {"instance": key}).one())
            for key in ids
        }
        read_batch_outcomes(session, ids)
        assert session.info[BATCH_OUTCOMES] == one_by_one
    assert sorted(one_by_one.values(), key=str) == [
        (False, 1, "Practitioners"),
        (True, 1, "Practitioners"),
        (True, 2, "Senior managers"),
    ]


# --- backfill ------------------------------------------------------------------------------------


def test_the_backfill_rebuilds_deadlines_stages_and_outcomes_from_the_rows(
    differences, database_url
):
    from click.testing import CliRunner
    from sqlalchemy import delete

    from engine.cli import main

    run_three_differences(differences)
    engine = differences.engine
    models = (DeadlineResult, StagePeriod, InstanceOutcome)
    with engine.db.reading() as session:
        before = {model: _facts(session, model) for model in models}
    with engine.db.unit_of_work() as session:
        for model in models:
            session.execute(delete(model))
    runner = CliRunner()
    result = runner.invoke(main, ["--database", database_url, "assurance-backfill"])
    assert result.output == "11 deadlines, 4 stages, 2 outcomes\n"
    again = runner.invoke(main, ["--database", database_url, "assurance-backfill"])
    assert again.output == "0 deadlines, 0 stages, 0 outcomes\n"
    with engine.db.reading() as session:
        after = {model: _facts(session, model) for model in models}
    assert after[DeadlineResult] == before[DeadlineResult]
    # stages: the same periods, but the challenged agency is not on the task rows
    assert after[StagePeriod] == [{**row, "other_agency": None} for row in before[StagePeriod]]
    assert [(row["top_stage_name"], row["outcome"]) for row in after[InstanceOutcome]] == [
        ("Senior managers", "Ended before the dashboard"),
        ("Practitioners", "Ended before the dashboard"),
    ]
    assert figures(engine)["deadlines"].rows == [
        ["Adult mental health", PD_NAME, 7, 0, "100%"],
        ["Children's social care", PD_NAME, 3, 1, "75%"],
    ]


def _facts(session, model) -> list[dict]:
    """The rows without their ids, in a stable order."""
    rows = [
        {k: v for k, v in vars(row).items() if not k.startswith("_") and k != "id"}
        for row in session.scalars(select(model))
    ]
    return sorted(rows, key=lambda r: (r["instance_id"], r.get("task_id", 0), r.get("stage", 0)))


# --- declaring milestones --------------------------------------------------------------------


def _milestone_process(value: str) -> str:
    properties = (
        '<bpmn:extensionElements><camunda:properties><camunda:property name="milestones" '
        f'value="{value}"/></camunda:properties></bpmn:extensionElements>'
    )
    body = (
        properties
        + '<bpmn:startEvent id="start"/>'
        + user_task("visit", "Visit", 'camunda:candidateGroups="practitioner"')
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "visit")
        + flow("visit", "end")
    )
    return bpmn("visits", body, name="Visits")


def test_a_declared_milestone_is_due_from_its_variable_and_reached_with_its_element(engine):
    engine.deploy([resource("visits.bpmn", _milestone_process("First visit=visit_by@visit"))])
    started = engine.start(
        "visits", {"visit_by": "2027-01-15"}, actor=Actor.of("p", "practitioner")
    )
    [task] = engine.tasks_for_user(Actor.of("p", "practitioner"))
    engine.complete(task.id, {}, Actor.of("p", "practitioner"))
    with engine.db.reading() as session:
        [row] = session.scalars(select(Milestone)).all()
    assert (row.instance_id, row.name, row.element_id) == (started.id, "First visit", "visit")
    assert row.reached_at == engine.clock.now()
    # a date is due by the end of that day in the UK (GMT in January)
    assert row.due_at == datetime(2027, 1, 15, 23, 59, 59, tzinfo=row.due_at.tzinfo)
    assert row.due_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("First visit by visit_by", "is not a milestone: write Name=due_variable@element_id"),
        ("First visit=visit_by@nowhere", "reached at 'nowhere', which is no task"),
        ("First visit=visit_by@start", "reached at 'start', which is no task"),
    ],
)
def test_a_malformed_milestone_is_refused_at_deploy_naming_it(engine, value, message):
    with pytest.raises(InvalidDefinition) as refused:
        engine.deploy([resource("visits.bpmn", _milestone_process(value))])
    assert message in str(refused.value) and "visits.bpmn" in str(refused.value)


def test_facts_go_with_the_rows_they_are_about(differences):
    """Retention that deletes a task (or an instance) deletes its facts with it."""
    from sqlalchemy import delete

    from engine.models import HumanTask, TaskCandidate

    differences.raise_difference()
    engine = differences.engine
    with engine.db.reading() as session:
        [result] = session.scalars(select(DeadlineResult)).all()
    with engine.db.unit_of_work() as session:
        session.execute(delete(TaskCandidate).where(TaskCandidate.human_task_id == result.task_id))
        session.execute(delete(HumanTask).where(HumanTask.id == result.task_id))
    with engine.db.reading() as session:
        assert session.scalars(select(DeadlineResult)).all() == []


def test_the_dashboard_and_its_csv_never_load_a_workflow(app, web, demo_facts, monkeypatch):
    from engine.dialect.serializer import StateSerializer

    def refuse(*args, **kwargs):
        raise AssertionError("the dashboard loaded a workflow's state")

    monkeypatch.setattr(StateSerializer, "loads", refuse)
    chair, period = web("chair"), "from=2026-11-01&to=2026-12-31"
    assert chair.get(f"/assurance?{period}").status_code == 200
    for slug in ("escalations", "stages", "deadlines", "pre-birth", "transition"):
        assert chair.get(f"/assurance/{slug}.csv?{period}").status_code == 200, slug

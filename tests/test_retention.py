"""Retention: ended instances and closed cases purged by policy, legal holds, corrections.

Instances are kept for their definition's ``camunda:historyTimeToLive`` (as Camunda 7 reads
it) and removed exactly at end time + time to live; closed cases for their type's years. A
legal hold stops both; a purge run leaves a report without names and one audit row.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from engine.access_audit import AccessEvent
from engine.actors import Actor
from engine.cases import CaseInvolvement, FamilyCase, FamilyMember, create_case
from engine.cli import main
from engine.demo import DEMO_CASE
from engine.errors import Conflict, InvalidDefinition, InvalidSubmission, NotFound, NotPermitted
from engine.models import AuditEvent, Definition, HumanTask, ProcessInstance
from engine.retention import EntryCorrection, LegalHold, PurgeItem, PurgeRun, RetentionPolicy
from engine.retention.policy import add_years
from engine.retention.ttl import ttl_days
from webapp import engine_of

from .helpers import bpmn, flow, user_task
from .test_browser import browser, server  # noqa: F401 - fixtures used below
from .test_professional_differences import DIFFERENCE
from .test_web import DESCRIBE, actor_of, complete

ADMIN = Actor.of("ade", "admin")
PAT = Actor.of("pat", "practitioner")
HOLD_REASON = "Disclosure in care proceedings, case number ZW26C00123"
CONCERN = '<camunda:formField id="concern" label="Concern" type="string"/>'


def screening(process_id: str = "screening", ttl: str | None = "30") -> str:
    """One user task with a form field; ``camunda:historyTimeToLive`` set to ``ttl``."""
    attribute = f' camunda:historyTimeToLive="{ttl}"' if ttl is not None else ""
    text = bpmn(
        process_id,
        '<bpmn:startEvent id="start"/>'
        + user_task(
            "screen", "Screen the referral", 'camunda:candidateGroups="practitioner"', CONCERN
        )
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "screen")
        + flow("screen", "end"),
    )
    return text.replace(f'id="{process_id}" ', f'id="{process_id}"{attribute} ', 1)


def new_case(engine, reference: str, case_type: str = "family") -> None:
    with engine.db.unit_of_work() as session:
        case = create_case(
            session,
            reference=reference,
            family_name="Example",
            now=engine.clock.now(),
            created_by="sam",
            members=[{"name": "Alex Example", "kind": "adult"}],
            involvements=[{"agency": "adult-mental-health"}],
        )
        case.case_type = case_type


def close(engine, reference: str) -> None:
    engine.close_case(reference, "The family moved away", Actor.engine("sam"))


def finished_instance(scenario, case_ref: str | None = None, concern: str = "Missed visits"):
    """Start and complete one screening; returns its instance id and end time."""
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("screening", case_ref=case_ref)
    pat.complete("Screen the referral", concern=concern)
    with scenario.engine.db.reading() as session:
        instance = session.get(ProcessInstance, ref.id)
        assert instance.status == "completed"
        return instance.id, instance.ended_at


def count(engine, model, *where) -> int:
    with engine.db.reading() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def instance_rows(engine, instance_id: int) -> int:
    """Rows left anywhere keyed to the instance."""
    return sum(
        count(engine, model, model.instance_id == instance_id) for model in (HumanTask, AuditEvent)
    ) + count(engine, ProcessInstance, ProcessInstance.id == instance_id)


# --- camunda:historyTimeToLive --------------------------------------------------------------


def test_time_to_live_is_read_as_camunda_7_reads_it():
    assert [ttl_days(text) for text in ("180", "P180D", " 0 ", None, "")] == [
        180,
        180,
        0,
        None,
        None,
    ]
    assert ttl_days("P6M") is None and ttl_days("six months") is None


def test_each_definition_version_stores_its_time_to_live(scenario):
    scenario.deploy("screening.bpmn", screening(ttl="P30D"))
    scenario.deploy("screening.bpmn", screening(ttl=None))
    scenario.deploy("other.bpmn", screening("other", ttl="7"))
    with scenario.engine.db.reading() as session:
        rows = session.execute(
            select(Definition.key, Definition.version, Definition.history_ttl_days).order_by(
                Definition.id
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        ("screening", 1, 30),
        ("screening", 2, None),
        ("other", 1, 7),
    ]


@pytest.mark.parametrize("bad", ["P6M", "six months", "PT24H", "-5", "P1.5D"])
def test_a_time_to_live_that_is_not_days_is_refused_at_deploy_with_file_element_and_line(
    scenario, bad
):
    with pytest.raises(InvalidDefinition) as refused:
        scenario.deploy("screening.bpmn", screening(ttl=bad))
    [problem] = refused.value.problems
    assert problem.file == "screening.bpmn"
    assert problem.element_id == "screening"
    assert problem.line == 3
    assert f"history time to live '{bad}' is not a number of days" in problem.message
    assert count(scenario.engine, Definition) == 0


# --- instances ----------------------------------------------------------------------------


def test_an_ended_instance_is_purged_exactly_at_its_removal_time(scenario, clock):
    engine = scenario.engine
    scenario.deploy("screening.bpmn", screening(ttl="30"))
    instance_id, ended_at = finished_instance(scenario)
    clock.set(ended_at + timedelta(days=30) - timedelta(seconds=1))
    assert engine.purge().items == []
    assert instance_rows(engine, instance_id) > 0
    clock.set(ended_at + timedelta(days=30))
    result = engine.purge()
    assert [(item.kind, item.key) for item in result.items] == [
        ("instance", f"{instance_id} screening")
    ]
    assert instance_rows(engine, instance_id) == 0


def test_a_running_instance_is_never_purged(scenario, clock):
    scenario.deploy("screening.bpmn", screening(ttl="0"))
    scenario.as_user("pat", "practitioner").start("screening")
    clock.advance(days=3650)
    assert scenario.engine.purge().items == []
    assert count(scenario.engine, ProcessInstance) == 1


def test_without_a_time_to_live_the_partnerships_default_applies_or_it_is_kept(scenario, clock):
    engine = scenario.engine
    scenario.deploy("screening.bpmn", screening(ttl=None))
    instance_id, ended_at = finished_instance(scenario)
    clock.set(ended_at + timedelta(days=36500))
    assert engine.purge().items == []  # no default: kept for ever
    engine.retention_policy = RetentionPolicy(default_ttl_days=365)
    [item] = engine.purge().items
    assert item.rule == "partnership default 365 days (screening v1)"
    assert instance_rows(engine, instance_id) == 0


def test_the_policy_comes_from_settings_and_refuses_nonsense():
    policy = RetentionPolicy.from_env(
        {"JOINEDUP_HISTORY_TTL_DAYS": "730", "JOINEDUP_RETENTION_YEARS_ADULT": "never"}
    )
    assert policy.default_ttl_days == 730
    assert dict(policy.case_years) == {"family": 25}
    assert dict(RetentionPolicy.from_env({}).case_years) == {"family": 25, "adult": 8}
    with pytest.raises(ValueError, match="JOINEDUP_RETENTION_YEARS_FAMILY is 'ten'"):
        RetentionPolicy.from_env({"JOINEDUP_RETENTION_YEARS_FAMILY": "ten"})


def test_an_instance_on_a_case_is_kept_with_the_case_not_by_its_time_to_live(scenario, clock):
    engine = scenario.engine
    scenario.deploy("screening.bpmn", screening(ttl="1"))
    new_case(engine, "KEEP-1", "adult")
    on_case, _ = finished_instance(scenario, "KEEP-1")
    on_no_case, _ = finished_instance(scenario)
    clock.advance(days=30)
    assert [item.key for item in engine.purge().items] == [f"{on_no_case} screening"]
    assert instance_rows(engine, on_case) > 0  # the open case's record keeps its process history
    close(engine, "KEEP-1")
    clock.advance(days=366 * 8)
    items = [(item.key, item.rule) for item in engine.purge().items]
    assert items == [("KEEP-1", "adult cases: 8 years after closure"),
                     (f"{on_case} screening", "with case KEEP-1")]  # fmt: skip


# --- cases --------------------------------------------------------------------------------


def test_closed_cases_are_purged_by_their_type_with_everything_keyed_to_them(scenario, clock):
    engine = scenario.engine
    scenario.deploy("screening.bpmn", screening(ttl=None))  # instances kept: the case rules
    new_case(engine, "FAM-1", "family")
    new_case(engine, "ADU-1", "adult")
    on_adult, _ = finished_instance(scenario, "ADU-1")
    close(engine, "FAM-1")
    close(engine, "ADU-1")
    closed = clock.now()
    clock.set(add_years(closed, 8) - timedelta(seconds=1))
    assert engine.purge().items == []
    clock.set(add_years(closed, 8))
    items = [(item.kind, item.key, item.rule) for item in engine.purge().items]
    assert items == [
        ("case", "ADU-1", "adult cases: 8 years after closure"),
        ("instance", f"{on_adult} screening", "with case ADU-1"),
    ]
    assert count(engine, FamilyCase, FamilyCase.reference == "ADU-1") == 0
    assert count(engine, CaseInvolvement, CaseInvolvement.case_ref == "ADU-1") == 0
    assert count(engine, AuditEvent, AuditEvent.case_ref == "ADU-1") == 0
    assert instance_rows(engine, on_adult) == 0
    assert count(engine, FamilyMember) == 1  # the family case's member is still there
    clock.set(add_years(closed, 25))
    assert [item.key for item in engine.purge().items] == ["FAM-1"]
    assert count(engine, FamilyCase) == count(engine, FamilyMember) == 0


def test_an_open_case_or_one_with_a_running_process_is_not_purged(scenario, clock):
    engine = scenario.engine
    scenario.deploy("screening.bpmn", screening(ttl=None))
    new_case(engine, "OPEN-1", "adult")
    new_case(engine, "BUSY-1", "adult")
    scenario.as_user("pat", "practitioner").start("screening", case_ref="BUSY-1")
    with engine.db.unit_of_work() as session:  # closed while busy (closing refuses it now)
        busy = session.scalars(select(FamilyCase).where(FamilyCase.reference == "BUSY-1")).one()
        busy.status, busy.closed_at = "closed", engine.clock.now()
    clock.advance(days=366 * 30)
    assert engine.purge().items == []
    assert count(engine, FamilyCase) == 2


# --- legal hold ---------------------------------------------------------------------------


def test_a_legal_hold_stops_the_case_and_its_instances_being_purged_until_lifted(scenario, clock):
    engine = scenario.engine
    scenario.deploy("screening.bpmn", screening(ttl="1"))
    new_case(engine, "HELD-1", "adult")
    instance_id, _ = finished_instance(scenario, "HELD-1")
    engine.place_legal_hold("HELD-1", HOLD_REASON, ADMIN)
    close(engine, "HELD-1")
    clock.advance(days=366 * 9)
    assert engine.purge(dry_run=True).items == []
    assert engine.purge().items == []
    assert instance_rows(engine, instance_id) > 0
    timeline = engine.case_timeline("HELD-1", Actor.engine())
    assert [e.details["reason"] for e in timeline if e.event_type == "legal_hold_placed"] == [
        HOLD_REASON
    ]
    engine.lift_legal_hold("HELD-1", "Proceedings concluded on 1 March", ADMIN)
    kinds = [(item.kind, item.rule) for item in engine.purge().items]
    assert kinds == [
        ("case", "adult cases: 8 years after closure"),
        ("instance", "with case HELD-1"),
    ]
    assert instance_rows(engine, instance_id) == 0


def test_only_administrators_place_holds_and_bad_requests_say_why(scenario):
    engine = scenario.engine
    new_case(engine, "C-1")
    with pytest.raises(NotFound):
        engine.place_legal_hold("C-1", HOLD_REASON, PAT)
    with pytest.raises(InvalidSubmission) as short:
        engine.place_legal_hold("C-1", "because", ADMIN)
    assert "reason" in short.value.errors
    with pytest.raises(InvalidSubmission) as unknown:
        engine.place_legal_hold("NOPE", HOLD_REASON, ADMIN)
    assert "case_ref" in unknown.value.errors
    engine.place_legal_hold("C-1", HOLD_REASON, ADMIN)
    with pytest.raises(Conflict):
        engine.place_legal_hold("C-1", HOLD_REASON, ADMIN)
    with pytest.raises(NotFound):
        engine.lift_legal_hold("C-1", "No longer needed now", PAT)
    assert count(engine, LegalHold) == 1


# --- runs, dry run, report, CLI -------------------------------------------------------------


def test_a_dry_run_lists_what_would_go_and_writes_nothing(scenario, clock):
    engine = scenario.engine
    scenario.deploy("screening.bpmn", screening(ttl="10"))
    instance_id, _ = finished_instance(scenario)
    clock.advance(days=11)
    result = engine.purge(dry_run=True)
    assert result.run_id is None and [item.id for item in result.items] == [instance_id]
    assert count(engine, PurgeRun) == 0 and instance_rows(engine, instance_id) > 0


def test_each_run_leaves_a_report_without_names_and_one_audit_row(scenario, clock):
    engine = scenario.engine
    scenario.deploy("screening.bpmn", screening(ttl="10"))
    new_case(engine, "R-1", "adult")
    first, ended = finished_instance(scenario)
    on_case, _ = finished_instance(scenario, "R-1", concern="Alex Example was not at home")
    close(engine, "R-1")
    clock.advance(days=366 * 9)
    result = engine.purge()
    with engine.db.reading() as session:
        run = session.get(PurgeRun, result.run_id)
        items = session.scalars(select(PurgeItem).order_by(PurgeItem.id)).all()
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.event_type == "retention_purge")
        ).all()
    assert (run.run_by, run.cases, run.instances) == ("system:retention", 1, 2)
    assert [(i.kind, i.key, i.rule) for i in items] == [
        ("case", "R-1", "adult cases: 8 years after closure"),
        ("instance", f"{on_case} screening", "with case R-1"),
        ("instance", f"{first} screening", "historyTimeToLive 10 days (screening v1)"),
    ]
    assert items[2].ended_at == ended
    assert not any("Alex" in f"{i.key} {i.rule}" for i in items)
    [row] = audit
    assert count(engine, AuditEvent, AuditEvent.instance_id.is_not(None)) == 0
    assert (row.event_type, row.details) == (
        "retention_purge",
        {"run_id": run.id, "instances": 2, "cases": 1},
    )


def test_joinedup_purge_on_the_command_line(database_url):
    from engine.service import Engine

    from .helpers import Scenario

    engine = Engine(database_url)  # the wall clock, as the command line's engine has
    scenario = Scenario(engine, engine.clock)
    scenario.deploy("screening.bpmn", screening(ttl="0"))
    instance_id, _ = finished_instance(scenario)

    def invoke(*args):
        return CliRunner().invoke(main, ["--database", database_url, *args])

    dry = invoke("purge", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"instance\t{instance_id} screening\t" in dry.output
    assert "0 cases and 1 instances would be purged" in dry.output
    assert instance_rows(engine, instance_id) > 0
    done = invoke("purge", "--as", "ade")
    assert done.exit_code == 0, done.output
    assert "0 cases and 1 instances purged (report 1)" in done.output
    assert instance_rows(engine, instance_id) == 0
    with engine.db.reading() as session:
        assert session.scalars(select(PurgeRun.run_by)).all() == ["ade"]
    engine.db.dispose()


def test_the_scheduler_purges_every_night(engine):
    from notifications.scheduler import BackgroundJobs, build_scheduler

    jobs = BackgroundJobs(engine)
    scheduler = build_scheduler(jobs)
    assert str(scheduler.get_job("purge").trigger) == "cron[hour='2']"
    assert jobs.purge().run_id == 1


# --- pages and API ------------------------------------------------------------------------


def test_administrators_see_the_policy_what_goes_soon_and_past_runs(app, web):
    engine_of(app).purge(actor_of(app, "admin"))
    page = web("admin").get("/admin/retention")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Kept for 25 years after the case closed" in text
    assert "Kept for 8 years after the case closed" in text
    assert "for ever (no partnership default is set)" in text
    assert "Report 1" in text
    report = web("admin").get("/admin/retention/runs/1")
    assert report.status_code == 200 and "Nothing was due." in report.get_data(as_text=True)
    for url in ("/admin/retention", "/admin/retention/runs/1"):
        assert web("pat").get(url).status_code == 404
    assert 'href="/admin/retention"' in web("admin").get("/inbox").get_data(as_text=True)
    assert 'href="/admin/retention"' not in web("pat").get("/inbox").get_data(as_text=True)


def test_a_hold_is_placed_and_lifted_on_the_page_and_shown_on_the_case(app, web):
    admin = web("admin")
    short = admin.post("/admin/retention/holds", {"case_ref": DEMO_CASE, "reason": "court"})
    text = short.get_data(as_text=True)
    assert short.status_code == 422
    assert "There is a problem" in text and "at least 10 characters" in text
    assert f'value="{DEMO_CASE}"' in text and ">court</textarea>" in text
    placed = admin.post("/admin/retention/holds", {"case_ref": DEMO_CASE, "reason": HOLD_REASON})
    assert placed.status_code == 302
    assert HOLD_REASON in admin.get("/admin/retention").get_data(as_text=True)
    assert "under a legal hold" in web("pat").get(f"/cases/{DEMO_CASE}").get_data(as_text=True)
    lift = f"/admin/retention/holds/{DEMO_CASE}/lift"
    assert admin.post(lift, {"lift_reason": "done"}).status_code == 422
    assert admin.post(lift, {"lift_reason": "Proceedings concluded"}).status_code == 302
    assert "under a legal hold" not in web("pat").get(f"/cases/{DEMO_CASE}").get_data(as_text=True)
    assert web("pat").post("/admin/retention/holds", {"case_ref": DEMO_CASE}).status_code == 404


def test_the_api_places_and_lifts_a_legal_hold(api):
    url = f"/api/v1/cases/{DEMO_CASE}/legal-hold"
    placed = api("POST", url, "admin", json={"reason": HOLD_REASON})
    assert placed.status_code == 201
    assert (placed.json["placed_by"], placed.json["lifted_at"]) == ("admin", None)
    assert api("POST", url, "admin", json={"reason": HOLD_REASON}).status_code == 409
    assert api("POST", url, "pat", json={"reason": HOLD_REASON}).status_code == 404
    assert (
        api(
            "POST", "/api/v1/cases/NOPE/legal-hold", "admin", json={"reason": HOLD_REASON}
        ).status_code
        == 422
    )
    short = api("DELETE", url, "admin", json={"reason": "x"})
    assert short.status_code == 422 and "reason" in str(short.json)
    lifted = api("DELETE", url, "admin", json={"reason": "Proceedings concluded"})
    assert lifted.status_code == 200 and lifted.json["lifted_by"] == "admin"
    assert api("DELETE", url, "admin", json={"reason": "Proceedings concluded"}).status_code == 404


def recorded_entry(app) -> int:
    """Pat raises a professional difference on the demo case; the id of the case record."""
    complete(app, "pat", DESCRIBE, **DIFFERENCE)
    with engine_of(app).db.reading() as session:
        return session.scalars(
            select(AuditEvent.id).where(
                AuditEvent.event_type == "case_record", AuditEvent.actor == "pat"
            )
        ).one()


def test_the_recorder_corrects_an_answer_and_the_original_stays_visible(app, web):
    entry_id = recorded_entry(app)
    pat = web("pat")
    url = f"/entries/{entry_id}/correct"
    assert pat.get(url).status_code == 200
    missing = pat.post(url, {"field": "tried", "value": "Discussed in person on Monday"})
    assert missing.status_code == 422
    assert "Discussed in person on Monday" in missing.get_data(as_text=True)
    done = pat.post(
        url,
        {
            "field": "tried",
            "value": "Discussed in person on Monday",
            "reason": "I recorded the wrong day and the wrong way we talked",
        },
    )
    assert done.status_code == 302
    for page in (done.headers["Location"], f"/cases/{DEMO_CASE}"):
        text = pat.get(page).get_data(as_text=True)
        assert "Discussed in person on Monday" in text
        assert "corrected by Pat Practitioner on" in text
        assert "originally: Discussed by phone on Friday; no agreement." in text
    with engine_of(app).db.reading() as session:
        entry = session.get(AuditEvent, entry_id)
        [row] = session.scalars(select(EntryCorrection)).all()
        kinds = session.scalars(
            select(AuditEvent.event_type).where(AuditEvent.instance_id == entry.instance_id)
        ).all()
    assert entry.details["tried"] == DIFFERENCE["tried"]  # the original is kept
    assert (row.original, row.corrected) == (
        {"value": DIFFERENCE["tried"]},
        {"value": "Discussed in person on Monday"},
    )
    assert "entry_corrected" in kinds
    with engine_of(app).db.reading() as session:
        looks = session.scalars(
            select(AccessEvent.what).where(
                AccessEvent.actor == "pat", AccessEvent.event_type == "record_viewed"
            )
        ).all()
    assert looks and all(what.startswith("Case record: ") for what in looks)


def test_a_manager_of_the_recorders_agency_may_correct_and_nobody_else(app, api):
    entry_id = recorded_entry(app)
    url = f"/api/v1/entries/{entry_id}/corrections"
    body = {"field": "concern_type", "value": "role", "reason": "Amy checked it with Pat today"}
    assert api("POST", url, "sam", json=body).status_code == 403  # sees the case, other agency
    assert api("POST", url, "cal", json=body).status_code == 403  # a manager, other agency
    assert api("POST", url, "admin", json=body).status_code == 404  # does not see the case
    bad = api("POST", url, "amy", json={"field": "nope", "value": "", "reason": ""})
    assert bad.status_code == 422
    assert {"field", "value", "reason"} <= set(str(bad.json).replace("'", " ").split())
    made = api("POST", url, "amy", json=body)
    assert made.status_code == 201
    assert (made.json["corrected_by"], made.json["original"]) == ("amy", "threshold")
    listed = api("GET", url, "pat").json
    assert listed["recorded"]["concern_type"] == "threshold"
    assert [c["value"] for c in listed["corrections"]] == ["role"]
    with pytest.raises(NotPermitted):
        engine_of(app).correct_entry(entry_id, "tried", "x", "y" * 10, actor_of(app, "sam"))


def test_the_retention_and_correction_pages_have_no_serious_accessibility_problems(
    app,
    server,  # noqa: F811 - the fixture imported above
    browser,  # noqa: F811
):
    from .test_browser import follow, serious_violations, sign_in

    entry_id = recorded_entry(app)
    engine_of(app).place_legal_hold(DEMO_CASE, HOLD_REASON, actor_of(app, "admin"))
    engine_of(app).purge(actor_of(app, "admin"))
    page = browser.new_context(bypass_csp=True).new_page()  # lets axe's script in
    sign_in(page, server, "admin")
    for url in ("/admin/retention/runs/1", "/admin/retention"):
        page.goto(f"{server}{url}")
        assert serious_violations(page) == [], url
    follow(page.get_by_role("button", name="Place the legal hold"))  # errors shown
    assert page.locator(".govuk-error-summary").is_visible()
    assert serious_violations(page) == []
    page = browser.new_context(bypass_csp=True).new_page()
    sign_in(page, server, "pat")
    page.goto(f"{server}/entries/{entry_id}/correct")
    page.get_by_label("The correct answer").fill("Discussed in person on Monday")
    follow(page.get_by_role("button", name="Record the correction"))  # no answer chosen
    assert page.locator(".govuk-error-summary").is_visible()
    assert serious_violations(page) == []
    page.goto(f"{server}/cases/{DEMO_CASE}")
    assert "under a legal hold" in page.content()
    assert serious_violations(page) == []


def test_migration_0017_goes_down_to_0014_and_up_again(tmp_path):
    from alembic import command
    from sqlalchemy import inspect

    from engine.db import make_engine
    from engine.schema import alembic_config, current_revision, upgrade

    database = make_engine(f"sqlite:///{tmp_path / 'migrations.sqlite'}")
    upgrade(database)
    command.downgrade(alembic_config(database), "0014")
    assert "legal_hold" not in inspect(database).get_table_names()
    assert "history_ttl_days" not in {
        c["name"] for c in inspect(database).get_columns("definition")
    }
    command.upgrade(alembic_config(database), "0017")
    tables = set(inspect(database).get_table_names())
    assert {"legal_hold", "purge_run", "purge_item", "entry_correction"} <= tables
    assert current_revision(database) == "0017"
    database.dispose()

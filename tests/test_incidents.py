"""Failed work an owner can fix (Camunda 7's incidents): retries, then an incident, an email to
the process's owners, retry and cancel from the owners' pages, and who may see any of it."""

from __future__ import annotations

import re

import pytest
from alembic import command
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import inspect, select

from engine import queries
from engine.actors import Actor
from engine.agencies import PARTNERSHIP, groups_for
from engine.db import make_engine
from engine.errors import InstanceNotRunning, InvalidSubmission, NotFound
from engine.events.event_tables import StartTimer
from engine.incidents.models import Incident
from engine.models import Timer
from engine.schema import alembic_config, upgrade
from notifications.models import OutboxNotification

from .helpers import (
    add_csc_process_owner,
    bpmn,
    flow,
    linear,
    person,
    resource,
    timer_wait,
    user_task,
)

OWNER = Actor("owner", groups_for(PARTNERSHIP, ["process-owner"]), agency=PARTNERSHIP)
ADMIN = Actor.of("root", "admin")
PAT = Actor.of("pat", "practitioner")
GATE = bpmn(
    "gate",
    '<bpmn:startEvent id="start"/>'
    + timer_wait("<bpmn:timeDuration>PT1H</bpmn:timeDuration>", "pause")
    + '<bpmn:exclusiveGateway id="gw" name="Which way?"/>'
    + '<bpmn:endEvent id="a"/><bpmn:endEvent id="b"/>'
    + flow("start", "pause")
    + flow("pause", "gw")
    + flow("gw", "a", "${missing == 1}", "to_a")
    + flow("gw", "b", "${missing != 1}", "to_b"),
    name="Gate",
)


def fail_three_times(engine, clock) -> None:
    """Sweep until the broken timer has used its three tries (back-off: 1 and 2 minutes)."""
    for _ in range(3):
        clock.advance(hours=2)
        engine.fire_due_timers()


def fix_variable(engine, instance_id: int, **values) -> None:
    """What a process owner fixes in the data (as Cockpit's variable editing would)."""
    with engine.db.unit_of_work() as session:
        instance = engine.runtime.lock(session, instance_id, running=False)
        workflow = engine.runtime.load(session, instance)
        for task in workflow.get_tasks(state=TaskState.WAITING | TaskState.READY):
            task.data.update(values)
        instance.state = engine.runtime.serializer.dumps(workflow)


@pytest.fixture
def failed(scenario, engine, clock):
    """An instance of "gate" whose timer has failed three times: an open incident."""
    scenario.deploy("gate.bpmn", GATE)
    ref = scenario.as_user("pat", "practitioner").start("gate")
    fail_three_times(engine, clock)
    return ref


def test_a_failing_timer_is_retried_then_opens_an_incident_and_stops(scenario, engine, clock):
    scenario.deploy("gate.bpmn", GATE)
    ref = scenario.as_user("pat", "practitioner").start("gate")
    for tries in (1, 2):
        clock.advance(hours=2)
        engine.fire_due_timers()
        with engine.db.reading() as session:
            [timer] = queries.timers(session, ref.id)
            assert timer.attempts == tries
            assert session.scalars(select(Incident)).first() is None
    clock.advance(hours=2)
    engine.fire_due_timers()
    detail = engine.owned_instance(ref.id, OWNER)
    incident = detail["incident"]
    assert detail["instance"].status == "error"
    assert (incident.kind, incident.element_id, incident.attempts) == ("timer", "gw", 3)
    assert incident.element_name == "Which way?"
    assert "unknown variable 'missing'" in incident.message and incident.line
    assert incident.resolved_at is None
    with engine.db.reading() as session:
        assert session.scalars(select(Timer)).all() == []  # the sweep leaves it alone
    clock.advance(days=1)
    assert engine.fire_due_timers() == 0
    [summary] = engine.definition_versions(OWNER, "gate")
    assert (summary.running, summary.failed, summary.finished) == (0, 1, 0)


def test_retry_after_fixing_the_data_resolves_the_incident_and_the_instance_goes_on(failed, engine):
    [incident] = engine.process_instances("gate", OWNER, "failed").rows
    again = engine.retry_incident(incident.incident.id, OWNER)
    assert not again.resolved and again.incident.attempts == 4
    assert "unknown variable 'missing'" in again.incident.message
    assert engine.owned_instance(failed.id, OWNER)["instance"].status == "error"
    fix_variable(engine, failed.id, missing=1)
    outcome = engine.retry_incident(incident.incident.id, OWNER)
    assert outcome.resolved
    detail = engine.owned_instance(failed.id, OWNER)
    assert detail["instance"].status == "completed"
    assert (detail["incident"].resolution, detail["incident"].resolved_by) == ("retried", "owner")
    with engine.db.reading() as session:
        events = [(e.event_type, e.actor) for e in queries.history(session, failed.id)]
    assert ("incident_opened", None) in events
    assert ("incident_retry_failed", "owner") in events
    assert ("incident_retried", "owner") in events


def test_cancelling_a_failed_instance_needs_a_reason_and_ends_it_cancelled(failed, engine):
    [row] = engine.process_instances("gate", OWNER, "failed").rows
    with pytest.raises(InvalidSubmission):
        engine.cancel_incident(row.incident.id, OWNER, "  ")
    ref = engine.cancel_incident(row.incident.id, OWNER, "opened by mistake")
    assert ref.status == "cancelled"
    with engine.db.reading() as session:
        assert queries.timers(session, failed.id) == []
        [event] = [
            e for e in queries.history(session, failed.id) if e.event_type == "instance_cancelled"
        ]
    assert (event.actor, event.details["reason"]) == ("owner", "opened by mistake")
    assert engine.process_instances("gate", OWNER, "failed").total == 0
    assert engine.process_instances("gate", OWNER, "finished").total == 1


def test_only_the_process_owners_and_administrators_see_or_act_on_it(failed, engine):
    add_csc_process_owner(engine)
    engine.set_process_owners("gate", ADMIN, add=["cpo"])
    cpo = person(engine, "cpo")
    [row] = engine.process_instances("gate", cpo, "failed").rows
    assert engine.owned_instance(failed.id, ADMIN)["incident"].id == row.incident.id
    for outsider in (PAT, OWNER):  # a practitioner; an owner of other processes only
        with pytest.raises(NotFound):
            engine.process_instances("gate", outsider, "failed")
        with pytest.raises(NotFound):
            engine.owned_instance(failed.id, outsider)
        with pytest.raises(NotFound):
            engine.retry_incident(row.incident.id, outsider)
        with pytest.raises(NotFound):
            engine.cancel_incident(row.incident.id, outsider, "not mine")


def test_the_process_owners_are_emailed_when_an_incident_opens(failed, engine):
    with engine.db.reading() as session:
        [row] = session.scalars(
            select(OutboxNotification).where(OutboxNotification.event_type == "incident_opened")
        ).all()
    assert (row.recipient_kind, row.recipient) == ("group", f"{PARTNERSHIP}:process-owner")
    assert row.case_ref is None and row.instance_id == failed.id
    assert row.context["process"] == "Gate" and row.context["step"] == "Which way?"
    from notifications.mail import link_path

    assert link_path(row) == f"/admin/instances/{failed.id}"


def test_the_instance_list_is_filtered_by_state_and_version_and_paged(scenario, engine):
    scenario.deploy("steps.bpmn", linear("steps", "one"))
    pat = scenario.as_user("pat", "practitioner")
    for _ in range(27):
        pat.start("steps")
    pat.complete("one")
    scenario.deploy("steps.bpmn", linear("steps", "one", "two"))
    pat.start("steps")
    first = engine.process_instances("steps", OWNER, "running")
    assert (first.total, first.pages, len(first.rows)) == (27, 2, 25)
    second = engine.process_instances("steps", OWNER, "running", page=2)
    assert len(second.rows) == 2 and second.rows[-1].instance.id < first.rows[-1].instance.id
    assert engine.process_instances("steps", OWNER, "running", version=2).total == 1
    assert engine.process_instances("steps", OWNER, "running", version=1).total == 26
    assert engine.process_instances("steps", OWNER, "finished").total == 1
    with pytest.raises(NotFound):
        engine.process_instances("steps", OWNER, "everything")


def test_validation_reports_every_problem_of_a_file_each_with_element_and_line(engine):
    lines = [
        '<bpmn:startEvent id="start"/>',
        '<bpmn:userTask id="ask" name="Ask" camunda:candidateGroups="practitioner"/>',
        '<bpmn:exclusiveGateway id="gw"/><bpmn:endEvent id="yes"/><bpmn:endEvent id="no"/>',
        flow("start", "ask"),
        flow("ask", "gw"),
        flow("gw", "yes", "${approved ==}", "to_yes"),
        flow("gw", "no", "${not approved}", "to_no"),
        flow("no", "closing", None, "dangling"),
    ]
    text = bpmn("two_faults", "\n".join(lines))
    problems = engine.validate([resource("two_faults.bpmn", text)])
    found = {(p.element_id, p.line) for p in problems}
    assert ("to_yes", 9) in found and ("dangling", 11) in found
    [dangling] = [p for p in problems if p.element_id == "dangling"]
    assert "goes to 'closing', which is not an element of 'two_faults'" in dangling.message
    assert "used twice" not in " ".join(p.message for p in problems)


def test_migration_0018_goes_down_to_0017_and_up_again(tmp_path):
    database = make_engine(f"sqlite:///{tmp_path / 'migrations.sqlite'}")
    upgrade(database)
    assert "incident" in inspect(database).get_table_names()
    command.downgrade(alembic_config(database), "0017")
    assert "incident" not in inspect(database).get_table_names()
    upgrade(database)
    indexes = {index["name"] for index in inspect(database).get_indexes("incident")}
    assert indexes == {
        "ix_incident_instance_id_resolved_at",
        "ix_incident_process_key_resolved_at_opened_at",
    }
    database.dispose()


@pytest.fixture
def failed_on_web(app, clock):
    """The web app with a failed instance of "gate" (the partnership's process owners own it)."""
    from webapp import engine_of

    engine = engine_of(app)
    engine.deploy([resource("gate.bpmn", GATE)], name="gate", source="test")
    ref = engine.start("gate", actor=OWNER)
    fail_three_times(engine, clock)
    return engine, ref


def test_an_owner_follows_the_failed_count_retries_after_a_fix_and_sees_it_resolved(
    failed_on_web, web
):
    engine, ref = failed_on_web
    owner = web("owner")
    processes = owner.get("/admin/processes").get_data(as_text=True)
    assert 'href="/admin/processes/gate/instances?state=failed"' in processes
    listing = owner.get("/admin/processes/gate/instances?state=failed").get_data(as_text=True)
    assert f'href="/admin/instances/{ref.id}"' in listing and "Which way?" in listing
    page = owner.get(f"/admin/instances/{ref.id}").get_data(as_text=True)
    assert "unknown variable" in page and "Which way? (gw)" in page and ">Retry<" in page
    incident_id = int(re.search(r"/admin/incidents/(\d+)/retry", page).group(1))
    again = owner.post(f"/admin/incidents/{incident_id}/retry", follow_redirects=True)
    assert "It failed again" in again.get_data(as_text=True)
    fix_variable(engine, ref.id, missing=2)
    done = owner.post(f"/admin/incidents/{incident_id}/retry", follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "the failure is resolved" in text and "Retried by Olu Process Owner" in text
    assert "Finished" in text
    assert engine.process_instances("gate", OWNER, "finished").total == 1


def test_cancel_asks_for_a_reason_keeps_what_was_typed_and_is_audited(failed_on_web, web):
    engine, ref = failed_on_web
    owner = web("owner")
    incident = engine.incident_of(ref.id, OWNER)
    confirm = owner.get(f"/admin/incidents/{incident.id}/cancel").get_data(as_text=True)
    assert "cannot be undone" in confirm and "Why are you cancelling it?" in confirm
    refused = owner.post(f"/admin/incidents/{incident.id}/cancel", {"reason": " "})
    assert refused.status_code == 422
    assert "Enter why you are cancelling it" in refused.get_data(as_text=True)
    done = owner.post(
        f"/admin/incidents/{incident.id}/cancel",
        {"reason": "duplicate of another referral"},
        follow_redirects=True,
    )
    assert "The instance is cancelled" in done.get_data(as_text=True)
    with engine.db.reading() as session:
        [event] = [
            e for e in queries.history(session, ref.id) if e.event_type == "instance_cancelled"
        ]
    assert (event.actor, event.details["reason"]) == ("owner", "duplicate of another referral")


def test_people_who_do_not_own_the_process_get_404_on_every_incident_page(failed_on_web, web):
    engine, ref = failed_on_web
    incident = engine.incident_of(ref.id, OWNER)
    add_csc_process_owner(engine)
    for username in ("pat", "cpo"):  # a practitioner; an owner of other processes
        client = web(username)
        for url in (
            "/admin/processes/gate/instances?state=failed",
            f"/admin/instances/{ref.id}",
            f"/admin/incidents/{incident.id}/cancel",
        ):
            response = client.get(url)
            assert response.status_code == 404, (username, url)
            assert "unknown variable" not in response.get_data(as_text=True)
        assert client.post(f"/admin/incidents/{incident.id}/retry").status_code == 404
    assert engine.incident_of(ref.id, OWNER).resolved_at is None


SIGNALLED = bpmn(
    "signalled",
    '<bpmn:startEvent id="begin"/>'
    '<bpmn:intermediateCatchEvent id="closed" name="Case closed">'
    '<bpmn:signalEventDefinition signalRef="closed_signal"/></bpmn:intermediateCatchEvent>'
    '<bpmn:exclusiveGateway id="which" default="to_end"/>'
    + '<bpmn:endEvent id="end"/><bpmn:endEvent id="other"/>'
    + flow("begin", "closed")
    + flow("closed", "which")
    + flow("which", "other", "${no_such_variable > 1}")
    + flow("which", "end", flow_id="to_end"),
    extra='<bpmn:signal id="closed_signal" name="Case closed"/>',
)
STARTED_BY_TIMER = bpmn(
    "nightly",
    '<bpmn:startEvent id="night"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H'
    "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>"
    '<bpmn:exclusiveGateway id="which" default="to_end"/>'
    + '<bpmn:endEvent id="end"/><bpmn:endEvent id="other"/>'
    + flow("night", "which")
    + flow("which", "other", "${no_such_variable > 1}")
    + flow("which", "end", flow_id="to_end"),
)


def test_a_signal_that_keeps_failing_becomes_an_incident_and_is_caught_again_on_retry(
    scenario, engine, clock
):
    scenario.deploy("signalled.bpmn", SIGNALLED)
    ref = scenario.as_user("pat", "practitioner").start("signalled")
    engine.send_signal("Case closed", {"closed_by": "MASH"}, actor=OWNER)
    for _ in range(2):
        clock.advance(hours=1)
        engine.fire_due_timers()
    [row] = engine.process_instances("signalled", OWNER, "failed").rows
    assert (row.incident.kind, row.incident.element_id, row.incident.attempts) == (
        "signal",
        "which",
        3,
    )
    assert row.incident.job["signal"] == "Case closed"
    fix_variable(engine, ref.id, no_such_variable=0)
    assert engine.retry_incident(row.incident.id, OWNER).resolved
    assert engine.instance_variables(ref.id)["closed_by"] == "MASH"
    assert engine.owned_instance(ref.id, OWNER)["instance"].status == "completed"


def test_a_timer_start_that_keeps_failing_is_an_incident_without_an_instance(
    scenario, engine, clock
):
    scenario.deploy("nightly.bpmn", STARTED_BY_TIMER)
    for _ in range(3):
        clock.advance(hours=2)
        engine.fire_due_timers()
    [incident] = engine.failed_starts("nightly", OWNER)
    assert (incident.kind, incident.instance_id, incident.attempts) == ("start timer", None, 3)
    assert engine.process_instances("nightly", OWNER, "running").total == 0
    assert not engine.retry_incident(incident.id, OWNER).resolved
    engine.cancel_incident(incident.id, OWNER, "the nightly check is replaced")
    assert engine.failed_starts("nightly", OWNER) == []
    with engine.db.reading() as session:
        assert session.scalars(select(StartTimer)).all() == []


BESIDE_A_TASK = bpmn(
    "beside",
    '<bpmn:startEvent id="start"/><bpmn:parallelGateway id="split"/>'
    + user_task("work", "Do the work", 'camunda:candidateGroups="practitioner"')
    + timer_wait("<bpmn:timeDuration>PT1H</bpmn:timeDuration>", "pause")
    + '<bpmn:exclusiveGateway id="gw" name="Which way?"/>'
    + '<bpmn:parallelGateway id="join"/><bpmn:endEvent id="end"/>'
    + flow("start", "split")
    + flow("split", "work")
    + flow("split", "pause")
    + flow("pause", "gw")
    + flow("gw", "join", "${missing == 1}", "to_join")
    + flow("work", "join")
    + flow("join", "end"),
)


def test_a_task_of_a_failed_instance_waits_for_the_retry_with_a_clear_message(
    scenario, engine, clock
):
    scenario.deploy("beside.bpmn", BESIDE_A_TASK)
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("beside")
    fail_three_times(engine, clock)
    incident = engine.incident_of(ref.id, OWNER)
    with pytest.raises(InstanceNotRunning, match="its process owners have been told"):
        pat.complete("Do the work")  # it would meet the same failure: the task waits
    assert [task.name for task in pat.inbox()] == ["Do the work"]
    fix_variable(engine, ref.id, missing=1)
    assert engine.retry_incident(incident.id, OWNER).resolved
    pat.complete("Do the work")
    assert engine.owned_instance(ref.id, OWNER)["instance"].status == "completed"


def test_camundas_get_incident_lists_the_callers_processes_open_incidents(failed_on_web, app):
    from .test_engine_rest import basic

    engine, ref = failed_on_web
    client = app.test_client()
    [listed] = client.get("/engine-rest/incident", headers=basic("owner")).get_json()
    assert (listed["processInstanceId"], listed["activityId"]) == (str(ref.id), "gw")
    assert listed["incidentType"] == "failedJob" and "missing" in listed["incidentMessage"]
    url = f"/engine-rest/incident?processInstanceId={ref.id + 1}"
    assert client.get(url, headers=basic("owner")).get_json() == []
    add_csc_process_owner(engine)
    assert client.get("/engine-rest/incident", headers=basic("cpo")).get_json() == []
    assert client.get("/engine-rest/incident", headers=basic("pat")).status_code == 401

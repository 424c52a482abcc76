"""Involvement over a case's life (DOMAIN.md section 6): agencies join and leave a case, with
who, when and why recorded, and who sees the case follows who is involved now.

Real demo people of real agencies: cal (children's social care manager), mia (MASH), pat
(adult mental health practitioner), eve (education), ash (adult social care, not on DEMO-001).
Notifications that follow involvement, and the immediate-risk branch reaching MASH, are in
``test_involvement_notifications.py``; named workers in ``test_named_workers.py``.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine import queries
from engine.access_audit.models import AccessEvent
from engine.actors import Actor
from engine.demo import DEMO_CASE
from engine.errors import InvalidDefinition
from engine.involvement.models import InvolvementPeriod
from webapp import engine_of
from webapp.cli import main

from .helpers import bpmn, flow, person, resource, then_task, user_task

CASE = f"/cases/{DEMO_CASE}"
HISTORY = "Involvement history"


@pytest.fixture
def engine_(app):
    return engine_of(app)


def start_task_for(engine, group: str, name: str, case_ref: str = DEMO_CASE) -> int:
    """Deploy and start a one-task process on the case whose task is offered to ``group``."""
    key = "one-" + re.sub(r"[^a-z]", "-", group)
    body = (
        '<bpmn:startEvent id="start"/>'
        + user_task("work", name, f'camunda:candidateGroups="{group}"')
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "work")
        + flow("work", "end")
    )
    engine.deploy([resource(f"{key}.bpmn", bpmn(key, body))], deployed_by="owner")
    ref = engine.start(key, case_ref=case_ref, actor=Actor.engine())
    [task] = [t for t in engine.instance_detail(ref.id, Actor.engine())["tasks"] if t.name == name]
    return task.id


def involve(web_client, agency: str, reason: str = "Strategy discussion on 23 November"):
    return web_client.post(f"{CASE}/involvement", {"agency": agency, "reason": reason})


def test_an_agency_added_mid_case_sees_the_case_and_its_new_tasks(web, engine_):
    ash = web("ash")
    assert ash.get(CASE).status_code == 404
    cal = web("cal")
    added = involve(cal, "adult-social-care", "Mother has care and support needs")
    assert added.status_code == 302 and added.headers["Location"].endswith(CASE)
    assert "Adult social care" in cal.get(CASE).get_data(as_text=True)
    assert ash.get(CASE).status_code == 200
    task_id = start_task_for(engine_, "adult-social-care:practitioner", "Assess the mother")
    assert "Assess the mother" in ash.get("/inbox?tab=team").get_data(as_text=True)
    assert ash.get(f"/tasks/{task_id}").status_code == 200


def test_an_agency_released_sees_nothing_new_but_keeps_its_own_work(web, engine_):
    eve = web("eve")
    done = start_task_for(engine_, "education:practitioner", "Report attendance")
    engine_.claim(done, person(engine_, "eve"))
    engine_.complete(done, {}, person(engine_, "eve"))
    held = start_task_for(engine_, "education:practitioner", "Share the school's view")
    engine_.claim(held, person(engine_, "eve"))
    offered = start_task_for(engine_, "education:practitioner", "Attend the core group")
    left = web("cal").post(f"{CASE}/involvement/education/leave", {"reason": "No longer at school"})
    assert left.status_code == 302
    assert eve.get(CASE).status_code == 404
    fresh = start_task_for(engine_, "education:practitioner", "Write a school report")
    team = eve.get("/inbox?tab=team").get_data(as_text=True)
    assert "Write a school report" not in team and "Attend the core group" not in team
    assert eve.get(f"/tasks/{fresh}").status_code == 404
    assert eve.get(f"/tasks/{offered}").status_code == 404
    # what the leaving agency's worker already holds or completed stays theirs to see
    assert "Share the school&#39;s view" in eve.get("/inbox?tab=mine").get_data(as_text=True)
    assert eve.get(f"/tasks/{held}").status_code == 200
    assert eve.get(f"/tasks/{done}").status_code == 200
    assert "Report attendance" in eve.get("/inbox?tab=completed").get_data(as_text=True)


def test_joins_and_leaves_are_recorded_with_who_when_and_why(web, engine_, clock):
    cal = web("cal")
    involve(cal, "police", "Strategy discussion under s47")
    clock.set("2026-11-24T10:30:00+00:00")
    cal.post(f"{CASE}/involvement/police/leave", {"reason": "No further police role"})
    with engine_.db.reading() as session:
        events = [
            (e.event_type, e.actor, e.at.isoformat(), e.details["agency"], e.details["reason"])
            for e in queries.case_timeline(session, DEMO_CASE)
            if e.event_type.startswith("involvement_")
        ]
        [period] = session.scalars(
            select(InvolvementPeriod).where(InvolvementPeriod.agency == "police")
        )
    assert events == [
        (
            "involvement_joined",
            "cal",
            "2026-11-23T09:00:00+00:00",
            "police",
            "Strategy discussion under s47",
        ),
        (
            "involvement_left",
            "cal",
            "2026-11-24T10:30:00+00:00",
            "police",
            "No further police role",
        ),
    ]
    assert (period.joined_by, period.left_by, period.leave_reason) == (
        "cal",
        "cal",
        "No further police role",
    )
    page = cal.get(CASE).get_data(as_text=True)
    assert "Strategy discussion under s47" in page and "No further police role" in page
    access = cal.get(f"{CASE}/access").get_data(as_text=True)
    assert "Involvement joined" in access and "Involvement left" in access


@pytest.mark.parametrize(
    ("username", "status"),
    [("pat", 403), ("sam", 403), ("amy", 403), ("ash", 404), ("pc", 404)],
)
def test_only_mash_social_care_managers_and_administrators_change_involvement(
    web, api, username, status
):
    client = web(username)
    assert involve(client, "police").status_code == status
    assert client.post(f"{CASE}/involvement/education/leave", {"reason": "x"}).status_code == status
    body = {"agency": "police", "reason": "Because"}
    assert api("POST", f"/api/v1{CASE}/involvement", username, json=body).status_code == status
    assert involve(web("mia"), "early-help").status_code in (302, 409)
    admin = web("admin")  # an administrator sees the case (and so changes it) only by break-glass
    assert involve(admin, "early-help").status_code == 404
    reason = {"case_ref": DEMO_CASE, "reason": "Fixing the case's involvement records"}
    assert admin.post("/break-glass", reason).status_code == 302
    assert involve(admin, "early-help").status_code in (302, 409)


def test_the_page_refuses_a_missing_reason_an_unknown_agency_and_the_last_agency(web):
    cal = web("cal")
    assert involve(cal, "police", "  ").status_code == 422
    assert involve(cal, "social-services").status_code == 422
    assert involve(cal, "education").status_code == 409  # already involved
    response = cal.post(f"{CASE}/involvement/police/leave", {"reason": "Never joined"})
    assert response.status_code == 409


def test_the_last_agency_cannot_leave(web, engine_):
    engine_.create_case(
        Actor.engine(),
        reference="ONE-1",
        family_name="Solo",
        involvements=[{"agency": "childrens-social-care"}],
    )
    cal = web("cal")
    response = cal.post("/cases/ONE-1/involvement/childrens-social-care/leave", {"reason": "x"})
    assert response.status_code == 409
    assert "at least one involved agency" in response.get_data(as_text=True)


def test_the_api_adds_lists_and_releases_agencies(api, web, engine_):
    url = f"/api/v1{CASE}/involvement"
    added = api("POST", url, "mia", json={"agency": "police", "reason": "Joint visit"})
    assert added.status_code == 201
    police = [p for p in added.get_json()["involvement"] if p["agency"] == "police"]
    assert police[0]["joined_by"] == "mia" and police[0]["left_at"] is None
    assert web("pc").get(CASE).status_code == 200
    assert api("POST", url, "mia", json={"agency": "police"}).status_code == 422
    gone = api("DELETE", f"{url}/police", "mia", json={"reason": "Visit done"})
    assert gone.status_code == 200
    [period] = [p for p in gone.get_json()["involvement"] if p["agency"] == "police"]
    assert (period["left_by"], period["leave_reason"]) == ("mia", "Visit done")
    assert web("pc").get(CASE).status_code == 404
    again = api("POST", url, "mia", json={"agency": "police", "reason": "New concern"})
    assert again.status_code == 201
    left = api("POST", f"{url}/police/leave", "mia", json={"reason": "Done again"})
    assert left.status_code == 200
    assert api("GET", url, "pc").status_code == 404
    assert api("GET", url, "cal").status_code == 200
    with engine_.db.reading() as session:
        looks = session.scalars(select(AccessEvent.actor).where(AccessEvent.what == HISTORY))
        assert list(looks) == ["cal"]  # reading the history is a look; a 404 is not


def test_the_cli_involves_and_releases(database_url):
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, ["--database", database_url, *args], catch_exceptions=False)

    assert run("demo").exit_code == 0
    joined = run("involve", DEMO_CASE, "police", "--reason", "Strategy discussion", "--as", "ops")
    assert joined.exit_code == 0 and "police is now involved in DEMO-001" in joined.output
    released = run("release", DEMO_CASE, "police", "--reason", "Closed")
    assert released.exit_code == 0 and "no longer involved" in released.output
    assert run("release", DEMO_CASE, "police", "--reason", "Again").exit_code == 1
    assert run("involve", DEMO_CASE, "nowhere", "--reason", "x").exit_code == 1
    assert run("involve", DEMO_CASE, "police").exit_code == 2  # --reason is required


def involving(value: str) -> str:
    element = (
        '<bpmn:serviceTask id="involve"><bpmn:extensionElements><camunda:properties>'
        f'<camunda:property name="involve_agency" value="{value}"/>'
        "</camunda:properties></bpmn:extensionElements></bpmn:serviceTask>"
    )
    return then_task("involving", element, "involve")


def test_deploy_refuses_an_unknown_agency_or_a_broken_expression(engine):
    for value, message in (
        ("social-services", "involve_agency 'social-services' is not a known agency"),
        ("${other_agency +}", "does not compile"),
    ):
        with pytest.raises(InvalidDefinition) as refused:
            engine.deploy([resource("involving.bpmn", involving(value))])
        [problem] = refused.value.problems
        assert problem.element_id == "involve" and problem.line and message in problem.message
    engine.deploy([resource("involving.bpmn", involving("${other_agency}"))])

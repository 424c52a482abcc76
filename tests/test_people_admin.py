"""People and teams as an administrator manages them: the engine, the pages, the API, the
command line, CSV import, password-reset links and deactivation handing tasks over."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.accounts import UserGroup
from engine.actors import Actor
from engine.demo import DEMO_CASE, DEMO_PASSWORD
from engine.models import AuditEvent, HumanTask, TaskCandidate
from engine.people.models import PasswordReset
from notifications.models import OutboxNotification
from webapp import engine_of
from webapp.cli import main

from .helpers import bpmn, flow, resource, user_task
from .test_notifications import jobs, smtp  # noqa: F401 - fixtures: a real SMTP server
from .webclient import WebClient

ADMIN = Actor("admin", frozenset({"admin"}), agency="safeguarding-partnership")
NEW_PASSWORD = "velvet harbour lantern"
PERSON = {
    "username": "kit",
    "display_name": "Kit Keeper",
    "email": "kit@joinedup.test",
    "agency": "childrens-social-care",
    "team": "csc-east",
    "roles": ["practitioner"],
    "manager": "cal",
}


def groups_of(app, username: str) -> set[str]:
    with engine_of(app).db.reading() as session:
        query = select(UserGroup.group_name).where(UserGroup.username == username)
        return set(session.scalars(query))


def audit(app, event_type: str) -> list[AuditEvent]:
    with engine_of(app).db.reading() as session:
        query = select(AuditEvent).where(AuditEvent.event_type == event_type)
        return list(session.scalars(query.order_by(AuditEvent.id)))


def link_token(html: str) -> str:
    return re.search(r"/reset-password/([A-Za-z0-9_-]+)", html).group(1)


# --- the engine -------------------------------------------------------------------------


def test_demo_teams_are_rows_and_their_people_hold_the_team_queue(app):
    engine = engine_of(app)
    codes = {team.code: team for team in engine.teams(ADMIN).items}
    assert set(codes) == {"amh-north", "csc-east", "mash"} and codes["csc-east"].manager == "cal"
    assert "team:amh-north" in groups_of(app, "pat")
    assert "team:amh-north" in engine.person("pat", ADMIN).actor().groups
    assert engine.person("pat", ADMIN).manager == "amy"


def test_editing_agency_roles_or_team_keeps_the_group_rows_right(app):
    engine = engine_of(app)
    engine.update_person("pat", ADMIN, {"team": "", "roles": ["practitioner", "manager"]})
    assert groups_of(app, "pat") == {
        "practitioner",
        "manager",
        "adult-mental-health:practitioner",
        "adult-mental-health:manager",
    }
    engine.update_person(
        "pat", ADMIN, {"agency": "childrens-social-care", "team": "csc-east", "roles": ["mash"]}
    )
    assert groups_of(app, "pat") == {"mash", "childrens-social-care:mash", "team:csc-east"}
    [changed, *_] = audit(app, "person_updated")
    assert changed.actor == "admin" and changed.details["changes"]["team"] == ["amh-north", None]


def test_a_person_s_problems_are_all_named_and_nothing_is_written(app):
    from engine.errors import InvalidSubmission

    bad = {**PERSON, "username": "Not Ok", "agency": "nope", "roles": ["wizard"], "manager": "zed"}
    with pytest.raises(InvalidSubmission) as refused:
        engine_of(app).create_person(ADMIN, bad)
    assert set(refused.value.errors) == {"username", "agency", "roles", "manager"}
    assert refused.value.values["display_name"] == "Kit Keeper"
    with pytest.raises(InvalidSubmission, match="belongs to another agency"):
        engine_of(app).create_person(ADMIN, {**PERSON, "team": "amh-north"})
    assert engine_of(app).people(ADMIN, "kit").items == []


def test_nobody_but_an_administrator_may_manage_people():
    from engine.errors import NotFound
    from engine.people.person_ops import ensure_admin

    with pytest.raises(NotFound, match="Page not found"):
        ensure_admin(Actor("amy", frozenset({"manager"})))
    ensure_admin(Actor.engine("cli"))  # the operator at the command line


# --- the pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/people", "/admin/people/new", "/admin/teams",
                                  "/admin/teams/new", "/admin/teams/csc-east", "/admin/people/pat",
                                  "/admin/people/import"])  # fmt: skip
def test_people_pages_are_404_for_everyone_but_administrators(app, web, path):
    assert web("cal").get(path).status_code == 404
    assert web("admin").get(path).status_code == 200
    assert WebClient(app).get(path).status_code == 302  # to sign in


@pytest.mark.parametrize("path", ["/admin/people/new", "/admin/teams/new", "/admin/teams/mash",
                                  "/admin/people/pat", "/admin/people/import",
                                  "/admin/people/pat/deactivate", "/admin/people/pat/reactivate",
                                  "/admin/people/pat/reset-password"])  # fmt: skip
def test_people_changes_are_404_for_everyone_but_administrators(app, web, path):
    answer = web("owner").post(path, data={"display_name": "x", "name": "x"})
    assert answer.status_code == 404 and "Pat" not in answer.text
    assert engine_of(app).person("pat", ADMIN).active
    assert engine_of(app).team("mash", ADMIN).name.startswith("Multi-agency")


def test_the_navigation_links_to_people_for_administrators_only(web):
    assert "People and teams" in web("admin").get("/inbox").get_data(as_text=True)
    assert "People and teams" not in web("cal").get("/inbox").get_data(as_text=True)


def test_adding_a_person_names_each_question_keeps_the_answers_and_shows_the_link(app, web):
    admin = web("admin")
    form = {**PERSON, "display_name": "", "email": "not-an-email", "roles": []}
    refused = admin.post("/admin/people/new", data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "There is a problem" in html
    assert 'href="#display_name">Enter the person&#39;s full name' in html
    assert 'href="#roles">Choose at least one role' in html
    assert 'href="#email">Enter an email address' in html
    assert 'value="kit"' in html and 'value="cal"' in html  # what was typed is kept
    added = admin.post("/admin/people/new", data={**PERSON, "roles": ["practitioner", "mash"]})
    html = added.get_data(as_text=True)
    assert added.status_code == 200 and "Kit Keeper is added" in html
    assert "We have emailed kit@joinedup.test" in html
    token = link_token(html)
    kit = engine_of(app).person("kit", ADMIN)
    assert kit.roles == ["mash", "practitioner"] and kit.team == "csc-east"
    assert "team:csc-east" in groups_of(app, "kit")
    with engine_of(app).db.reading() as session:
        stored = session.scalars(select(PasswordReset.token_hash)).all()
    assert token not in stored and len(stored) == 1  # only its hash
    [created] = audit(app, "person_created")
    assert created.actor == "admin" and "password" not in str(created.details)


def test_editing_a_person_on_the_page(app, web):
    admin = web("admin")
    page = admin.get("/admin/people/sam").get_data(as_text=True)
    assert 'value="Sam Social Worker"' in page and 'value="practitioner" checked' in page
    refused = admin.post("/admin/people/sam", data={**PERSON, "team": "amh-north"})
    assert refused.status_code == 422 and "belongs to another agency" in refused.text
    saved = admin.post("/admin/people/sam", data={**PERSON, "display_name": "Samira Social"})
    assert saved.status_code == 302
    assert engine_of(app).person("sam", ADMIN).display_name == "Samira Social"
    listed = admin.get("/admin/people?q=samira").get_data(as_text=True)
    assert "Samira Social" in listed and "Pat Practitioner" not in listed


def test_people_are_listed_a_page_at_a_time(web):
    admin = web("admin")
    first = admin.get("/admin/people").get_data(as_text=True)
    second = admin.get("/admin/people?page=2").get_data(as_text=True)
    assert "Next" in first and "Previous" in second
    mark = 'href="/admin/people/admin"'  # Ade Administrator, first by name
    assert mark in first and mark not in second


def test_teams_are_added_changed_and_closed_on_their_pages(app, web):
    admin = web("admin")
    form = {"code": "csc-west", "name": "", "agency": "childrens-social-care", "manager": "cal"}
    refused = admin.post("/admin/teams/new", data=form)
    assert refused.status_code == 422 and 'href="#name">Enter the team&#39;s name' in refused.text
    assert 'value="csc-west"' in refused.text
    assert admin.post("/admin/teams/new", data={**form, "name": "West"}).status_code == 302
    duplicate = admin.post("/admin/teams/new", data={**form, "name": "Again"})
    assert (
        duplicate.status_code == 422 and "already a team with the code csc-west" in duplicate.text
    )
    closed = admin.post("/admin/teams/csc-west", data={**form, "name": "CSC West", "active": "no"})
    assert closed.status_code == 302
    team = engine_of(app).team("csc-west", ADMIN)
    assert team.name == "CSC West" and not team.active
    assert "Closed" in admin.get("/admin/teams?q=west").get_data(as_text=True)
    assert [e.details["changes"]["active"] for e in audit(app, "team_updated")] == [[True, False]]
    members = admin.get("/admin/teams/csc-east").get_data(as_text=True)
    assert "Sam Social Worker" in members and "Cal Team Manager" in members


# --- the API ------------------------------------------------------------------------------


def test_the_people_and_teams_api(app, api):
    created = api("POST", "/api/v1/teams", "admin", json={"code": "police-east",
                  "name": "Police East", "agency": "police"})  # fmt: skip
    assert created.status_code == 201 and created.json["team"]["code"] == "police-east"
    body = {**PERSON, "username": "pip", "agency": "police", "team": "police-east",
            "manager": None, "password": NEW_PASSWORD}  # fmt: skip
    person = api("POST", "/api/v1/people", "admin", json=body)
    assert person.status_code == 201 and "password_link" not in person.json
    assert WebClient(app).sign_in("pip", NEW_PASSWORD).get("/inbox").status_code == 200
    emailed = api("POST", "/api/v1/people", "admin", json={**body, "username": "pia",
                  "password": None})  # fmt: skip
    assert "/reset-password/" in emailed.json["password_link"]
    changed = api("PATCH", "/api/v1/people/pip", "admin", json={"display_name": "Pip Police"})
    assert changed.json["person"]["display_name"] == "Pip Police"
    assert api("GET", "/api/v1/people/pip", "admin").json["person"]["team"] == "police-east"
    assert any(
        p["username"] == "pip" for p in api("GET", "/api/v1/people?q=pip", "admin").json["people"]
    )
    renamed = api(
        "PATCH", "/api/v1/teams/police-east", "admin", json={"name": "East", "active": False}
    )
    assert renamed.json["team"] == {**renamed.json["team"], "name": "East", "active": False}
    assert api("GET", "/api/v1/teams/police-east", "admin").json["team"]["name"] == "East"
    assert [t["code"] for t in api("GET", "/api/v1/teams?q=east", "admin").json["teams"]] == [
        "csc-east", "police-east"]  # fmt: skip
    gone = api("POST", "/api/v1/people/pip/deactivate", "admin", json={})
    assert gone.json["deactivated"] == "pip" and gone.json["tasks_to"] == "team:police-east"


def test_the_api_answers_422_with_each_field_s_problem(api):
    bad = {**PERSON, "agency": "nowhere", "roles": "practitioner", "email": 7, "colour": "red"}
    refused = api("POST", "/api/v1/people", "admin", json=bad)
    assert refused.status_code == 422
    assert set(refused.json["error"]["details"]) == {"roles", "email", "colour"}
    invalid = api("POST", "/api/v1/people", "admin", json={**PERSON, "agency": "nowhere"})
    assert invalid.status_code == 422 and set(invalid.json["error"]["details"]) == {"agency"}
    weak = api("POST", "/api/v1/people", "admin", json={**PERSON, "password": "kitkeeper123"})
    assert weak.status_code == 422 and set(weak.json["error"]["details"]) == {"password"}
    team = api("POST", "/api/v1/teams", "admin", json={"code": "X Y", "agency": "police"})
    assert set(team.json["error"]["details"]) == {"code", "name"}
    assert api("PATCH", "/api/v1/people/nobody", "admin", json={}).status_code == 404


@pytest.mark.parametrize("method, url", [("GET", "/api/v1/people"), ("GET", "/api/v1/people/pat"),
                         ("POST", "/api/v1/people"), ("PATCH", "/api/v1/people/pat"),
                         ("POST", "/api/v1/people/pat/deactivate"), ("GET", "/api/v1/teams"),
                         ("POST", "/api/v1/teams"), ("PATCH", "/api/v1/teams/mash")])  # fmt: skip
def test_the_people_api_is_404_for_everyone_but_administrators(api, method, url):
    answer = api(method, url, "cal", json={"display_name": 5})
    assert answer.status_code == 404 and "pat" not in answer.text


# --- password reset links -----------------------------------------------------------------


def test_a_reset_link_is_emailed_used_once_and_ends_every_session(app, web, jobs, smtp):  # noqa: F811
    pat = web("pat")
    token = engine_of(app).issue_token("pat")
    shown = web("admin").post("/admin/people/pat/reset-password")
    assert shown.status_code == 200 and "This is the only time the link is shown" in shown.text
    link = link_token(shown.text)
    assert pat.get("/inbox").status_code == 302  # signed out at once
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/tasks", headers=bearer).status_code == 401
    assert engine_of(app).authenticate("pat", DEMO_PASSWORD) is None  # the old one is over
    jobs.deliver()
    [mail] = [m for m in smtp.inbox.to("pat@joinedup.test") if "password" in m["Subject"]]
    assert mail["Subject"] == "Set your JoinedUp password"
    assert (
        f"https://joinedup.example/reset-password/{link}" in mail.get_body(("plain",)).get_content()
    )
    with engine_of(app).db.reading() as session:
        rows = session.scalars(
            select(OutboxNotification).where(OutboxNotification.event_type == "password_reset")
        ).all()
    assert [link in str(row.context) for row in rows] == [False]  # forgotten once sent
    person = WebClient(app)
    assert person.get(f"/reset-password/{link}").status_code == 200
    weak = person.post(f"/reset-password/{link}", {"password": "pat", "confirm": "pat"})
    assert weak.status_code == 422 and 'href="#password">Passwords must be at least' in weak.text
    typo = person.post(f"/reset-password/{link}", {"password": NEW_PASSWORD, "confirm": "x"})
    assert typo.status_code == 422 and "Enter the same password twice" in typo.text
    done = person.post(
        f"/reset-password/{link}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/sign-in")
    assert WebClient(app).sign_in("pat", NEW_PASSWORD).get("/inbox").status_code == 200
    again = WebClient(app).get(f"/reset-password/{link}")
    assert again.status_code == 410 and "already been used" in again.text
    assert [e.actor for e in audit(app, "password_reset_issued")] == ["admin"]
    assert [e.actor for e in audit(app, "password_reset_used")] == ["pat"]


def test_an_expired_or_wrong_reset_link_says_so(app, clock):
    token = engine_of(app).reset_password("sam", ADMIN)
    clock.advance(timedelta(hours=24, minutes=1))
    expired = WebClient(app).get(f"/reset-password/{token}")
    assert expired.status_code == 410 and "This link has expired" in expired.text
    wrong = WebClient(app).get("/reset-password/not-a-token")
    assert wrong.status_code == 410 and "This link is not right" in wrong.text
    fresh = engine_of(app).reset_password("sam", ADMIN)
    assert WebClient(app).get(f"/reset-password/{fresh}").status_code == 200


# --- deactivation hands tasks over --------------------------------------------------------


def start_tasks(app) -> dict[str, int]:
    """Three tasks on the demo case: one sam claimed, one offered to sam and mia, one to sam
    alone. Returns task ids by name."""
    engine = engine_of(app)
    tasks = {
        "Held": 'camunda:candidateGroups="childrens-social-care:practitioner"',
        "Shared": 'camunda:candidateUsers="sam,mia"',
        "Only sam": 'camunda:candidateUsers="sam"',
    }
    ids = {}
    for number, (name, attrs) in enumerate(tasks.items()):
        key = f"handover-{number}"
        body = '<bpmn:startEvent id="start"/>' + user_task("work", name, attrs)
        body += '<bpmn:endEvent id="end"/>' + flow("start", "work") + flow("work", "end")
        engine.deploy([resource(f"{key}.bpmn", bpmn(key, body))], actor=Actor.engine("owner"))
        ref = engine.start(key, {}, case_ref=DEMO_CASE, actor=Actor.engine("owner"))
        with engine.db.reading() as session:
            query = select(HumanTask.id).where(HumanTask.instance_id == ref.id)
            ids[name] = session.scalars(query).one()
    engine.claim(ids["Held"], engine.person("sam", ADMIN).actor())
    return ids


def candidates(app, task_id: int) -> set[tuple[str, str, bool]]:
    with engine_of(app).db.reading() as session:
        query = select(TaskCandidate).where(TaskCandidate.human_task_id == task_id)
        return {(row.kind, row.value, row.offered) for row in session.scalars(query)}


def test_deactivating_hands_tasks_to_the_manager_s_team_and_ends_sessions(app, web, api):
    ids = start_tasks(app)
    sam = web("sam")
    assert api("GET", "/api/v1/tasks", "sam").status_code == 200
    admin = web("admin")
    done = admin.post("/admin/people/sam/deactivate")
    page = admin.get(done.headers["Location"]).text
    assert "2 of their open tasks went to their manager Cal Team Manager&#39;s team queue" in page
    assert "1 other task(s) stay with their other candidates" in page
    assert (
        sam.get("/inbox").status_code == 302
        and api("GET", "/api/v1/tasks", "sam").status_code == 401
    )
    with engine_of(app).db.reading() as session:
        held, shared, alone = (
            session.get(HumanTask, ids[n]) for n in ("Held", "Shared", "Only sam")
        )
    assert held.assignee is None and held.status == "open"
    assert held.candidate_groups == ["childrens-social-care:practitioner", "team:csc-east"]
    assert ("group", "team:csc-east", True) in candidates(app, held.id)
    assert shared.candidate_users == ["mia"] and candidates(app, shared.id) == {
        ("user", "mia", True)
    }
    assert alone.candidate_groups == ["team:csc-east"] and alone.candidate_users == []
    cal = engine_of(app).person("cal", ADMIN).actor()
    team_tab = {task.id for task in engine_of(app).inbox(cal, "team").tasks}
    assert {held.id, alone.id} <= team_tab
    engine_of(app).claim(alone.id, cal)  # the team can pick it up
    [event] = audit(app, "person_deactivated")
    assert event.actor == "admin" and event.details["tasks_to"] == "team:csc-east"
    assert sorted(event.details["moved"]) == sorted([held.id, alone.id])
    moved = audit(app, "task_handed_over")
    assert {e.details["task_id"] for e in moved} == {held.id, alone.id}
    assert all(e.details["from"] == "sam" and e.instance_id for e in moved)
    engine_of(app).reactivate_person("sam", ADMIN)
    assert WebClient(app).sign_in("sam").get("/inbox").status_code == 200
    assert engine_of(app).person("sam", ADMIN).active


def test_without_a_manager_s_team_tasks_go_to_the_own_team_then_agency_managers(app):
    engine = engine_of(app)
    engine.update_person("amy", ADMIN, {"team": ""})  # pat's manager now has no team
    assert engine.deactivate_person("pat", ADMIN).group == "team:amh-north"
    engine.update_person("dan", ADMIN, {"manager": ""})
    handed = engine.deactivate_person("dan", ADMIN)
    assert handed.group == "drug-and-alcohol:manager" and "agency's managers" in handed.why


# --- CSV import ---------------------------------------------------------------------------

HEADER = "username,display_name,email,agency,team,roles,manager\n"
GOOD_CSV = HEADER + (
    "lou,Lou Lead,lou@joinedup.test,childrens-social-care,csc-east,manager,\n"
    "kai,Kai Keyworker,kai@joinedup.test,childrens-social-care,csc-east,practitioner;mash,lou\n"
    "sam,Sam Social Worker,sam@new.test,childrens-social-care,csc-east,practitioner,lou\n"
)
BAD_CSV = HEADER + (
    "lou,Lou Lead,lou@joinedup.test,childrens-social-care,csc-east,manager,\n"
    "kai,,kai@joinedup.test,nowhere,csc-east,wizard,\n"
    "lou,Lou Again,,police,no-such-team,practitioner,nobody\n"
)


def upload(client, text: str):
    from io import BytesIO

    data = {"file": (BytesIO(text.encode("utf-8")), "people.csv")}
    return client.post("/admin/people/import", data, content_type="multipart/form-data")


def test_a_csv_with_problems_imports_nothing_and_lists_every_one(app, web):
    refused = upload(web("admin"), BAD_CSV)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Nothing was imported" in html
    for problem in (
        "line 3, display_name: Enter the person&#39;s full name",
        "line 3, agency: Choose the agency",
        "line 3, roles: Choose at least one role (not a role: wizard)",
        "line 4, username: lou is also on line 2",
        "line 4, team: There is no active team with the code no-such-team",
        "line 4, manager: There is no active person with the username nobody",
    ):
        assert problem in html
    assert engine_of(app).people(ADMIN, "lou").items == []
    header = upload(web("admin"), "name,email\nx,y\n")
    assert header.status_code == 422 and "line 1: the header must name the columns" in header.text
    assert upload(web("admin"), "").status_code == 422


def test_a_valid_csv_adds_and_updates_in_one_go(app, web, jobs, smtp):  # noqa: F811
    admin = web("admin")
    done = upload(admin, GOOD_CSV)
    assert done.status_code == 302
    assert "Imported: 2 added, 1 updated" in admin.get("/admin/people").text
    kai = engine_of(app).person("kai", ADMIN)
    assert kai.roles == ["mash", "practitioner"] and kai.manager == "lou"
    assert engine_of(app).person("sam", ADMIN).email == "sam@new.test"
    assert {"team:csc-east", "mash"} <= groups_of(app, "kai")
    [event] = audit(app, "people_imported")
    assert event.details == {"added": ["lou", "kai"], "updated": ["sam"]}
    jobs.deliver()
    assert len(smtp.inbox.to("kai@joinedup.test")) == 1  # a link to set a password


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def run(database_url):
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, ["--database", database_url, *args], input=input)

    return invoke


def test_create_admin_is_the_first_run_command_and_refuses_a_second(run, tmp_path):
    created = run("create-admin", "root", "--name", "Rita Root", "--email", "rita@example.org",
                  input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "Administrator root created" in created.output
    again = run("create-admin", "rory", "--name", "Rory Root", input="x\nx\n")
    assert again.exit_code == 1
    assert again.output.strip() == (
        "Error: An active administrator (root) already exists: use --another to add one more"
    )
    secret = tmp_path / "password"
    secret.write_text("short\n")
    weak = run("create-admin", "rory", "--name", "Rory Root", "--another",
               "--password-file", str(secret))  # fmt: skip
    assert weak.exit_code == 1 and "at least 12 characters" in weak.output
    secret.write_text(f"{NEW_PASSWORD}\n")
    another = run("create-admin", "rory", "--name", "Rory Root", "--another",
                  "--password-file", str(secret))  # fmt: skip
    assert another.exit_code == 0
    listed = run("people", "list").output
    assert "root" in listed and "rory" in listed and "safeguarding-partnership" in listed


def test_people_and_teams_commands(run, database_url, tmp_path):
    from engine.config import open_engine

    assert run("teams", "add", "csc-west", "--name", "CSC West",
               "--agency", "childrens-social-care").exit_code == 0  # fmt: skip
    assert "csc-west" in run("teams", "list").output
    bad = run("people", "add", "bo", "--name", "Bo", "--agency", "nowhere", "--role", "x")
    assert bad.exit_code == 1 and "agency: Choose the agency" in bad.output
    added = run("people", "add", "bo", "--name", "Bo Brook", "--agency", "childrens-social-care",
                "--team", "csc-west", "--role", "practitioner")  # fmt: skip
    assert added.exit_code == 0 and "/reset-password/" in added.output
    assert run("people", "edit", "bo", "--role", "manager").exit_code == 0
    engine = open_engine(database_url)
    assert engine.person("bo", Actor.engine()).roles == ["manager"]
    reset = run("people", "reset-password", "bo")
    assert reset.exit_code == 0 and "/reset-password/" in reset.output
    gone = run("people", "deactivate", "bo")
    assert "0 open task(s) went to team:csc-west" in gone.output
    assert "(deactivated)" in run("people", "list", "--search", "bo").output
    file = tmp_path / "people.csv"
    file.write_text(BAD_CSV)
    refused = run("people", "import", str(file))
    assert refused.exit_code == 1 and "line 4, username: lou is also on line 2" in refused.output
    file.write_text(HEADER + "cy,Cy Clark,,childrens-social-care,csc-west,practitioner,bo\n")
    assert "manager: There is no active person" in run("people", "import", str(file)).output
    assert run("people", "reactivate", "bo").output.strip() == "bo can sign in again."
    assert run("people", "import", str(file)).output.strip() == "1 added, 0 updated."


def test_reset_emails_are_not_a_notification_setting(web):
    page = web("cal").get("/notifications/settings").get_data(as_text=True)
    assert "A task has been assigned to you" in page and "Set your JoinedUp password" not in page


def test_the_last_administrator_cannot_be_deactivated_or_demoted(app, web):
    from engine.errors import Conflict

    engine = engine_of(app)
    with pytest.raises(Conflict, match="no active administrator"):
        engine.deactivate_person("admin", ADMIN)
    refused = web("admin").post("/admin/people/admin", data={**PERSON, "roles": ["manager"]})
    assert refused.status_code == 409 and "no active administrator" in refused.text
    assert "govuk-error-summary" in refused.text and 'href="#roles"' in refused.text
    assert 'value="Kit Keeper"' in refused.text  # the form again, with what was typed
    assert engine.person("admin", ADMIN).active and engine.person("admin", ADMIN).roles == ["admin"]
    engine.update_person("owner", ADMIN, {"roles": ["process-owner", "admin"]})
    engine.deactivate_person("admin", ADMIN)  # another remains


def test_people_keep_a_closed_team_or_a_departed_manager_when_edited(app, web):
    engine = engine_of(app)
    engine.update_team("amh-north", ADMIN, {"active": False})
    engine.deactivate_person("amy", ADMIN)
    engine.update_person("pat", ADMIN, {"display_name": "Pat P"})  # team and manager kept
    admin = web("admin")
    page = admin.get("/admin/people/pat").text
    assert 'value="amh-north" selected>Adult mental health north' in page and "closed" in page
    assert "amh-north" not in admin.get("/admin/people/sam").text  # not offered to others
    from engine.errors import InvalidSubmission

    with pytest.raises(InvalidSubmission, match="no active team"):
        engine.update_person("sam", ADMIN, {"agency": "adult-mental-health", "team": "amh-north"})


def test_search_takes_what_was_typed_literally(app):
    engine = engine_of(app)
    assert engine.people(ADMIN, "%").items == [] and engine.teams(ADMIN, "_").items == []
    assert [u.username for u in engine.people(ADMIN, "PRACTITIONER").items] == ["pat"]
    assert [t.code for t in engine.teams(ADMIN, "mash").items] == ["mash"]


def test_the_api_reactivates_resets_and_imports(app, api):
    engine = engine_of(app)
    engine.deactivate_person("dan", ADMIN)
    back = api("POST", "/api/v1/people/dan/reactivate", "admin", json={})
    assert back.status_code == 200 and back.json["person"]["active"] is True
    reset = api("POST", "/api/v1/people/dan/reset-password", "admin", json={})
    assert reset.status_code == 200 and "/reset-password/" in reset.json["password_link"]
    assert engine.authenticate("dan", DEMO_PASSWORD) is None  # the old password is gone
    good = HEADER + "quin,Quin Query,quin@joinedup.test,police,,practitioner,\n"
    imported = api("POST", "/api/v1/people/import", "admin", json={"csv": good})
    assert imported.status_code == 200 and imported.json == {"added": ["quin"], "updated": []}
    bad = HEADER + "rex,Rex,rex@joinedup.test,nowhere,,practitioner,\n"
    refused = api("POST", "/api/v1/people/import", "admin", json={"csv": bad})
    assert refused.status_code == 422 and "line 2" in refused.get_data(as_text=True)
    assert api("POST", "/api/v1/people/import", "admin", json={"csv": 3}).status_code == 422
    assert api("POST", "/api/v1/people/import", "pat", json={"csv": good}).status_code == 404

"""Who may see and change what, across agencies: takeover by reassignment, 404 for anything a
person may not see, parties who may not decide their own escalation, process ownership per
key, and instances without a case.

Demo data (engine.demo): case DEMO-001 (Taylor family) involves children's social care, adult
mental health and others - not the police. Pat (adult mental health, team amh-north) has raised
a professional difference; Amy manages amh-north, Cal manages csc-east (children's social care).
"""

from __future__ import annotations

import io
import re

import pytest
from click.testing import CliRunner

from engine.demo import DEMO_CASE
from engine.errors import NotFound, NotPermitted, TaskAlreadyClaimed
from engine.models import HumanTask, ProcessInstance
from engine.resources import read_resource
from webapp import engine_of
from webapp.cli import main

from .helpers import WORKFLOWS, add_csc_process_owner, bpmn, flow, linear, user_task
from .test_engine_rest import basic
from .test_engine_rest import deploy as modeler_deploy
from .test_professional_differences import DIFFERENCE, S1_OTHER, S1_RAISER, S2_RAISER
from .test_web import DESCRIBE, actor_of, complete

PD = "professional-differences"
SECRETS = (DEMO_CASE, "Taylor", DESCRIBE, "Pat Practitioner")


def held_task(app, username: str, name: str = DESCRIBE) -> HumanTask:
    engine = engine_of(app)
    return next(t for t in engine.inbox(actor_of(app, username), "all").tasks if t.name == name)


def break_glass(app, username: str, case_ref: str = DEMO_CASE) -> None:
    """``username`` opens a break-glass window on the case (they must hold an eligible role)."""
    reason = "Reviewing the escalation on this case"
    engine_of(app).open_break_glass(case_ref, reason, actor_of(app, username))


def held_request(app) -> HumanTask:
    """Pat's "Record the request" (information request on DEMO-001): held by Pat, offered to
    practitioners (a raiser's own difference is theirs alone, so it is no example)."""
    engine_of(app).start_on_case("information-request", DEMO_CASE, actor_of(app, "pat"))
    return held_task(app, "pat", "Record the request")


def demo_instance_id(app) -> int:
    return held_task(app, "pat").instance_id


# --- 1. unassigning is reassigning -----------------------------------------------------------


@pytest.mark.parametrize("manager", ["cal", "chair"])
def test_a_manager_of_another_team_cannot_unassign_or_take_a_held_task(app, manager):
    engine, task = engine_of(app), held_request(app)
    if manager == "chair":  # no work on the case: it does not exist for her until she looks
        with pytest.raises(NotFound):
            engine.assign(task.id, None, actor_of(app, manager))
        break_glass(app, manager)
    with pytest.raises(NotPermitted, match="Only a manager of the team"):
        engine.assign(task.id, None, actor_of(app, manager))
    with pytest.raises(NotPermitted, match="Only a manager of the team"):
        engine.assign(task.id, "sam", actor_of(app, manager))
    with pytest.raises(TaskAlreadyClaimed):
        engine.claim(task.id, actor_of(app, "sam"))
    assert held_task(app, "pat", task.name).assignee == "pat"


def test_the_holders_own_manager_may_unassign_and_reassign(app):
    engine, task = engine_of(app), held_task(app, "pat")
    engine.assign(task.id, None, actor_of(app, "amy"))
    with engine.db.reading() as session:
        assert session.get(HumanTask, task.id).assignee is None
    engine.assign(task.id, "pat", actor_of(app, "amy"))
    assert held_task(app, "pat").assignee == "pat"


def test_an_unheld_task_goes_only_to_a_member_of_a_manager_team_who_could_do_it(app):
    engine, task = engine_of(app), held_request(app)
    engine.unclaim(task.id, actor_of(app, "pat"))
    with pytest.raises(NotPermitted, match="not in your team"):
        engine.assign(task.id, "pat", actor_of(app, "hos"))
    engine.assign(task.id, "sam", actor_of(app, "cal"))  # csc is involved, sam a practitioner
    assert held_task(app, "sam", task.name).assignee == "sam"


@pytest.mark.parametrize(
    ("manager", "status"), [("cal", 403), ("hos", 403), ("chair", 404), ("amy", 302)]
)
def test_unassigning_over_http_needs_the_holders_own_manager(app, web, manager, status):
    task = held_task(app, "pat")
    response = web(manager).post(f"/tasks/{task.id}/assign", {"assignee": ""})
    assert response.status_code == status
    assert "Pat Practitioner" not in response.get_data(as_text=True)


# --- 2. what a person may not see answers 404 and names nothing -------------------------------


def routes(task_id: int, case_ref: str, instance_id: int) -> list[tuple[str, str, dict | None]]:
    """Every route that takes a task id, case reference or instance id: (method, url, body)."""
    t, c, i = task_id, case_ref, instance_id
    form = {"action": "complete", "concern": "x"}
    return [
        ("GET", f"/tasks/{t}", None),
        ("POST", f"/tasks/{t}", form),
        ("POST", f"/tasks/{t}", {"action": "draft"}),
        ("POST", f"/tasks/{t}/claim", {}),
        ("POST", f"/tasks/{t}/unclaim", {}),
        ("POST", f"/tasks/{t}/assign", {"assignee": ""}),
        ("POST", f"/tasks/{t}/assign", {"assignee": "pc"}),
        ("POST", f"/approvals/{t}", {"decision": "approve", "reason": "Because"}),
        ("GET", f"/cases/{c}", None),
        ("POST", f"/cases/{c}/start/{PD}", {}),
        ("GET", f"/instances/{i}", None),
        ("GET", f"/instances/{i}/diagram", None),
        ("GET", f"/api/v1/tasks/{t}", None),
        ("JSON", f"/api/v1/tasks/{t}/claim", {}),
        ("JSON", f"/api/v1/tasks/{t}/complete", {"variables": {"concern": "x"}}),
        ("GET", f"/api/v1/cases/{c}", None),
        ("JSON", f"/api/v1/cases/{c}/start", {"process": PD}),
        ("GET", f"/api/v1/instances/{i}", None),
    ]


ROUTE_NAMES = [f"{method} {url}" for method, url, _ in routes(0, "REF", 0)]


def call(client, method: str, url: str, body: dict | None):
    if method == "GET":
        return client.get(url)
    if method == "JSON":
        return client.client.post(url, json=body)
    return client.post(url, body)


def message_of(response) -> tuple[int, str]:
    """The status and the error's words (JSON message, or the error page's heading and text)."""
    if response.is_json:
        return response.status_code, response.get_json()["error"]["message"]
    html = response.get_data(as_text=True)
    found = re.search(
        r'<h1 class="govuk-heading-l">(.*?)</h1>\s*<p class="govuk-body">(.*?)</p>', html
    )
    return response.status_code, " / ".join(found.groups()) if found else html


@pytest.mark.parametrize("index", range(len(ROUTE_NAMES)), ids=ROUTE_NAMES)
def test_an_uninvolved_practitioner_gets_404_naming_nothing_same_as_a_missing_id(app, web, index):
    pc = web("pc")  # police: not involved in DEMO-001
    task = held_task(app, "pat")
    method, url, body = routes(task.id, DEMO_CASE, task.instance_id)[index]
    response = call(pc, method, url, body)
    text = response.get_data(as_text=True)
    assert response.status_code == 404, text
    assert not [secret for secret in SECRETS if secret in text]
    method, url, body = routes(999_999, "NOPE-999", 999_999)[index]
    missing = call(pc, method, url, body)
    assert message_of(missing) == message_of(response)


def test_a_completed_task_says_nothing_of_who_completed_it_to_someone_who_cannot_see_it(app, web):
    task = held_task(app, "pat")
    complete(app, "pat", DESCRIBE, **DIFFERENCE)
    pc = web("pc")
    for response in (
        pc.post(f"/tasks/{task.id}/claim"),
        pc.client.post(f"/api/v1/tasks/{task.id}/complete", json={"variables": {}}),
        pc.client.post(f"/api/v1/tasks/{task.id}/claim", json={}),
    ):
        text = response.get_data(as_text=True)
        assert response.status_code == 404
        assert "pat" not in text.lower().replace("path", "") and DESCRIBE not in text


def test_someone_who_sees_the_case_but_may_not_act_gets_403_without_the_holders_name(app, web):
    task = held_task(app, "pat")
    response = web("sam").client.post(f"/api/v1/tasks/{task.id}/complete", json={"variables": {}})
    assert response.status_code == 403
    assert "pat" not in response.get_json()["error"]["message"].lower()


# --- 3. a party to a difference never decides it at a later rung -------------------------------


def raise_as_senior_manager(app):
    """Sen (children's social care senior manager) raises a difference with pat herself; stage 1
    is not resolved, so her own agency's senior managers are asked for its stage 2 position."""
    engine, sen, pat = engine_of(app), actor_of(app, "sen"), actor_of(app, "pat")
    engine.start_on_case(PD, DEMO_CASE, sen)
    other = {"other_agency": "adult-mental-health", "other_practitioner": "pat"}
    for person, name, data in (
        (sen, DESCRIBE, {**DIFFERENCE, **other}),
        (sen, S1_RAISER, {"s1_raiser_position": "Disagree", "s1_raiser_resolved": "no"}),
        (pat, S1_OTHER, {"s1_other_position": "Disagree", "s1_other_resolved": "no"}),
    ):
        task = next(t for t in engine.inbox(person, "mine").tasks if t.name == name)
        side = "raiser" if name == S1_RAISER else "other"
        risk = {} if name == DESCRIBE else {f"s1_{side}_immediate_risk": "no"}
        engine.complete(task.id, {**data, **risk}, person)
    return next(t for t in engine.inbox(sen, "team").tasks if t.name == S2_RAISER)


def test_the_senior_manager_who_raised_a_difference_cannot_decide_it_at_stage_two(app):
    engine, sen, position = engine_of(app), actor_of(app, "sen"), raise_as_senior_manager(app)
    took_part = "You took part in this difference at stage 1"
    answer = {"s2_raiser_position": "Mine", "s2_raiser_immediate_risk": "no"}
    with pytest.raises(NotPermitted, match=took_part):
        engine.complete(position.id, answer, sen)
    with pytest.raises(NotPermitted, match=took_part):
        engine.claim(position.id, sen)
    engine.create_user(
        username="sly",
        password="joinedup-demo-2026",
        display_name="Sly Senior Manager",
        agency="childrens-social-care",
        roles=["senior-manager"],
    )
    engine.complete(position.id, answer, actor_of(app, "sly"))
    with engine.db.reading() as session:
        assert session.get(HumanTask, position.id).completed_by == "sly"


def test_the_raiser_is_refused_over_http_with_a_clear_message(app, web):
    position = raise_as_senior_manager(app)
    response = web("sen").client.post(
        f"/api/v1/tasks/{position.id}/complete",
        json={"variables": {"s2_raiser_position": "Mine", "s2_raiser_immediate_risk": "no"}},
    )
    assert response.status_code == 403
    assert "You took part in this difference" in response.get_json()["error"]["message"]


NOT_BY_STAGE = bpmn(
    "decided",
    '<bpmn:startEvent id="start" camunda:initiator="raised_by"/>'
    + user_task("first", "First stage", 'camunda:candidateGroups="practitioner"')
    + '<bpmn:userTask id="decide" name="Decide" camunda:candidateGroups="manager">'
    "<bpmn:extensionElements><camunda:properties>"
    '<camunda:property name="not_by" value="raised_by"/>'
    '<camunda:property name="not_by_completers_of" value="first"/>'
    "</camunda:properties></bpmn:extensionElements></bpmn:userTask>"
    '<bpmn:endEvent id="end"/>'
    + flow("start", "first")
    + flow("first", "decide")
    + flow("decide", "end"),
)


def test_whoever_completed_an_earlier_stage_as_a_party_cannot_decide(scenario, engine):
    scenario.deploy("decided.bpmn", NOT_BY_STAGE)
    starter = scenario.as_user("starter", "practitioner")
    both = scenario.as_user("both", "practitioner", "manager")
    starter.start("decided")
    both.complete("First stage")
    decide = scenario.as_user("mgr", "manager").task("Decide")
    for person in (both, scenario.as_user("starter", "practitioner", "manager")):
        with pytest.raises(NotPermitted, match="a party to this"):
            engine.complete(decide.id, {}, person.actor)
    engine.complete(decide.id, {}, scenario.as_user("mgr", "manager").actor)


# --- 4. process ownership per key --------------------------------------------------------------


@pytest.fixture
def csc_owner(app):
    """A children's social care process owner (not one of the partnership's)."""
    add_csc_process_owner(engine_of(app))
    return actor_of(app, "cpo")


def changed_shipped_process(label: str = "v2") -> list:
    text = (WORKFLOWS / f"{PD}.bpmn").read_text()
    return [read_resource(f"{PD}.bpmn", text.replace("(escalation)", f"(escalation, {label})"))]


def test_a_process_owner_cannot_replace_a_process_owned_by_others(app, csc_owner):
    engine = engine_of(app)
    with pytest.raises(NotPermitted) as refused:
        engine.deploy(changed_shipped_process(), actor=csc_owner)
    assert PD in str(refused.value) and "safeguarding-partnership:process-owner" in str(
        refused.value
    )
    engine.deploy(changed_shipped_process(), actor=actor_of(app, "owner"))


def test_the_first_deployer_of_a_new_key_owns_it(app, csc_owner):
    engine = engine_of(app)
    first = [read_resource("visits.bpmn", linear("visits", "visit"))]
    engine.deploy(first, actor=csc_owner)
    assert engine.process_owners("visits", csc_owner) == ["cpo"]
    second = [read_resource("visits.bpmn", linear("visits", "visit", "report"))]
    with pytest.raises(NotPermitted, match="'visits' is owned by cpo"):
        engine.deploy(second, actor=actor_of(app, "owner"))
    assert engine.deploy(second, actor=csc_owner).deployed[0].version == 2
    third = [read_resource("visits.bpmn", linear("visits", "visit", "report", "close"))]
    assert engine.deploy(third, actor=actor_of(app, "admin")).deployed[0].version == 3


def test_only_owners_migrate_instances_and_administrators_set_owners(app, csc_owner):
    engine, owner, admin = engine_of(app), actor_of(app, "owner"), actor_of(app, "admin")
    engine.deploy(changed_shipped_process(), actor=owner)
    v2, v1 = (v.definition.id for v in engine.definition_versions(owner, PD))
    with pytest.raises(NotPermitted, match=PD):
        engine.migrate_instances(v1, v2, csc_owner)
    with pytest.raises(NotPermitted, match="Only administrators"):
        engine.set_process_owners(PD, owner, add=["cpo"])
    assert engine.set_process_owners(PD, admin, add=["cpo"]) == ["cpo"]
    assert engine.migrate_instances(v1, v2, csc_owner).moved == [demo_instance_id(app)]
    with pytest.raises(NotPermitted, match="owned by cpo"):
        engine.deploy(changed_shipped_process("v3"), actor=owner)


def test_web_upload_and_the_modeler_refuse_a_process_owned_by_others(app, web, csc_owner):
    text = (WORKFLOWS / f"{PD}.bpmn").read_text().replace("(escalation)", "(changed)")
    upload = {"files": (io.BytesIO(text.encode()), f"{PD}.bpmn"), "name": "x"}
    response = web("cpo").post("/admin/deploy", upload, content_type="multipart/form-data")
    assert response.status_code == 403 and PD in response.get_data(as_text=True)
    refused = modeler_deploy(app.test_client(), {f"{PD}.bpmn": text}, headers=basic("cpo"))
    assert refused.status_code == 403 and PD in refused.get_json()["message"]
    accepted = modeler_deploy(app.test_client(), {f"{PD}.bpmn": text}, headers=basic("owner"))
    assert accepted.status_code == 200


def test_the_operator_sets_owners_from_the_command_line(database_url):
    runner = CliRunner()
    run = lambda *args: runner.invoke(main, ["--database", database_url, *args])  # noqa: E731
    assert run("owners", PD).output.strip() == f"{PD}: safeguarding-partnership:process-owner"
    added = run("owners", PD, "--add", "cpo", "--add", "childrens-social-care:process-owner")
    assert added.exit_code == 0
    assert added.output.strip() == f"{PD}: childrens-social-care:process-owner, cpo"


# --- 5. instances without a case --------------------------------------------------------------

LOOSE = bpmn(
    "loose",
    '<bpmn:startEvent id="start"/>'
    + user_task(
        "note", "Write the note", 'camunda:candidateGroups="adult-mental-health:practitioner"'
    )
    + '<bpmn:endEvent id="end"/>'
    + flow("start", "note")
    + flow("note", "end"),
)


@pytest.fixture
def loose(app):
    """An instance started by Amy with no case; its task is for adult mental health."""
    engine = engine_of(app)
    engine.deploy([read_resource("loose.bpmn", LOOSE)], deployed_by="owner")
    ref = engine.start("loose", actor=actor_of(app, "amy"))
    with engine.db.reading() as session:
        assert session.get(ProcessInstance, ref.id).case_ref is None
    return ref.id


@pytest.mark.parametrize(
    ("username", "status"),
    [("amy", 200), ("owner", 200), ("admin", 200), ("sam", 404), ("pat", 404), ("cal", 404)],
)
def test_an_instance_without_a_case_is_for_its_starter_owners_and_administrators(
    web, loose, username, status
):
    client = web(username)
    assert client.get(f"/instances/{loose}").status_code == status
    assert client.get(f"/api/v1/instances/{loose}").status_code == status
    assert client.get(f"/instances/{loose}/diagram").status_code == status


def test_a_candidate_still_sees_and_does_a_task_of_an_instance_without_a_case(app, loose):
    engine, pat, sam = engine_of(app), actor_of(app, "pat"), actor_of(app, "sam")
    task = held_task(app, "pat", "Write the note")
    with pytest.raises(NotFound, match="No such task"):
        engine.claim(task.id, sam)
    with pytest.raises(NotFound):
        engine.task_view(task.id, sam)
    engine.claim(task.id, pat)
    assert engine.task_view(task.id, pat).task.name == "Write the note"
    engine.complete(task.id, {}, pat)


def test_the_process_page_says_who_owns_the_process(app, web, csc_owner):
    engine_of(app).set_process_owners(PD, actor_of(app, "admin"), add=["cpo"])
    page = web("owner").get(f"/admin/processes/{PD}").get_data(as_text=True)
    assert "Owned by cpo" in page

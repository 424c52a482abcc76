"""Camunda Modeler's Deploy and Start buttons, replayed request by request (shared/MODELER.md:
what camunda-modeler 5.50.1 sends, checked on the wire)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest

from engine.demo import DEMO_PASSWORD
from webapp import engine_of

from .helpers import WORKFLOWS, bpmn, flow, linear

BASE = "/engine-rest"


def basic(username: str, password: str = DEMO_PASSWORD) -> dict:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}", "accept": "application/json"}


OWNER = basic("owner")


def deploy(client, files: dict[str, str], headers=OWNER, **fields):
    data = {
        "deployment-name": "diagram",
        "deployment-source": "Camunda Modeler",
        "enable-duplicate-filtering": "true",
        **fields,
    }
    for name, text in files.items():
        kind = "text/xml" if name == next(iter(files)) else "application/octet-stream"
        data[name] = (io.BytesIO(text.encode()), name, kind)
    return client.post(
        f"{BASE}/deployment/create", data=data, headers=headers, content_type="multipart/form-data"
    )


@pytest.fixture
def client(app):
    return app.test_client()


def test_the_connection_check_asks_for_credentials_then_accepts_a_process_owner(client):
    assert client.get(f"{BASE}/deployment?maxResults=0").status_code == 401
    undefined = client.get(
        f"{BASE}/deployment?maxResults=0", headers={"Authorization": "undefined"}
    )
    assert (
        undefined.status_code == 401 and undefined.get_json()["type"] == "AuthenticationException"
    )
    assert client.get(f"{BASE}/deployment?maxResults=0", headers=OWNER).status_code == 200
    assert client.get(f"{BASE}/version").get_json() == {"version": "7.22.0"}


def test_only_process_owners_may_deploy(client):
    # a right password without the role and a wrong one get the same answer (no oracle)
    not_owner = client.get(f"{BASE}/deployment?maxResults=0", headers=basic("pat"))
    wrong = client.get(f"{BASE}/deployment?maxResults=0", headers=basic("owner", "wrong"))
    assert not_owner.status_code == wrong.status_code == 401
    assert not_owner.get_json() == wrong.get_json()


def test_a_bearer_token_works_as_well(app, client):
    token = engine_of(app).issue_token("owner")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{BASE}/deployment?maxResults=0", headers=headers).status_code == 200


def test_cors_preflight_is_answered_before_auth(client):
    response = client.open(f"{BASE}/deployment/create", method="OPTIONS")
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "null"
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]


def test_deploy_new_unchanged_and_changed_then_start_an_old_definition_id(app, client):
    first = deploy(client, {"steps.bpmn": linear("steps", "one", name="Steps")})
    body = first.get_json()
    assert first.status_code == 200 and body["source"] == "Camunda Modeler"
    [(v1_id, v1)] = body["deployedProcessDefinitions"].items()
    assert (v1["key"], v1["version"], v1["resource"], v1["deploymentId"]) == (
        "steps",
        1,
        "steps.bpmn",
        body["id"],
    )
    assert body["deploymentTime"].endswith("+0000") and body["deployedDecisionDefinitions"] is None

    again = deploy(client, {"steps.bpmn": linear("steps", "one", name="Steps")}).get_json()
    assert again["deployedProcessDefinitions"] is None and again["id"] == body["id"]
    older_modeler = deploy(
        client,
        {"steps.bpmn": linear("steps", "one", name="Steps")},
        **{"enable-duplicate-filtering": "", "deploy-changed-only": "true"},
    )
    assert older_modeler.get_json()["deployedProcessDefinitions"] is None

    changed = deploy(client, {"steps.bpmn": linear("steps", "one", "two", name="Steps")}).get_json()
    [(v2_id, v2)] = changed["deployedProcessDefinitions"].items()
    assert v2["version"] == 2 and v2_id != v1_id

    started = client.post(
        f"{BASE}/process-definition/{v1_id}/start",
        headers=OWNER,
        json={
            "businessKey": "B-1",
            "variables": {"count": {"value": 1, "type": "Integer", "valueInfo": {}}},
        },
    )
    result = started.get_json()
    assert (
        started.status_code == 200 and result["definitionId"] == v1_id and result["ended"] is False
    )
    instance = engine_of(app).instance_detail(
        int(result["id"]), engine_of(app).authenticate("owner", DEMO_PASSWORD).actor()
    )
    assert instance["instance"].business_key == "B-1" and instance["variables"]["count"] == 1
    assert [t.name for t in instance["tasks"]] == ["one"]


def test_start_by_key_takes_plain_variables_too(client):
    deploy(client, {"steps.bpmn": linear("steps", "one")})
    response = client.post(
        f"{BASE}/process-definition/key/steps/start",
        headers=OWNER,
        json={"businessKey": None, "variables": {"note": "plain"}},
    )
    assert response.status_code == 200 and response.get_json()["businessKey"] is None
    missing = client.post(f"{BASE}/process-definition/key/nope/start", headers=OWNER, json={})
    assert missing.status_code == 404 and "No process 'nope'" in missing.get_json()["message"]


def test_a_broken_diagram_is_a_camunda_parse_exception_and_nothing_is_deployed(app, client):
    broken = bpmn(
        "broken",
        '<bpmn:startEvent id="start"/><bpmn:userTask id="t" camunda:dueDate="${soon()}"/>'
        + flow("start", "t"),
    )
    response = deploy(client, {"broken.bpmn": broken})
    body = response.get_json()
    assert response.status_code == 400 and body["type"] == "ParseException"
    assert body["message"].startswith("ENGINE-09005 Could not parse BPMN process.")
    assert (
        "broken.bpmn, element 't'" in body["message"]
        and "unknown function 'soon'" in body["message"]
    )
    assert (
        client.post(
            f"{BASE}/process-definition/key/broken/start", headers=OWNER, json={}
        ).status_code
        == 404
    )


def test_a_diagram_with_its_decision_deploys_together(client):
    response = deploy(
        client,
        {
            "decide.bpmn": bpmn(
                "decide",
                '<bpmn:startEvent id="s"/><bpmn:businessRuleTask id="r" '
                'camunda:decisionRef="information_sharing"/><bpmn:endEvent id="e"/>'
                + flow("s", "r")
                + flow("r", "e"),
            ),
            "information-sharing.dmn": (WORKFLOWS / "information-sharing.dmn").read_text(),
        },
        **{"enable-duplicate-filtering": "false"},  # the demo already deployed this DMN
    ).get_json()
    [process] = response["deployedProcessDefinitions"].values()
    [decision] = response["deployedDecisionDefinitions"].values()
    assert process["key"] == "decide"
    assert (decision["key"], decision["resource"]) == (
        "information_sharing",
        "information-sharing.dmn",
    )


def test_a_decision_requirements_graph_deploys_from_the_modeler(client):
    """A DMN file with several decisions (one requiring another) used to answer 500."""
    graph = Path(__file__).parent / "conformance" / "diagrams" / "dmn_requirements_graph.dmn"
    response = deploy(client, {"referral.dmn": graph.read_text()})
    assert response.status_code == 200
    [decision] = response.get_json()["deployedDecisionDefinitions"].values()
    assert (decision["key"], decision["resource"]) == ("referral_decision", "referral.dmn")


def test_a_camunda_form_is_deployed_with_its_diagram(client):
    diagram = bpmn(
        "ask",
        '<bpmn:startEvent id="start"/><bpmn:userTask id="describe" '
        'camunda:candidateGroups="practitioner" camunda:formRef="concern_form"/>'
        '<bpmn:endEvent id="end"/>' + flow("start", "describe") + flow("describe", "end"),
    )
    form = (Path(__file__).parent / "forms" / "concern.form").read_text()
    response = deploy(client, {"ask.bpmn": diagram, "concern.form": form})
    assert response.status_code == 200
    [process] = response.get_json()["deployedProcessDefinitions"].values()
    assert process["key"] == "ask"
    broken = form.replace('"type": "checkbox"', '"type": "taglist"')
    refused = deploy(client, {"ask.bpmn": diagram, "concern.form": broken})
    body = refused.get_json()
    assert refused.status_code == 400 and body["type"] == "ParseException"
    assert "concern.form, element 'Field_10t8f2q', line" in body["message"]
    assert "type 'taglist' is not supported" in body["message"]
    other = deploy(client, {"steps.bpmn": linear("steps", "one"), "notes.txt": "hello"})
    assert other.status_code == 400 and "notes.txt" in other.get_json()["message"]


def test_the_webapps_document_points_at_our_pages(client):
    links = client.get("/.well-known/camunda-automation-platform/webapps").get_json()
    assert set(links) == {"cockpitUrl", "tasklistUrl", "adminUrl"}
    assert links["cockpitUrl"].endswith("/admin/processes")
    assert links["tasklistUrl"].endswith("/inbox")

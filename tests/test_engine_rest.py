"""Camunda Modeler's Deploy and Start buttons, replayed request by request (shared/MODELER.md:
what camunda-modeler 5.50.1 sends, checked on the wire)."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.demo import DEMO_PASSWORD
from webapp import engine_of

from .helpers import WORKFLOWS, bpmn, flow, linear
from .webclient import WebClient

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
    assert links["cockpitUrl"].endswith("/app/cockpit/default/")
    assert links["tasklistUrl"].endswith("/inbox")


def owner_view(app, instance_id: str) -> dict:
    engine = engine_of(app)
    return engine.instance_detail(
        int(instance_id), engine.authenticate("owner", DEMO_PASSWORD).actor()
    )


def start_with(client, variables):
    deploy(client, {"steps.bpmn": linear("steps", "one")})
    return client.post(
        f"{BASE}/process-definition/key/steps/start", headers=OWNER, json={"variables": variables}
    )


def test_typed_start_variables_are_converted_as_camunda_converts_them(app, client):
    response = start_with(
        client,
        {
            "referred_on": {"value": "2026-12-01T09:00:00.000+0100", "type": "Date"},
            "children": {"value": "3", "type": "Integer", "valueInfo": {}},
            "case_number": {"value": 9_000_000_000, "type": "Long"},
            "siblings": {"value": 2, "type": "short"},
            "score": {"value": "2.5", "type": "Double"},
            "urgent": {"value": "true", "type": "Boolean"},
            "consented": {"value": False, "type": "Boolean"},
            "reference": {"value": 1234, "type": "String"},
            "agencies": {"value": '{"police": true, "health": ["gp"]}', "type": "Json"},
            "outcome": {"value": None, "type": "Null"},
            "note": {"value": None, "type": "String"},
        },
    )
    assert response.status_code == 200, response.get_json()
    variables = owner_view(app, response.get_json()["id"])["variables"]
    assert variables["referred_on"] == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert variables["children"] == 3 and isinstance(variables["children"], int)
    assert variables["case_number"] == 9_000_000_000 and variables["siblings"] == 2
    assert variables["score"] == 2.5 and isinstance(variables["score"], float)
    assert variables["urgent"] is True and variables["consented"] is False
    assert variables["reference"] == "1234"
    assert variables["agencies"] == {"police": True, "health": ["gp"]}
    assert variables["outcome"] is None and variables["note"] is None


@pytest.mark.parametrize(
    ("variable", "message"),
    [
        ({"value": "soon", "type": "Date"}, "write dates like 2026-12-01T09:00:00.000+0000"),
        ({"value": 2**31, "type": "Integer"}, "Integer holds whole numbers from"),
        ({"value": 40_000, "type": "Short"}, "Short holds whole numbers from"),
        ({"value": "three", "type": "Integer"}, "Cannot convert value 'three' to type Integer"),
        ({"value": "yes", "type": "Boolean"}, "use true or false"),
        ({"value": "{oops", "type": "Json"}, "not valid JSON"),
        ({"value": "rO0ABX", "type": "Object"}, "needs Java serialisation"),
        ({"value": 1, "type": "Colour"}, "Unsupported value type 'Colour'"),
    ],
)
def test_a_variable_that_does_not_convert_is_a_camunda_400(client, variable, message):
    response = start_with(client, {"children": variable})
    body = response.get_json()
    assert response.status_code == 400 and body["type"] == "InvalidRequestException"
    assert "children" in body["message"] and message in body["message"]


def test_a_start_that_fails_at_run_time_is_a_camunda_500(client):
    failing = bpmn(
        "triage",
        '<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="how_urgent"/>'
        '<bpmn:userTask id="today" camunda:candidateGroups="practitioner"/>'
        '<bpmn:userTask id="this_week" camunda:candidateGroups="practitioner"/>'
        + flow("start", "how_urgent")
        + flow("how_urgent", "today", "${risk &gt; 3}")
        + flow("how_urgent", "this_week", "${risk &lt;= 3}"),
    )
    assert deploy(client, {"triage.bpmn": failing}).status_code == 200
    response = client.post(f"{BASE}/process-definition/key/triage/start", headers=OWNER, json={})
    body = response.get_json()
    assert response.status_code == 500 and body["type"] == "ProcessEngineException"
    assert "risk" in body["message"]


def test_an_unexpected_error_is_a_camunda_500_and_an_unknown_path_a_camunda_404(
    app, client, monkeypatch
):
    def crash(*_args, **_kwargs):
        raise TypeError("something nobody expected")

    monkeypatch.setattr(engine_of(app), "start_owned", crash)
    response = client.post(f"{BASE}/process-definition/key/steps/start", headers=OWNER, json={})
    body = response.get_json()
    assert response.status_code == 500 and body["type"] == "ProcessEngineException"
    assert "TypeError" in body["message"] and "something nobody expected" not in body["message"]
    unknown = client.get(f"{BASE}/process-instance/count", headers=OWNER)
    assert unknown.status_code == 404 and unknown.get_json()["type"] == "RestException"


def test_a_parse_exception_carries_camunda_details_per_file(client):
    broken = bpmn(
        "broken",
        '<bpmn:startEvent id="start"/><bpmn:userTask id="t" camunda:dueDate="${soon()}"/>'
        + flow("start", "t"),
    )
    body = deploy(client, {"broken.bpmn": broken}).get_json()
    [error] = body["details"]["broken.bpmn"]["errors"]
    assert error["mainElementId"] == "t" and error["elementIds"] == ["t"]
    assert error["line"] > 1 and "unknown function 'soon'" in error["message"]
    assert body["details"]["broken.bpmn"]["warnings"] == []


def modeler_cockpit_link(client, path: str) -> str:
    """The link the Modeler builds: the well-known ``cockpitUrl`` (slash-ended) + ``path``."""
    cockpit = client.get("/.well-known/camunda-automation-platform/webapps").get_json()
    return cockpit["cockpitUrl"].rstrip("/") + "/" + path


def test_open_in_cockpit_after_deploy_and_start_lands_on_our_pages(app, client):
    deployed = deploy(client, {"steps.bpmn": linear("steps", "one")}).get_json()
    [definition_id] = deployed["deployedProcessDefinitions"]
    started = client.post(
        f"{BASE}/process-definition/{definition_id}/start", headers=OWNER, json={}
    ).get_json()
    owner = WebClient(app)
    owner.sign_in("owner")
    query = "?deploymentsQuery=%5B%7B%22type%22:%22id%22,%22operator%22:%22eq%22,%22value%22:%22"
    links = {
        f"process-instance/{started['id']}": f"/instances/{started['id']}",
        f"repository{query}{deployed['id']}%22%7D%5D": "/admin/processes/steps?version=1",
        f"repository{query}999999%22%7D%5D": "/admin/processes",
        "repository": "/admin/processes",
        f"process-definition/{definition_id}": "/admin/processes/steps?version=1",
    }
    for path, page in links.items():
        response = owner.get(modeler_cockpit_link(client, path))
        assert response.status_code == 302 and response.headers["Location"] == page, path
        assert owner.get(page).status_code == 200, page
    anonymous = client.get(modeler_cockpit_link(client, f"process-instance/{started['id']}"))
    assert anonymous.status_code == 302 and "/sign-in?next=" in anonymous.headers["Location"]
    assert owner.get(modeler_cockpit_link(client, "process-definition/steps")).status_code == 404
    stranger = WebClient(app)
    stranger.sign_in("pc")  # a police practitioner: not involved, not an owner
    followed = stranger.get(f"/instances/{started['id']}")
    assert followed.status_code == 404


def follow_fragment(url: str) -> str | None:
    """Where cockpit.js sends a browser that opened ``url`` (None: it stays)."""
    path, _, fragment = url.partition("#")
    script = (Path(__file__).parent.parent / "webapp" / "static" / "cockpit.js").read_text()
    harness = (
        "const vm = require('node:vm'); let went = null;"
        "const window = {location: {hash: process.argv[1], replace: (u) => { went = u; }}};"
        "const document = {querySelector: () => ({dataset: {cockpitBase: process.argv[2]}})};"
        "vm.runInNewContext(process.argv[3], {window, document});"
        "console.log(JSON.stringify(went));"
    )
    node = shutil.which("node")
    assert node, "node is needed to run the page's script"
    result = subprocess.run(  # noqa: S603
        [node, "-e", harness, "#" + fragment, "/app/cockpit/default/", script],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("prefix", ["/app/cockpit/default/", "/camunda/app/cockpit/default/"])
def test_camunda_s_own_cockpit_fragment_links_are_followed_without_an_inline_script(client, prefix):
    page = client.get(prefix)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'src="/static/cockpit.js"' in html
    assert 'data-cockpit-base="/app/cockpit/default/"' in html
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    assert not [script for script in inline if "location" in script]  # only GOV.UK's js-enabled
    assert (
        follow_fragment(f"{prefix}#/process-instance/42")
        == "/app/cockpit/default/process-instance/42"
    )
    assert follow_fragment(f"{prefix}#/repository?deploymentsQuery=x") == (
        "/app/cockpit/default/repository?deploymentsQuery=x"
    )
    assert follow_fragment(f"{prefix}#/process-definition/steps:1:7") == (
        "/app/cockpit/default/process-definition/steps:1:7"
    )
    assert follow_fragment(f"{prefix}#//elsewhere.example/steal") is None
    assert follow_fragment(prefix) is None


DECISION_GRAPH = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="thresholds"
  name="Thresholds" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="risk_level" name="Risk level">
    <informationRequirement id="needs_harm"><requiredDecision href="#harm_seen"/>
    </informationRequirement>
    <decisionTable id="levels">
      <input id="harm_in" label="Harm"><inputExpression id="harm_expr" typeRef="boolean">
        <text>harm</text></inputExpression></input>
      <output id="level" name="level" typeRef="string"/>
      <rule id="high"><inputEntry id="harm_yes"><text>true</text></inputEntry>
        <outputEntry id="high_out"><text>"high"</text></outputEntry></rule>
      <rule id="low"><inputEntry id="harm_no"><text>false</text></inputEntry>
        <outputEntry id="low_out"><text>"low"</text></outputEntry></rule>
    </decisionTable>
  </decision>
  <decision id="harm_seen" name="Harm seen">
    <decisionTable id="harms">
      <input id="bruises_in" label="Bruises"><inputExpression id="bruises_expr"
        typeRef="integer"><text>bruises</text></inputExpression></input>
      <output id="harm" name="harm" typeRef="boolean"/>
      <rule id="some"><inputEntry id="some_in"><text>&gt; 0</text></inputEntry>
        <outputEntry id="some_out"><text>true</text></outputEntry></rule>
      <rule id="none"><inputEntry id="none_in"><text>0</text></inputEntry>
        <outputEntry id="none_out"><text>false</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
"""


def test_what_crashed_the_engine_still_answers_as_camunda(client):
    # a decision graph and a message throw with no implementation used to crash with a
    # bare 500: now the graph deploys and the throw does nothing, as in Camunda 7
    assert deploy(client, {"thresholds.dmn": DECISION_GRAPH}).status_code == 200
    notify = bpmn(
        "notify",
        '<bpmn:startEvent id="referral"/><bpmn:intermediateThrowEvent id="tell_school">'
        '<bpmn:messageEventDefinition id="tell_def"/></bpmn:intermediateThrowEvent>'
        '<bpmn:endEvent id="told"><bpmn:messageEventDefinition id="told_def"/></bpmn:endEvent>'
        + flow("referral", "tell_school")
        + flow("tell_school", "told"),
    )
    assert deploy(client, {"notify.bpmn": notify}).status_code == 200
    started = client.post(f"{BASE}/process-definition/key/notify/start", headers=OWNER, json={})
    assert started.status_code == 200 and started.get_json()["ended"] is True


def test_a_process_owner_of_another_process_is_refused_as_camunda_refuses(app, client):
    engine_of(app).create_user(
        username="olive",
        password="kettle-harbour-violet-29",
        display_name="Olive Police Process Owner",
        agency="police",
        roles=["process-owner"],
    )
    assert deploy(client, {"steps.bpmn": linear("steps", "one")}).status_code == 200
    olive = basic("olive", "kettle-harbour-violet-29")
    changed = deploy(client, {"steps.bpmn": linear("steps", "one", "two")}, headers=olive)
    body = changed.get_json()
    assert changed.status_code == 403 and body["type"] == "AuthorizationException"
    assert "Process 'steps' is owned by" in body["message"]

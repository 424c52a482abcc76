"""Camunda Forms as Camunda 7 Tasklist shows them, and Camunda Modeler's deploy and start as
Camunda 7's REST API answers them."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from engine.demo import DEMO_PASSWORD
from engine.errors import InvalidDefinition
from engine.resources import read_resource
from webapp import engine_of

from ..test_engine_rest import BASE, OWNER, deploy, modeler_cockpit_link
from ..webclient import WebClient
from .catalogue import DIAGRAMS, refused, supported

FORMS = "Camunda Forms"
MODELER = "Deploying from the Modeler"

BUTTONS = supported(
    FORMS,
    "Button component (action submit or reset)",
    "form_referral_with_buttons.form",
    "The task page has its own buttons: a submit button's label names its Complete button; "
    "a reset button is not shown",
)
FORM_WITHOUT_ID = supported(
    FORMS,
    'Form without an id, linked by camunda:formKey="camunda-forms:deployment:FILE.form"',
    "form_chase_without_id.form",
    "Listed on the processes page under its file name",
)
FORM_REF_WITHOUT_ID = refused(
    FORMS,
    "Form without an id, linked by camunda:formRef",
    "form_ref_to_form_without_id.bpmn",
    "give the form the id 'chase_form' (Id, in the form's properties in Camunda Modeler)",
)
TYPED_VARIABLES = supported(
    MODELER,
    "Typed start variables (String, Boolean, Short, Integer, Long, Double, Date, Json, Null)",
    "rest_typed_start_variables.bpmn",
    "A Date is kept as a date-time in UTC; Object, Bytes, File and Xml (Java serialisation) "
    "are refused with a 400 naming the variable",
)
START_FAILS = supported(
    MODELER,
    "A start that fails at run time: 500 ProcessEngineException with the reason",
    "rest_start_fails_at_run_time.bpmn",
)
OPEN_IN_COCKPIT = supported(
    MODELER,
    '"Open in Cockpit" after deploy and start',
    "rest_open_in_cockpit.bpmn",
    "Opens JoinedUp's page for the deployed process or the new instance",
)


def _text(name: str) -> str:
    return (DIAGRAMS / name).read_text()


def deploy_files(engine, *names: str):
    """Deploy conformance files together (a diagram and its form)."""
    files = [read_resource(name, _text(name)) for name in names]
    return engine.deploy(files, deployed_by="owner")


@BUTTONS
def test_a_submit_button_names_the_complete_button_and_a_reset_button_is_not_shown(engine, web):
    deploy_files(engine, "form_referral_task.bpmn", BUTTONS.diagram)
    pat = engine.authenticate("pat", DEMO_PASSWORD).actor()
    ref = engine.start("form_referral", None, actor=pat)
    [task] = engine.tasks_for_user(pat, process_key="form_referral")
    client = web("pat")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'value="complete" data-module="govuk-button">Send the referral</button>' in page
    assert "Start again" not in page
    done = client.post(
        f"/tasks/{task.id}",
        data={"concern": "Bruising seen at nursery", "urgency": "today", "action": "complete"},
    )
    assert done.status_code == 302
    assert engine.instance_variables(ref.id)["urgency"] == "today"


@FORM_WITHOUT_ID
def test_a_form_without_an_id_is_linked_by_its_file_name(scenario):
    deploy_files(scenario.engine, "form_chase_by_form_key.bpmn", FORM_WITHOUT_ID.diagram)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("form_chase")
    view = scenario.engine.task_view(pat.task("Record the chase").id, pat.actor)
    assert [c.key for c in view.camunda_form.inputs()] == ["chased_whom", "reply_promised"]
    pat.complete("Record the chase", chased_whom="Duty social worker", reply_promised="true")
    assert pat.inbox() == []


def test_a_form_without_an_id_deployed_with_a_form_ref_is_refused(engine):
    diagram = _text("form_ref_to_form_without_id.bpmn")
    with pytest.raises(InvalidDefinition) as caught:
        engine.deploy(
            [
                read_resource("chase.bpmn", diagram),
                read_resource("chase.form", _text(FORM_WITHOUT_ID.diagram)),
            ]
        )
    [problem] = caught.value.problems
    assert problem.element_id == "record_chase" and FORM_REF_WITHOUT_ID.note in problem.message


@TYPED_VARIABLES
def test_typed_variables_from_the_start_dialog_decide_as_their_types_do(app):
    client = app.test_client()
    files = {TYPED_VARIABLES.diagram: TYPED_VARIABLES.text}
    assert deploy(client, files).status_code == 200
    url = f"{BASE}/process-definition/key/rest_typed/start"
    owner = engine_of(app).authenticate("owner", DEMO_PASSWORD).actor()

    def start(children, urgent, **more):
        variables = {"children": children, "urgent": urgent, **more}
        response = client.post(url, headers=OWNER, json={"variables": variables})
        assert response.status_code == 200, response.get_json()
        instance_id = response.get_json()["id"]
        detail = engine_of(app).instance_detail(int(instance_id), owner)
        return {**detail["variables"], "id": instance_id}, [t.name for t in detail["tasks"]]

    # "10" as an Integer is ten, not the text "10" (which would sort before "2")
    typed, tasks = start(
        {"value": "10", "type": "Integer"},
        {"value": "true", "type": "Boolean"},
        referred_on={"value": "2026-12-01T09:00:00.000+0000", "type": "Date"},
    )
    assert tasks == ["Hold a strategy discussion for the siblings"]
    assert typed["referred_on"] == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert WebClient(app).sign_in("owner").get(f"/instances/{typed['id']}").status_code == 200
    _, tasks = start({"value": 1, "type": "Integer"}, {"value": True, "type": "Boolean"})
    assert tasks == ["Hold a strategy discussion"]
    refused_object = client.post(
        url,
        headers=OWNER,
        json={"variables": {"children": {"value": "rO0ABXNy", "type": "Object"}}},
    )
    assert refused_object.status_code == 400
    assert refused_object.get_json()["type"] == "InvalidRequestException"


@START_FAILS
def test_a_start_that_fails_at_run_time_answers_camunda_s_500(app):
    client = app.test_client()
    assert deploy(client, {START_FAILS.diagram: START_FAILS.text}).status_code == 200
    response = client.post(
        f"{BASE}/process-definition/key/rest_triage/start", headers=OWNER, json={}
    )
    body = response.get_json()
    assert response.status_code == 500 and body["type"] == "ProcessEngineException"
    assert "risk" in body["message"]


@OPEN_IN_COCKPIT
def test_open_in_cockpit_opens_the_deployed_process_and_the_new_instance(app):
    client = app.test_client()
    deployed = deploy(client, {OPEN_IN_COCKPIT.diagram: OPEN_IN_COCKPIT.text}).get_json()
    [definition_id] = deployed["deployedProcessDefinitions"]
    started = client.post(
        f"{BASE}/process-definition/{definition_id}/start", headers=OWNER, json={}
    ).get_json()
    owner = WebClient(app).sign_in("owner")
    link = modeler_cockpit_link(client, f"process-instance/{started['id']}")
    page = owner.get(owner.get(link).headers["Location"])
    assert page.status_code == 200 and "Screen the referral" in page.get_data(as_text=True)
    query = f'[{{"type":"id","operator":"eq","value":"{deployed["id"]}"}}]'
    link = modeler_cockpit_link(client, f"repository?deploymentsQuery={quote(query)}")
    page = owner.get(owner.get(link).headers["Location"])
    assert page.status_code == 200 and "Screen a referral" in page.get_data(as_text=True)

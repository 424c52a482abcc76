"""Camunda Forms (form-js files drawn in the Modeler): deployed with the diagram, shown as GOV.UK
components, validated as form-js validates, and refused at deploy time when we cannot show them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from engine.demo import DEMO_PASSWORD
from engine.errors import InvalidDefinition, InvalidSubmission
from engine.models import Definition

from .helpers import bpmn, flow, resource, user_task

CONCERN_FORM = (Path(__file__).parent / "forms" / "concern.form").read_text()
VALID = {
    "summary": "Bruising seen",
    "details": "",
    "children": "2",
    "urgency": "today",
    "agency": "",
    "risks": ["domestic_abuse"],
    "seen_on": "2026-11-20",
    "reference": "",
    "lead_told": "true",
}


def with_form(form_attrs: str = 'camunda:formRef="concern_form"', process_id="concern") -> str:
    attrs = f'camunda:candidateGroups="practitioner" {form_attrs}'
    return bpmn(
        process_id,
        '<bpmn:startEvent id="start"/>'
        + user_task("describe", "Describe the concern", attrs)
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "describe")
        + flow("describe", "end"),
    )


def form_text(**changes) -> str:
    data = json.loads(CONCERN_FORM)
    data.update(changes)
    return json.dumps(data, indent=2)


def deploy_with_form(engine, diagram=None, form=CONCERN_FORM):
    return engine.deploy(
        [resource("concern.bpmn", diagram or with_form()), resource("concern.form", form)]
    )


@pytest.fixture
def practitioner(scenario, engine):
    deploy_with_form(engine)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("concern")
    return pat


def test_a_task_linked_to_a_camunda_form_shows_its_components(engine, practitioner):
    view = engine.task_view(practitioner.task("Describe the concern").id, practitioner.actor)
    inputs = view.camunda_form.inputs()
    assert [c.key for c in inputs] == [
        "summary",
        "details",
        "children",
        "urgency",
        "agency",
        "risks",
        "seen_on",
        "reference",
        "lead_told",
    ]
    summary = inputs[0]
    assert (summary.required, summary.min_length, summary.max_length) == (True, 5, 80)
    assert [choice.label for choice in inputs[3].choices] == ["Today", "Within 3 working days"]


def test_completing_stores_typed_values(engine, practitioner):
    task = practitioner.task("Describe the concern")
    ref = engine.complete(task.id, VALID, practitioner.actor)
    values = engine.instance_variables(ref.id)
    assert values["children"] == 2 and values["risks"] == ["domestic_abuse"]
    assert values["seen_on"] in (date(2026, 11, 20), "2026-11-20")
    assert values["lead_told"] is True and ref.status == "completed"


def test_every_form_js_rule_is_checked_and_nothing_changes_on_error(engine, practitioner):
    task = practitioner.task("Describe the concern")
    wrong = {
        **VALID,
        "summary": "Hit",
        "children": "13",
        "urgency": "tomorrow",
        "risks": ["debt"],
        "seen_on": "2026-02-31",
        "reference": "ab12",
        "lead_told": "",
        "unknown": "x",
    }
    with pytest.raises(InvalidSubmission) as caught:
        engine.complete(task.id, wrong, practitioner.actor)
    assert caught.value.errors == {
        "summary": "Must be at least 5 characters",
        "children": "Must be 12 or less",
        "urgency": "Choose one of: Today, Within 3 working days",
        "risks": "Choose from: Domestic abuse, Parental substance misuse",
        "seen_on": "Enter a real date, like 27/03/2026",
        "reference": "'Reference' is not in the expected format",
        "lead_told": "Tick 'I have told my safeguarding lead'",
        "unknown": "is not a field of this form",
    }
    with pytest.raises(InvalidSubmission) as caught:
        engine.complete(task.id, {}, practitioner.actor)
    assert set(caught.value.errors) == {"summary", "children", "urgency", "seen_on", "lead_told"}
    assert practitioner.task("Describe the concern").status == "open"


@pytest.mark.parametrize(
    ("component", "reason"),
    [
        ({"type": "taglist", "key": "tags", "id": "Field_tags"}, "type 'taglist' is not supported"),
        (
            {"type": "textfield", "key": "why", "id": "Field_why", "conditional": {"hide": "=x"}},
            "conditional visibility (FEEL) is not supported",
        ),
        (
            {"type": "select", "key": "team", "id": "Field_team", "valuesKey": "teams"},
            "options from a process variable are not supported",
        ),
        ({"type": "textfield", "key": "a.b", "id": "Field_path"}, "must be a plain variable name"),
        (
            {"type": "textfield", "key": "code", "id": "Field_re", "validate": {"pattern": "(["}},
            "is not a valid pattern",
        ),
        (
            {"type": "button", "id": "Button_print", "label": "Print", "action": "print"},
            "button action 'print' must be one of submit, reset",
        ),
    ],
)
def test_what_we_cannot_show_is_refused_at_deploy_time(engine, component, reason):
    data = json.loads(CONCERN_FORM)
    data["components"].append(component)
    with pytest.raises(InvalidDefinition) as caught:
        deploy_with_form(engine, form=json.dumps(data, indent=2))
    [problem] = caught.value.problems
    assert problem.file == "concern.form" and reason in problem.message
    assert problem.element_id == component["id"] and problem.line > 1
    with engine.db.reading() as session:
        assert session.query(Definition).count() == 0


def test_a_form_that_is_not_json_names_its_line(engine):
    with pytest.raises(InvalidDefinition) as caught:
        deploy_with_form(engine, form='{\n  "id": "x",\n  "components": [,]\n}')
    [problem] = caught.value.problems
    assert problem.line == 3 and "not valid JSON" in problem.message


def test_a_diagram_whose_form_is_not_deployed_is_refused(engine):
    with pytest.raises(InvalidDefinition) as caught:
        engine.deploy([resource("concern.bpmn", with_form())])
    [problem] = caught.value.problems
    assert problem.element_id == "describe" and problem.line is not None
    assert "links form 'concern_form' (latest version), which is not deployed" in problem.message


def test_form_ref_binding_version_pins_one_version(scenario, engine):
    old = form_text()
    data = json.loads(old)
    data["components"][1]["label"] = "Short summary"
    engine.deploy([resource("concern.form", old)])
    engine.deploy([resource("concern.form", json.dumps(data))])
    diagram = with_form(
        'camunda:formRef="concern_form" camunda:formRefBinding="version" camunda:formRefVersion="1"'
    )
    engine.deploy([resource("concern.bpmn", diagram)])
    pat = scenario.as_user("pat", "practitioner")
    pat.start("concern")
    view = engine.task_view(pat.task("Describe the concern").id, pat.actor)
    assert view.camunda_form.inputs()[0].label == "Summary of the concern"


def test_bad_form_links_are_validation_errors(engine):
    diagram = with_form('camunda:formRef="concern_form" camunda:formRefBinding="version"')
    with pytest.raises(InvalidDefinition) as caught:
        deploy_with_form(engine, diagram)
    assert "camunda:formRefVersion is not a number" in caught.value.problems[0].message
    embedded = with_form('camunda:formKey="embedded:app:forms/concern.html"')
    with pytest.raises(InvalidDefinition) as caught:
        deploy_with_form(engine, embedded)
    assert "embedded or external form" in caught.value.problems[0].message


def test_the_older_form_key_links_the_form_file_deployed_with_the_diagram(scenario, engine):
    deploy_with_form(engine, with_form('camunda:formKey="camunda-forms:deployment:concern.form"'))
    pat = scenario.as_user("pat", "practitioner")
    pat.start("concern")
    view = engine.task_view(pat.task("Describe the concern").id, pat.actor)
    assert view.camunda_form.id == "concern_form"


def test_the_task_page_renders_gov_uk_components_and_reports_errors(app, engine, web):
    deploy_with_form(engine)
    pat = engine.authenticate("pat", DEMO_PASSWORD).actor()
    ref = engine.start("concern", None, actor=pat)
    [task] = engine.tasks_for_user(pat, process_key="concern")
    task_id = task.id
    web = web("pat")
    page = web.get(f"/tasks/{task_id}").get_data(as_text=True)
    for expected in (
        'class="govuk-input" id="summary"',
        'class="govuk-textarea',
        'class="govuk-radios__input" id="urgency"',
        'class="govuk-select',
        'class="govuk-checkboxes__input" id="risks"',
        'id="seen_on-day"',
        "Summary of the concern",
        "What happened (optional)",
        "Tell the MASH what you have seen.",
        'id="details-hint" class="govuk-hint"',
        '<h2 class="govuk-heading-m">Raise a concern</h2>',
    ):
        assert expected in page, expected
    form = {
        "summary": "Bruise",
        "children": "x",
        "urgency": "today",
        "seen_on-day": "20",
        "seen_on-month": "11",
        "seen_on-year": "2026",
        "lead_told": "true",
        "risks": ["domestic_abuse", "substance_misuse"],
        "action": "complete",
    }
    failed = web.post(f"/tasks/{task_id}", data=form)
    assert failed.status_code == 422
    assert "Enter a number, like 3 or 2.5" in failed.get_data(as_text=True)
    done = web.post(f"/tasks/{task_id}", data={**form, "children": "1"})
    assert done.status_code == 302
    values = engine.instance_variables(ref.id)
    assert values["risks"] == ["domestic_abuse", "substance_misuse"] and values["children"] == 1

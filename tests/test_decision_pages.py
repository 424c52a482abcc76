"""Decision pages (issue 14, points 2-4): the context a decider needs above the form, no answer
carried over by accident, a summary naming the subject, and where a staged process stands.

A small staged process is deployed next to the shipped ones and run on the demo case by real
demo people: sam (children's social care practitioner) raises a concern; cal (children's
social care manager) and amy (adult mental health manager) are both offered the decision.
The process is held by children's social care, so amy reads only what it records openly.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import queries
from engine.demo import DEMO_CASE
from engine.errors import InvalidDefinition, ProcessError
from engine.models import HumanTask
from webapp import engine_of

from .family import AUTHORISE, CONSENT_GIVEN, CONSENT_POSITION, JOINT_ASSESSMENT
from .helpers import WORKFLOWS, bpmn, flow, person, resource, user_task
from .test_browser import browser, serious_violations, server, sign_in  # noqa: F401 - fixtures
from .test_camunda_forms import CONCERN_FORM
from .test_disclosure import CONTRIBUTION, VIEWS, complete, return_home_case, transition_case

RAISE = "Describe the concern"
DECIDE = "Decide what happens next"
CONCERN = "Ruby says there is no food at home at weekends"
AGREED = "School to offer breakfast club"
TASK_FORM = '<form method="post" novalidate>'


def props(**values: str) -> str:
    rows = "".join(f'<camunda:property name="{k}" value="{v}"/>' for k, v in values.items())
    return f"<camunda:properties>{rows}</camunda:properties>"


def field(field_id: str, label: str, kind: str = "string") -> str:
    return f'<camunda:formField id="{field_id}" label="{label}" type="{kind}"/>'


def concern_process(decide_properties: dict | None = None) -> str:
    """Stage 1 (practitioners) raises; two records (one held, one open); stage 2 (managers)
    decides, with an interrupting 5-day timer that moves it on."""
    decide = decide_properties or {
        "stage": "2",
        "disclosure": "open",
        "context_records": "raised, noted",
        "context_fields": "agreed",
        "carry_forward": "agreed",
        "summary": "Concern about the ${family_name} family: what next",
        "approval": "concern",
        "approval_field": "accepted",
        "reason_field": "reason",
    }
    form = (
        field("concern", "The concern")
        + field("at_risk_today", "Is a child at risk today?", "boolean")
        + field("agreed", "What has been agreed so far")
    )
    decide_form = (
        field("accepted", "Do you accept the concern?", "boolean")
        + field("reason", "Your reason")
        + field("at_risk_today", "Is a child at risk today?", "boolean")
        + field("agreed", "What has been agreed so far")
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_concern"
  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="concern_process" name="Concern" isExecutable="true"
    camunda:candidateStarterGroups="childrens-social-care:practitioner">
    <bpmn:extensionElements>{
        props(stages="Practitioners;Managers", disclosure_holder="childrens-social-care")
    }</bpmn:extensionElements>
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="raise" name="{RAISE}" camunda:candidateGroups="practitioner"
      camunda:dueDate="P2D">
      <bpmn:extensionElements>{props(stage="1")}<camunda:formData>{form}</camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:intermediateThrowEvent id="raised" name="Concern raised">
      <bpmn:extensionElements>{props(record="raised", record_fields="concern, at_risk_today")}
      </bpmn:extensionElements>
    </bpmn:intermediateThrowEvent>
    <bpmn:intermediateThrowEvent id="noted" name="Concern noted">
      <bpmn:extensionElements>{
        props(record="noted", record_fields="at_risk_today", disclosure="open")
    }</bpmn:extensionElements>
    </bpmn:intermediateThrowEvent>
    <bpmn:userTask id="decide" name="{DECIDE}" camunda:candidateGroups="manager">
      <bpmn:extensionElements>{props(**decide)}<camunda:formData>{decide_form}</camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="moves_on" attachedToRef="decide">
      <bpmn:timerEventDefinition><bpmn:timeDuration>P5D</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="end"/>
    <bpmn:endEvent id="moved_on"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="raise"/>
    <bpmn:sequenceFlow id="f2" sourceRef="raise" targetRef="raised"/>
    <bpmn:sequenceFlow id="f3" sourceRef="raised" targetRef="noted"/>
    <bpmn:sequenceFlow id="f4" sourceRef="noted" targetRef="decide"/>
    <bpmn:sequenceFlow id="f5" sourceRef="decide" targetRef="end"/>
    <bpmn:sequenceFlow id="f6" sourceRef="moves_on" targetRef="moved_on"/>
  </bpmn:process>
</bpmn:definitions>
"""


def task_named(engine, instance_id: int, name: str) -> HumanTask:
    with engine.db.reading() as session:
        query = select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.name == name
        )
        return session.scalars(query).one()


@pytest.fixture
def raised(app):
    """The concern raised on the demo case by sam; returns (instance id, decision task)."""
    engine = engine_of(app)
    engine.deploy([resource("concern.bpmn", concern_process())], deployed_by="owner")
    ref = engine.start_on_case("concern_process", DEMO_CASE, person(engine, "sam"))
    raise_task = task_named(engine, ref.id, RAISE)
    answers = {"concern": CONCERN, "at_risk_today": "yes", "agreed": AGREED}
    engine.complete(raise_task.id, answers, person(engine, "sam"))
    return ref.id, task_named(engine, ref.id, DECIDE)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_the_decider_sees_the_earlier_records_above_the_form(raised, web):
    _instance_id, decide = raised
    html = page(web("cal"), f"/tasks/{decide.id}")
    context = html[html.index("Before you decide") : html.index(TASK_FORM)]
    assert context.index("Concern raised") < context.index("Concern noted")  # oldest first
    assert CONCERN in context and "The concern" in context  # the form's own label
    assert "Is a child at risk today?" in context and "Yes" in context
    assert "What has been agreed so far" in context and AGREED in context  # context_fields


def test_the_context_holds_only_what_the_reader_may_read(raised, web, app):
    _instance_id, decide = raised
    html = page(web("amy"), f"/tasks/{decide.id}")  # adult mental health: not the holder
    assert "Concern noted" in html  # recorded openly
    assert CONCERN not in html and "Concern raised" not in html
    shown = app.test_client()
    token = engine_of(app).issue_token("amy")
    body = shown.get(f"/api/v1/tasks/{decide.id}", headers={"Authorization": f"Bearer {token}"})
    kinds = [record["kind"] for record in body.get_json()["context"]["records"]]
    assert kinds == ["noted"]


def test_a_field_opens_empty_unless_the_diagram_carries_it_forward(raised, web, app):
    _instance_id, decide = raised
    html = page(web("cal"), f"/tasks/{decide.id}")
    form = html[html.index(TASK_FORM) :]
    assert not re.search(r'name="at_risk_today"[^>]*value="true"[^>]*checked', form)
    assert "checked" not in form  # sam's "yes" does not become cal's answer
    assert AGREED in form  # carry_forward: agreed
    token = engine_of(app).issue_token("cal")
    values = (
        app.test_client()
        .get(f"/api/v1/tasks/{decide.id}", headers={"Authorization": f"Bearer {token}"})
        .get_json()["values"]
    )
    assert values == {"agreed": AGREED}


def test_a_required_field_that_opened_empty_is_taken_from_the_submission(raised, app):
    _instance_id, decide = raised
    engine = engine_of(app)
    cal = person(engine, "cal")
    engine.complete(decide.id, {"accepted": "yes", "reason": "Seen", "at_risk_today": "no"}, cal)
    assert task_named(engine, decide.instance_id, DECIDE).status == "completed"


def test_the_summary_names_the_subject_on_the_inbox_approvals_and_task_page(raised, web):
    _instance_id, decide = raised
    summary = "Concern about the Taylor family: what next"
    assert decide.summary == summary
    cal = web("cal")
    assert summary in page(cal, "/inbox?tab=team")
    approvals = page(cal, "/approvals")
    assert f'<h2 class="govuk-summary-card__title">{summary}</h2>' in approvals
    assert DECIDE in approvals  # the decision itself is named on the card
    html = page(cal, f"/tasks/{decide.id}")
    assert f'<span class="govuk-caption-l">{summary}</span>' in html


def test_the_stage_shows_on_the_task_case_and_instance_pages(raised, web, app):
    instance_id, decide = raised
    moves_on = (decide.created_at + timedelta(days=5)).strftime("%a %-d %b %Y")
    assert (decide.stage, decide.stage_name, decide.stage_count) == (2, "Managers", 2)
    expected = f"Stage 2 of 2: Managers — moves on {moves_on} if not resolved"
    cal = web("cal")
    for url in (f"/tasks/{decide.id}", f"/cases/{DEMO_CASE}", f"/instances/{instance_id}"):
        html = page(cal, url)
        assert expected in html, url
        assert 'aria-current="step"' in html and "Practitioners" in html, url
    token = engine_of(app).issue_token("cal")
    body = app.test_client().get(
        f"/api/v1/tasks/{decide.id}", headers={"Authorization": f"Bearer {token}"}
    )
    stage = body.get_json()["task"]["stage"]
    assert (stage["number"], stage["name"], stage["text"]) == (2, "Managers", expected)
    headers = {"Authorization": f"Bearer {token}"}
    case = app.test_client().get(f"/api/v1/cases/{DEMO_CASE}", headers=headers).get_json()
    [row] = [i for i in case["instances"] if i["id"] == instance_id]
    assert row["stage"]["text"] == expected
    shown = app.test_client().get(f"/api/v1/instances/{instance_id}", headers=headers)
    assert shown.get_json()["stage"]["number"] == 2


def test_a_stage_with_a_due_date_says_when_it_is_due(app, web):
    engine = engine_of(app)
    engine.deploy([resource("concern.bpmn", concern_process())], deployed_by="owner")
    ref = engine.start_on_case("concern_process", DEMO_CASE, person(engine, "sam"))
    raise_task = task_named(engine, ref.id, RAISE)
    due = raise_task.due_at.strftime("%a %-d %b %Y")
    html = page(web("sam"), f"/tasks/{raise_task.id}")
    assert f"Stage 1 of 2: Practitioners — due {due}" in html


@pytest.mark.parametrize(
    ("decide_properties", "message"),
    [
        ({"stage": "3"}, "stage '3' must be a whole number from 1 to 2"),
        ({"stage": "two"}, "stage 'two' must be a whole number"),
        ({"stages": "A;B"}, "stages belongs on the process"),
        ({"summary": "${family_name +}"}, "property 'summary'"),
    ],
)
def test_decision_page_properties_are_checked_at_deploy(app, decide_properties, message):
    with pytest.raises(InvalidDefinition) as refused:
        engine_of(app).deploy(
            [resource("concern.bpmn", concern_process(decide_properties))], deployed_by="owner"
        )
    assert message in str(refused.value) and "concern.bpmn" in str(refused.value)
    assert "decide" in str(refused.value)  # the element


def test_a_stage_needs_declared_stages_and_page_properties_need_a_user_task(app):
    xml = concern_process().replace(
        'name="stages" value="Practitioners;Managers"', 'name="x" value="y"'
    )
    with pytest.raises(InvalidDefinition) as refused:
        engine_of(app).deploy([resource("concern.bpmn", xml)], deployed_by="owner")
    assert "stage needs the process's stages" in str(refused.value)
    xml = concern_process().replace(
        'name="record" value="raised"', 'name="context_records" value="raised"'
    )
    with pytest.raises(InvalidDefinition) as refused:
        engine_of(app).deploy([resource("concern.bpmn", xml)], deployed_by="owner")
    assert "context_records belongs on a user task" in str(refused.value)


def test_what_the_decision_page_template_writes_deploys_and_runs(app):
    """The template's properties as the Modeler writes them (blank ones included) run here."""
    path = WORKFLOWS / ".camunda" / "element-templates" / "decision-page.json"
    template = json.loads(path.read_text())
    written = {p["binding"]["name"]: p["value"] for p in template["properties"]}
    assert set(written) == {
        "summary",
        "context_records",
        "context_fields",
        "carry_forward",
        "stage",
    }
    engine = engine_of(app)
    engine.deploy([resource("concern.bpmn", concern_process(written))], deployed_by="owner")
    ref = engine.start_on_case("concern_process", DEMO_CASE, person(engine, "sam"))
    engine.complete(
        task_named(engine, ref.id, RAISE).id, {"concern": CONCERN}, person(engine, "sam")
    )
    decide = task_named(engine, ref.id, DECIDE)
    assert (decide.summary, decide.stage) == (None, None)
    view = engine.task_view(decide.id, person(engine, "cal"))
    assert not view.context and view.values == {}


def test_the_return_home_decision_shows_the_contributions_assessment_and_plan(app, web):
    engine = engine_of(app)
    instance_id = return_home_case(engine, CONSENT_GIVEN)
    contribute = task_named(engine, instance_id, "Contribute to the joint assessment")
    assert (contribute.stage, contribute.stage_name) == (3, "Joint assessment")  # called
    complete(
        engine,
        "dan",
        contribute.name,
        involvement="Keyworker since 2025",
        parent_needs=CONTRIBUTION,
        impact_on_care="Relapse would put Ali at risk",
        support_offered="Weekly testing",
        agency_risk_view="medium",
    )
    jra = {
        "risk_level": "medium",
        "risk_factors": "Relapse",
        "protective_factors": "Grandmother nearby",
        "family_views": "Kim wants Ali home",
        "recommendation": "Return with daily support",
    }
    complete(engine, "sam", JOINT_ASSESSMENT, **jra)
    cal, sam = web("cal"), web("sam")
    assert "Joint risk assessment for Ali Hill: authorisation" in page(cal, "/approvals")
    complete(engine, "cal", AUTHORISE, jra_authorised="no", authorisation_notes="Ask Dad too")
    rework = task_named_open(engine, instance_id, JOINT_ASSESSMENT)
    html = page(sam, f"/tasks/{rework.id}")
    assert "Ask Dad too" in html.split(TASK_FORM)[0]  # why it came back, above the form
    assert "Grandmother nearby" in html.split(TASK_FORM)[1]  # carried forward to edit
    complete(engine, "sam", JOINT_ASSESSMENT, **jra)
    complete(engine, "cal", AUTHORISE, jra_authorised="yes", authorisation_notes="Agreed")
    complete(
        engine,
        "sam",
        "Ask the child's wishes and feelings about going home",
        child_seen_alone="yes",
        wishes_feelings="I miss my mum",
    )
    complete(
        engine,
        "ira",
        "Give the IRO's view and bring the looked-after review forward",
        iro_opinion="Agree, with weekly visits",
        review_brought_forward_to="2027-01-06",
    )
    decide = task_named(engine, instance_id, "Decide whether the child returns home")
    assert decide.summary == "Return home of Ali Hill from care: team manager approval"
    context = page(cal, f"/tasks/{decide.id}").split(TASK_FORM)[0]
    assert CONTRIBUTION in context and "Return with daily support" in context
    assert "Home with daily support" in context  # the plan (context_fields)
    assert "I miss my mum" in context and "Agree, with weekly visits" in context
    assert "Stage 4 of 6: Approval — due" in context


def test_the_young_persons_views_are_asked_afresh_at_each_step(app, web):
    engine = engine_of(app)
    instance_id = transition_case(engine)
    complete(engine, "sam", CONSENT_POSITION, **CONSENT_GIVEN)
    meeting = task_named(engine, instance_id, "Hold the transition planning meeting")
    before, form = page(web("sam"), f"/tasks/{meeting.id}").split(TASK_FORM)
    assert VIEWS["young_person_views"] in before  # what they said when needs were identified
    assert VIEWS["young_person_views"] not in form  # not put in their mouth this time


def task_named_open(engine, instance_id: int, name: str) -> HumanTask:
    with engine.db.reading() as session:
        query = select(HumanTask).where(
            HumanTask.instance_id == instance_id,
            HumanTask.name == name,
            HumanTask.status.in_(("open", "claimed")),
        )
        return session.scalars(query).one()


def test_in_a_browser_the_stage_and_context_come_before_the_form_and_the_diagram_opens_on_the_work(
    app,
    raised,
    server,  # noqa: F811 - the fixture
    browser,  # noqa: F811 - the fixture
):
    _instance_id, decide = raised
    page = browser.new_context(bypass_csp=True).new_page()  # for axe
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, server, "cal")
    page.goto(f"{server}/tasks/{decide.id}")
    stage = page.locator(".app-stage")
    assert "Stage 2 of 2: Managers — moves on" in stage.inner_text()
    assert page.locator('.app-step-indicator [aria-current="step"]').inner_text().startswith("2")
    context = page.get_by_role("region", name="Before you decide")
    assert CONCERN in context.inner_text()
    assert context.bounding_box()["y"] < page.locator("form[novalidate]").bounding_box()["y"]
    assert serious_violations(page) == []

    instance_id = return_home_case(engine_of(app), CONSENT_GIVEN)  # now at the contributions
    page.goto(f"{server}/instances/{instance_id}")
    diagram = page.locator(".app-diagram[data-diagram-state=ready]")
    diagram.wait_for()
    assert "contributions" in diagram.get_attribute("data-diagram-focus")
    shape = page.locator('.app-diagram g.djs-element[data-element-id="contributions"]')
    box, frame = shape.bounding_box(), diagram.bounding_box()
    assert box["width"] >= 80  # 1:1 or near it: the task's name is readable
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"]
    assert serious_violations(page) == []
    assert errors == []


def test_a_task_inside_a_staged_subprocess_is_in_its_stage_until_the_timer_moves_it_on(app):
    """The ladder's shape: each stage an embedded subprocess with an interrupting timer."""
    work = (
        f'<bpmn:userTask id="talk" name="Talk it through" camunda:candidateGroups="practitioner">'
        f"<bpmn:extensionElements>{props(summary='Talk about ${family_name}')}"
        "</bpmn:extensionElements></bpmn:userTask>"
    )
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_ladder"
  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="little_ladder" name="Little ladder" isExecutable="true">
    <bpmn:extensionElements>{props(stages="Practitioners;Managers")}</bpmn:extensionElements>
    <bpmn:startEvent id="start"/>
    <bpmn:subProcess id="first">
      <bpmn:extensionElements>{props(stage="1")}</bpmn:extensionElements>
      <bpmn:startEvent id="first_start"/>{work}<bpmn:endEvent id="first_end"/>
      <bpmn:sequenceFlow id="s1" sourceRef="first_start" targetRef="talk"/>
      <bpmn:sequenceFlow id="s2" sourceRef="talk" targetRef="first_end"/>
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="first_timeout" attachedToRef="first">
      <bpmn:timerEventDefinition><bpmn:timeDuration>P5D</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:userTask id="managers" name="Managers decide" camunda:candidateGroups="manager">
      <bpmn:extensionElements>{props(stage="2")}</bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="first"/>
    <bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="end"/>
    <bpmn:sequenceFlow id="f3" sourceRef="first_timeout" targetRef="managers"/>
    <bpmn:sequenceFlow id="f4" sourceRef="managers" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""
    engine = engine_of(app)
    engine.deploy([resource("little-ladder.bpmn", xml)], deployed_by="owner")
    ref = engine.start("little_ladder", {"family_name": "Taylor"}, actor=person(engine, "sam"))
    talk = task_named(engine, ref.id, "Talk it through")
    assert (talk.stage, talk.stage_name, talk.summary) == (1, "Practitioners", "Talk about Taylor")
    assert talk.stage_moves_at == talk.created_at + timedelta(days=5)
    engine.clock.set((talk.created_at + timedelta(days=5, minutes=1)).isoformat())
    engine.fire_due_timers()
    managers = task_named(engine, ref.id, "Managers decide")
    assert (managers.stage, managers.stage_name, managers.stage_moves_at) == (2, "Managers", None)
    with engine.db.reading() as session:
        assert queries.stage_positions(session, [ref.id])[ref.id].id == managers.id


def test_a_camunda_form_opens_empty_too_unless_a_field_is_carried_forward(app):

    properties = props(carry_forward="details")
    task = user_task(
        "describe",
        "Describe the concern",
        'camunda:candidateGroups="practitioner" camunda:formRef="concern_form"',
    ).replace(
        "></bpmn:userTask>",
        f"><bpmn:extensionElements>{properties}</bpmn:extensionElements></bpmn:userTask>",
    )
    diagram = bpmn(
        "concern",
        '<bpmn:startEvent id="start"/>'
        + task
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "describe")
        + flow("describe", "end"),
    )
    engine = engine_of(app)
    engine.deploy(
        [resource("concern.bpmn", diagram), resource("concern.form", CONCERN_FORM)],
        deployed_by="owner",
    )
    earlier = {"summary": "Someone else's summary", "details": "Details to keep editing"}
    ref = engine.start("concern", earlier, actor=person(engine, "sam"))
    view = engine.task_view(
        task_named(engine, ref.id, "Describe the concern").id, person(engine, "sam")
    )
    assert view.values == {"details": "Details to keep editing"}


def test_a_summary_that_cannot_be_evaluated_stops_the_step_and_names_the_task(app):
    task = user_task("t", "Look", 'camunda:candidateGroups="practitioner"').replace(
        "></bpmn:userTask>",
        f"><bpmn:extensionElements>{props(summary='About ${nobody}')}"
        "</bpmn:extensionElements></bpmn:userTask>",
    )
    body = '<bpmn:startEvent id="start"/>' + task + '<bpmn:endEvent id="end"/>'
    xml = bpmn("summarised", body + flow("start", "t") + flow("t", "end"))
    engine = engine_of(app)
    engine.deploy([resource("summarised.bpmn", xml)], deployed_by="owner")
    with pytest.raises(ProcessError) as stopped:
        engine.start("summarised", {}, actor=person(engine, "sam"))
    assert stopped.value.element_id == "t" and "nobody" in str(stopped.value)


def test_mash_sees_the_referral_above_the_threshold_decision(app, web):
    engine = engine_of(app)
    mo = person(engine, "mo")
    [unborn] = [m for m in engine.case(DEMO_CASE, mo, look=False).members if m.kind == "unborn"]
    ref = engine.start_on_case("pre-birth-assessment", DEMO_CASE, mo, subject_id=unborn.id)
    complete(engine, "mo", CONSENT_POSITION, **CONSENT_GIVEN)
    complete(
        engine,
        "mo",
        "Refer the pregnancy to children's social care",
        concerns="Mother relapsing",
        parents_vulnerabilities="Mental ill-health",
        parent_learning_disability="no",
        parents_aware="yes",
    )
    threshold = task_named(engine, ref.id, "Make the threshold decision on the pre-birth referral")
    assert threshold.summary == f"Pre-birth referral for {unborn.name}: threshold decision"
    before, form = page(web("mia"), f"/tasks/{threshold.id}").split(TASK_FORM)
    assert "Mother relapsing" in before and "Your concerns for the unborn baby" in before
    assert "Mother relapsing" not in form

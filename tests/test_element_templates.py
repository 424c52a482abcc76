"""Camunda 7 element templates for our conventions: valid for the Modeler (checked with the
validator it uses), and what they write runs here."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.errors import InvalidDefinition
from engine.workdays import UK_TIME
from notifications.events import EVENTS
from notifications.models import OutboxNotification

from .family import CONSENT_GIVEN, CONSENT_POSITION
from .helpers import resource
from .test_modeler_compat import node_tool

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "workflows" / ".camunda" / "element-templates").glob("*.json"))
TEMPLATED = ROOT / "tests" / "modeler" / "templated.bpmn"


def template_errors(*files: Path) -> dict[str, list[str]]:
    result = node_tool("tests/modeler/templates-check.mjs", *map(str, files))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_shipped_templates_are_valid_camunda_7_element_templates():
    names = {json.loads(path.read_text())["name"] for path in TEMPLATES}
    assert names == {
        "Notify role on case",
        "Information-sharing decision",
        "Working-day timer",
        "Involve agency in case",
        "Disclose to agencies (sharing decision)",
        "Decision page",
        "Process stage",
        "Deadline and escalation",
    }
    assert template_errors(*TEMPLATES) == {str(path): [] for path in TEMPLATES}
    for path in TEMPLATES:
        schema = json.loads(path.read_text())["$schema"]
        assert schema.endswith("@camunda/element-templates-json-schema/resources/schema.json")


def test_the_validator_does_catch_a_wrong_binding(tmp_path):
    broken = tmp_path / "broken.json"
    data = json.loads(TEMPLATES[0].read_text())
    data["properties"][0]["binding"]["type"] = "camunda:propery"
    broken.write_text(json.dumps(data))
    [errors] = template_errors(broken).values()
    assert any("camunda:propery" in error for error in errors)


def test_the_notify_template_offers_every_process_message_and_nothing_else():
    [notify] = [p for p in TEMPLATES if p.name == "notify-role-on-case.json"]
    [message] = [p for p in json.loads(notify.read_text())["properties"] if p["label"] == "Message"]
    offered = {choice["value"] for choice in message["choices"]}
    assert offered <= set(EVENTS)
    assert {"outcome", "escalated", "handover", "deadline_missed"} <= offered
    assert "task_assigned" not in offered  # the engine sends those itself


def test_a_diagram_built_from_the_templates_runs(scenario, engine, clock):
    clock.set("2026-12-21T09:00:00+00:00")  # a Monday before Christmas
    scenario.deploy_shipped()
    engine.deploy([resource("templated.bpmn", TEMPLATED.read_text())])
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("templated", {"agency": "midwifery", "family_name": "Taylor"})
    task = pat.task(CONSENT_POSITION)
    assert task.name == CONSENT_POSITION
    pat.complete(CONSENT_POSITION, **CONSENT_GIVEN)
    detail = engine.instance_detail(ref.id, pat.actor)
    assert engine.instance_variables(ref.id)["referral_may_share"] is True
    [timer] = detail["timers"]
    # five working days, skipping Christmas Day and the Boxing Day substitute (Mon 28 Dec)
    assert timer.fire_at.astimezone(UK_TIME) == datetime(2026, 12, 30, 9, 0, tzinfo=UK_TIME)
    clock.set("2026-12-30T09:00:00+00:00")
    engine.fire_due_timers()
    assert engine.instance_detail(ref.id, pat.actor)["instance"].status == "completed"
    with engine.db.reading() as session:
        told = session.scalars(
            select(OutboxNotification.recipient).where(OutboxNotification.template == "outcome")
        ).all()
    assert "midwifery:manager" in told


def test_working_days_on_an_event_that_is_not_a_timer_is_refused(engine):
    text = TEMPLATED.read_text().replace(
        '<bpmn:timerEventDefinition id="TimerEventDefinition_wait" />', ""
    )
    with pytest.raises(InvalidDefinition) as caught:
        engine.deploy([resource("templated.bpmn", text)])
    assert any("not a timer event" in p.message for p in caught.value.problems)


def test_the_notify_template_offers_urgency_routine_by_default():
    [notify] = [p for p in TEMPLATES if p.name == "notify-role-on-case.json"]
    [urgency] = [p for p in json.loads(notify.read_text())["properties"] if p["label"] == "Urgency"]
    assert urgency["binding"] == {"type": "camunda:property", "name": "notify_urgency"}
    assert urgency["value"] == "routine"
    assert {choice["value"] for choice in urgency["choices"]} == {"routine", "urgent"}


def test_the_deadline_template_writes_what_the_engine_and_validate_read():
    """camunda:dueDate is an attribute (a "property" binding); the escalation is properties."""
    [deadline] = [p for p in TEMPLATES if p.name == "deadline-and-escalation.json"]
    template = json.loads(deadline.read_text())
    bindings = {(p["binding"]["type"], p["binding"]["name"]) for p in template["properties"]}
    assert bindings == {
        ("property", "camunda:dueDate"),
        ("camunda:property", "escalate_to"),
        ("camunda:property", "escalate_after_days"),
    }
    assert template["appliesTo"] == ["bpmn:UserTask"]

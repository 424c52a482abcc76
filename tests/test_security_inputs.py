"""Hostile inputs: typed-looking data, unsafe shapes, timescale overrides, bad parameters and
uploads. Each is refused with a clear 4xx or stored as the plain data it was, never a 500."""

from __future__ import annotations

import json

import pytest

from engine.actors import Actor
from engine.dialect.serializer import StateSerializer
from engine.resources import read_resource
from webapp import engine_of

from .helpers import bpmn, flow, user_task

LOOKALIKES = {
    "when": {"typename": "datetime", "value": "x"},
    "who": {"typename": "UUID", "value": "not-a-uuid"},
    "span": {"typename": "timedelta", "days": "x"},
    "run": {"typename": "BpmnWorkflow", "spec": "x"},
    "wrapped": [{"typename": "PlainDict", "items": {"typename": "date"}}],
    "unknown": {"typename": "NoSuchType"},
}
TWO_STEPS = bpmn(
    "two-steps",
    '<bpmn:startEvent id="start"/>'
    + user_task("look", "Look", 'camunda:candidateGroups="practitioner"')
    + user_task("then", "Then", 'camunda:candidateGroups="practitioner"')
    + '<bpmn:endEvent id="end"/>'
    + flow("start", "look")
    + flow("look", "then")
    + flow("then", "end"),
).replace(
    'isExecutable="true"', 'isExecutable="true" camunda:candidateStarterGroups="practitioner"'
)


@pytest.fixture
def api(app):
    engine = engine_of(app)
    engine.deploy([read_resource("two-steps.bpmn", TWO_STEPS)], deployed_by="owner")
    tokens = {name: engine.issue_token(name) for name in ("pat", "cal", "pc", "mo")}
    client = app.test_client()

    def call(method, url, user="pat", **kwargs):
        headers = {"Authorization": f"Bearer {tokens[user]}"}
        return client.open(url, method=method, headers=headers, **kwargs)

    return call


def start(api, process="two-steps", user="pat", **variables):
    return api(
        "POST",
        "/api/v1/cases/DEMO-001/start",
        user=user,
        json={"process": process, "variables": variables},
    )


def test_typed_lookalike_variables_come_back_as_the_plain_data_they_were(app, api, web):
    started = start(api, **LOOKALIKES)
    assert started.status_code == 201, started.get_json()
    instance_id = started.get_json()["instance"]["id"]
    [look] = [t for t in started.get_json()["next_tasks"] if t["name"] == "Look"]
    shown = api("GET", f"/api/v1/instances/{instance_id}")
    assert shown.status_code == 200
    assert {k: shown.get_json()["variables"][k] for k in LOOKALIKES} == LOOKALIKES
    more = {"later": {"typename": "datetime", "value": "2026-01-01T00:00:00"}}
    done = api("POST", f"/api/v1/tasks/{look['id']}/complete", json={"variables": more})
    assert done.status_code == 200, done.get_json()
    assert (
        api("GET", f"/api/v1/instances/{instance_id}").get_json()["variables"]["later"]
        == (more["later"])
    )
    assert web("pat").get(f"/instances/{instance_id}").status_code == 200
    engine_of(app).cancel(instance_id, Actor.engine(), "test")
    assert api("GET", f"/api/v1/instances/{instance_id}").get_json()["status"] == "cancelled"


def test_a_state_saved_before_the_wrapper_with_lookalike_data_still_loads(scenario):
    scenario.deploy("two-steps.bpmn", TWO_STEPS)
    ref = scenario.as_user("pat", "practitioner").start("two-steps", {"note": "plain"})
    engine = scenario.engine
    with engine.db.unit_of_work() as session:
        instance = engine.runtime.lock(session, ref.id)
        state = json.loads(instance.state)
        for task in state["tasks"].values():
            if task["parent"] is None:
                task["data"].update(LOOKALIKES)  # the old format stored these as they came
        instance.state = json.dumps(state)
    variables = engine.instance_variables(ref.id)
    assert variables["when"] == LOOKALIKES["when"] and variables["unknown"] == {
        "typename": "NoSuchType"
    }


def test_the_serializer_keeps_its_own_typed_values():
    from datetime import date, datetime
    from decimal import Decimal
    from uuid import UUID

    serializer = StateSerializer()
    registry = serializer.registry
    registry._encoder_mode = False
    values = {
        "d": date(2026, 1, 2),
        "t": datetime(2026, 1, 2, 3, 4),
        "u": UUID(int=7),
        "n": Decimal("1.5"),
        "plain": {"typename": "date", "value": "2026-01-02"},
    }
    assert registry.restore(json.loads(json.dumps(registry.convert(values)))) == values

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
    engine = engine_of(app)
    assert api("GET", f"/api/v1/instances/{instance_id}").status_code == 200
    assert {k: engine.instance_variables(instance_id)[k] for k in LOOKALIKES} == LOOKALIKES
    more = {"later": {"typename": "datetime", "value": "2026-01-01T00:00:00"}}
    done = api("POST", f"/api/v1/tasks/{look['id']}/complete", json={"variables": more})
    assert done.status_code == 200, done.get_json()
    assert engine.instance_variables(instance_id)["later"] == more["later"]
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


@pytest.mark.parametrize(
    ("variables", "named", "says"),
    [
        ({"note": "x" * 100_001}, "note", "longer than 100000"),
        ({"count": 10**30}, "count", "within ±"),
        ({"deep": json.loads("[" * 40 + "]" * 40)}, "deep", "nested more than 16"),
        ({"many": list(range(20_000))}, "many", "more than 10000 values"),
        ({"__class__": 1}, "__class__", "reserved"),
    ],
)
def test_unsafe_variable_shapes_are_a_422_naming_the_variable(api, variables, named, says):
    response = start(api, **variables)
    error = response.get_json()["error"]
    assert response.status_code == 422 and error["code"] == "invalid_variables"
    assert says in error["details"][named] and f"'{named}'" in error["message"]


def test_non_finite_numbers_are_refused_at_start_and_completion(api):
    body = '{"process": "two-steps", "variables": {"n": NaN}}'
    refused = api(
        "POST", "/api/v1/cases/DEMO-001/start", data=body, content_type="application/json"
    )
    assert refused.status_code == 422 and "finite" in refused.get_json()["error"]["details"]["n"]
    [look] = [t for t in start(api).get_json()["next_tasks"] if t["name"] == "Look"]
    body = '{"variables": {"n": Infinity}}'
    done = api(
        "POST", f"/api/v1/tasks/{look['id']}/complete", data=body, content_type="application/json"
    )
    assert done.status_code == 422 and "finite" in done.get_json()["error"]["message"]
    assert api("GET", f"/api/v1/tasks/{look['id']}").get_json()["task"]["status"] != "completed"


def test_a_message_with_unsafe_variables_is_refused_before_it_is_delivered(engine):
    from engine.errors import InvalidVariables

    with pytest.raises(InvalidVariables, match="variable 'n'"):
        engine.correlate_message("anything", variables={"n": float("inf")})


def test_engine_rest_typed_variables_are_checked_against_their_type(app, api):
    client = app.test_client()
    owner = {"Authorization": "Bearer " + engine_of(app).issue_token("owner")}
    url = "/engine-rest/process-definition/key/two-steps/start"

    def send(variables):
        return client.post(url, headers=owner, json={"variables": variables})

    lookalike = json.dumps(LOOKALIKES["when"])
    started = send(
        {"when": {"value": lookalike, "type": "Json"}, "n": {"value": 2, "type": "Long"}}
    )
    assert started.status_code == 200, started.get_json()
    variables = engine_of(app).instance_variables(int(started.get_json()["id"]))
    assert (variables["when"], variables["n"]) == (LOOKALIKES["when"], 2)
    for bad, says in (
        ({"x": {"value": "rO0AB", "type": "Object"}}, "type 'Object' needs Java serialisation"),
        ({"x": {"value": "one", "type": "Integer"}}, "Cannot convert value 'one' to type Integer"),
        ({"x": {"value": 2**31, "type": "Integer"}}, "Integer holds whole numbers from"),
        ({"x": {"value": "{", "type": "Json"}}, "the text is not valid JSON"),
    ):
        response = send(bad)
        assert response.status_code == 400 and says in response.get_json()["message"]
    too_long = send({"x": {"value": "y" * 100_001, "type": "String"}})
    assert too_long.status_code == 400 and "variable 'x'" in too_long.get_json()["message"]


def test_a_practitioner_may_not_set_timescales(api):
    response = start(api, "professional-differences", stage1_days=1_000_000)
    error = response.get_json()["error"]
    assert response.status_code == 403 and error["code"] == "not_permitted"
    assert "Only managers and process owners may set timescales (stage1_days)" in error["message"]


def test_a_manager_sets_timescales_only_within_the_diagrams_bounds(app, api):
    timed = TWO_STEPS.replace(
        '<bpmn:startEvent id="start"/>',
        "<bpmn:extensionElements><camunda:properties>"
        '<camunda:property name="timescale:look_days" value="1..20"/>'
        '<camunda:property name="timescale:reminder_days" value="0..10"/>'
        '</camunda:properties></bpmn:extensionElements><bpmn:startEvent id="start"/>',
    ).replace('candidateStarterGroups="practitioner"', 'candidateStarterGroups="manager"')
    engine_of(app).deploy([read_resource("two-steps.bpmn", timed)], deployed_by="owner")
    for value, says in (
        (1_000_000, "the diagram's timescale:look_days is 1..20), not 1000000"),
        (0, "must be from 1 to 20"),
        ("3", "must be a whole number from 1 to 20"),
    ):
        response = start(api, user="cal", look_days=value)
        error = response.get_json()["error"]
        assert response.status_code == 422 and says in error["details"]["look_days"]
        assert "variable 'look_days'" in error["message"]
    ok = start(api, user="cal", look_days=20, reminder_days=0)
    assert ok.status_code == 201, ok.get_json()


def test_a_party_may_not_set_the_ladders_timescales(api):
    # a manager who raises a difference must not shorten the other side's time to answer
    response = start(api, "professional-differences", user="cal", stage1_reply_days=1)
    assert response.status_code == 403
    assert "stage1_reply_days" in response.get_json()["error"]["message"]


def test_a_process_owner_is_held_to_the_bounds_through_engine_rest(app, api):
    client = app.test_client()
    owner = {"Authorization": "Bearer " + engine_of(app).issue_token("owner")}
    url = "/engine-rest/process-definition/key/professional-differences/start"
    response = client.post(url, headers=owner, json={"variables": {"stage3_days": 31}})
    assert response.status_code == 400 and "stage3_days" in response.get_json()["message"]


def test_the_shipped_diagrams_declare_their_timescales(engine, scenario):
    scenario.deploy_shipped()
    with engine.db.reading() as session:
        from engine.definitions import latest_definition

        definition = latest_definition(session, "professional-differences", "bpmn")
        spec, _ = engine.runtime.specs.get(session, definition.id, [])
    assert str(spec.timescales["stage1_days"]) == "1..20"
    assert set(spec.timescales) == {f"stage{n}_days" for n in (1, 2, 3, 4)} | {
        "describe_days",
        "stage1_reply_days",
        "stage2_position_days",
        "stage3_plan_days",
        "reminder_days",
        "mash_hours",
        "concern_hours",
        "partnership_stage",
    }
    assert all(bounds.setters == {"process-owner", "admin"} for bounds in spec.timescales.values())


@pytest.mark.parametrize("value", ["20..1", "1-20", "lots"])
def test_a_malformed_timescale_property_is_refused_at_deploy_naming_its_line(scenario, value):
    from engine.errors import InvalidDefinition

    text = TWO_STEPS.replace(
        '<bpmn:startEvent id="start"/>',
        "<bpmn:extensionElements><camunda:properties>\n"
        f'<camunda:property name="timescale:look_days" value="{value}"/>'
        '</camunda:properties></bpmn:extensionElements><bpmn:startEvent id="start"/>',
    )
    with pytest.raises(InvalidDefinition) as caught:
        scenario.deploy("two-steps.bpmn", text)
    [problem] = caught.value.problems
    assert "range of whole numbers like 1..20" in problem.message and problem.line == 5


# --- parameters and uploads ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("tab=bogus", "'tab' must be one of mine, team, overdue, completed"),
        ("page=99999999999999999999", "'page' must be a whole number"),
        ("page=10001", "'page' must be from 1 to 10000, not 10001"),
        ("page=abc", "'page' must be a whole number, not 'abc'"),
        ("page=0", "'page' must be from 1 to 10000"),
        ("after=not-a-cursor", "'after' must be a cursor from a list's next or previous link"),
        ("before=WzEsIDJd", "'before' must be a cursor"),  # [1, 2]: no time, no such key
        ("after=WyIyMDI2LTEyLTAxVDAwOjAwOjAwKzAwOjAwIiwgNV0&page=2", "Give one of 'after'"),
    ],
)
def test_bad_list_parameters_are_a_400_saying_what_is_wrong(api, web, query, says):
    """(The API also has tab=all, held and offered together; the inbox page does not.)"""
    page = web("pat").get(f"/inbox?{query}")
    assert page.status_code == 400 and says in page.get_data(as_text=True).replace("&#39;", "'")
    listed = api("GET", f"/api/v1/tasks?{query}")
    assert listed.status_code == 400 and says in listed.get_json()["error"]["message"]


def test_the_last_allowed_page_is_simply_empty(api, web):
    assert web("pat").get("/inbox?page=10000&tab=completed").status_code == 200
    assert api("GET", "/api/v1/tasks?page=10000").get_json()["tasks"] == []
    version = web("owner").get("/admin/processes/two-steps?version=x")
    assert version.status_code == 400 and "must be a whole number" in version.get_data(as_text=True)


def cafe(declaration: str = "UTF-8") -> str:
    text = linear_named("Café au lait")
    return text.replace('encoding="UTF-8"', f'encoding="{declaration}"')


def linear_named(name: str) -> str:
    from .helpers import linear

    return linear("cafe", "one", name=name)


def zipped() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cafe.bpmn", cafe())
    return buffer.getvalue()


UPLOADS = [
    (cafe("ISO-8859-1").encode("latin-1"), None),
    (cafe().encode("utf-16"), None),
    (b"\xef\xbb\xbf" + cafe().encode("utf-8"), None),
    (cafe().encode("latin-1"), "is not UTF-8 text; save it as UTF-8"),
    (cafe("UTF-16").encode("latin-1"), "declares UTF-16 but has no byte order mark"),
    (cafe("klingon").encode("latin-1"), "names an unknown encoding, klingon"),
    (zipped(), "cafe.bpmn is not a text BPMN, DMN or form file (it looks like a zip archive"),
]


@pytest.mark.parametrize(("content", "says"), UPLOADS)
def test_an_upload_page_file_is_decoded_or_refused_with_a_reason(app, web, content, says):
    import io

    owner = web("owner")
    data = {"files": [(io.BytesIO(content), "cafe.bpmn")]}
    response = owner.post("/admin/deploy", data=data, content_type="multipart/form-data")
    if says is None:
        assert response.status_code == 302
        assert "Café au lait" in owner.get("/admin/processes").get_data(as_text=True)
    else:
        page = response.get_data(as_text=True).replace("&#39;", "'")
        assert response.status_code == 422 and says in page


@pytest.mark.parametrize(("content", "says"), UPLOADS)
def test_an_engine_rest_deployment_is_decoded_or_refused_with_a_reason(app, content, says):
    import io

    from .test_engine_rest import OWNER

    data = {"deployment-name": "cafe", "cafe.bpmn": (io.BytesIO(content), "cafe.bpmn")}
    response = app.test_client().post(
        "/engine-rest/deployment/create",
        data=data,
        headers=OWNER,
        content_type="multipart/form-data",
    )
    if says is None:
        assert response.status_code == 200
        [deployed] = response.get_json()["deployedProcessDefinitions"].values()
        assert deployed["name"] == "Café au lait"
    else:
        assert response.status_code == 400 and says in response.get_json()["message"]


def test_joinedup_deploy_refuses_a_zip_named_bpmn(database_url, tmp_path):
    from click.testing import CliRunner

    from webapp.cli import main

    (tmp_path / "cafe.bpmn").write_bytes(zipped())
    (tmp_path / "latin.bpmn").write_bytes(cafe("ISO-8859-1").encode("latin-1"))
    run = CliRunner().invoke(
        main, ["--database", database_url, "deploy", str(tmp_path / "cafe.bpmn")]
    )
    assert run.exit_code == 1 and "it looks like a zip archive" in run.output
    run = CliRunner().invoke(
        main, ["--database", database_url, "deploy", str(tmp_path / "latin.bpmn")]
    )
    assert run.exit_code == 0, run.output


def test_the_command_line_may_set_timescales_within_their_bounds(database_url):
    from click.testing import CliRunner

    from webapp.cli import main

    from .helpers import WORKFLOWS

    def run(*args):
        return CliRunner().invoke(main, ["--database", database_url, *args])

    assert run("deploy", str(WORKFLOWS)).exit_code == 0
    started = run("start", "professional-differences", "--as", "olu", "--var", "stage1_days=3")
    assert started.exit_code == 0, started.output
    refused = run("start", "professional-differences", "--var", "stage1_days=1000000")
    assert refused.exit_code == 1 and "must be from 1 to 20" in refused.output


def test_the_inbox_page_has_no_all_tab_though_the_api_does(api, web):
    page = web("pat").get("/inbox?tab=all")
    assert page.status_code == 400
    assert "not 'all'" in page.get_data(as_text=True).replace("&#39;", "'")
    assert api("GET", "/api/v1/tasks?tab=all").status_code == 200

"""``/api/v1`` with bearer tokens: the same rules as the pages, errors as JSON."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.inbox import Cursor
from webapp import engine_of

from .test_professional_differences import DIFFERENCE


@pytest.fixture
def api(app):
    engine = engine_of(app)
    tokens = {name: engine.issue_token(name) for name in ("pat", "mia", "pc", "sam", "mo")}
    client = app.test_client()

    def call(method, url, user="pat", token=None, **kwargs):
        token = token or (tokens[user] if user else None)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return client.open(url, method=method, headers=headers, **kwargs)

    return call


def test_without_a_token_the_api_answers_401_json(api):
    response = api("GET", "/api/v1/tasks", user=None)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorised"
    assert api("GET", "/api/v1/tasks", token="nonsense").status_code == 401


def test_list_show_and_complete_a_task(api):
    [task] = api("GET", "/api/v1/tasks").get_json()["tasks"]
    assert task["name"] == "Describe the professional difference" and task["case_ref"] == "DEMO-001"
    shown = api("GET", f"/api/v1/tasks/{task['id']}").get_json()
    assert {field["id"] for field in shown["form"]} >= {"concern", "immediate_risk", "other_agency"}
    done = api(
        "POST",
        f"/api/v1/tasks/{task['id']}/complete",
        json={"variables": DIFFERENCE, "version": shown["instance_version"]},
    )
    assert done.status_code == 200 and done.get_json()["instance"]["status"] == "running"
    again = api("POST", f"/api/v1/tasks/{task['id']}/complete", json={"variables": DIFFERENCE})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "task_already_completed"


def test_the_task_list_pages_by_cursor(api):
    listed = api("GET", "/api/v1/tasks?tab=all").get_json()
    [task] = listed["tasks"]
    assert listed["next"] is None and listed["previous"] is None and not listed["has_previous"]
    due = datetime.fromisoformat(task["due_at"]) if task["due_at"] else None
    at_it = Cursor(due, task["id"]).encode()
    after = api("GET", f"/api/v1/tasks?tab=all&after={at_it}").get_json()
    assert after["tasks"] == [] and after["has_previous"] and after["previous"] is None
    before = api("GET", f"/api/v1/tasks?tab=all&before={at_it}").get_json()
    assert [t["id"] for t in before["tasks"]] == [task["id"]]  # back at the start: page one


def test_invalid_values_are_a_422_listing_each_field(api):
    [task] = api("GET", "/api/v1/tasks").get_json()["tasks"]
    response = api(
        "POST",
        f"/api/v1/tasks/{task['id']}/complete",
        json={"variables": {"concern": "short", "immediate_risk": "perhaps"}},
    )
    error = response.get_json()["error"]
    assert response.status_code == 422 and error["code"] == "invalid_submission"
    assert error["details"]["concern"] == "Must be at least 10 characters"
    assert error["details"]["immediate_risk"] == "Choose yes or no"


def test_writes_need_a_json_body(api):
    [task] = api("GET", "/api/v1/tasks").get_json()["tasks"]
    response = api("POST", f"/api/v1/tasks/{task['id']}/complete", data={"concern": "x"})
    assert response.status_code == 415 and "JSON body" in response.get_json()["error"]["message"]


def test_claiming_and_the_agency_rule(api):
    api(
        "POST",
        "/api/v1/tasks/1/complete",
        json={
            "variables": {
                **DIFFERENCE,
                "immediate_risk": "yes",
                "raised_risk_to": "child",
                "raised_risk_who": "Ruby",
            }
        },
    )
    [mash] = api("GET", "/api/v1/tasks?tab=team", user="mia").get_json()["tasks"]
    assert api("POST", f"/api/v1/tasks/{mash['id']}/claim", user="pc", json={}).status_code == 404
    assert api("POST", f"/api/v1/tasks/{mash['id']}/claim", user="mia", json={}).status_code == 200
    [mine] = api("GET", "/api/v1/tasks", user="mia").get_json()["tasks"]
    assert mine["assignee"] == "mia"


def test_cases_and_instances(api):
    case = api("GET", "/api/v1/cases/DEMO-001").get_json()
    assert {m["kind"] for m in case["members"]} == {"adult", "child", "unborn"}
    assert case["instances"][0]["process_key"] == "professional-differences"
    instance = api("GET", f"/api/v1/instances/{case['instances'][0]['id']}").get_json()
    assert instance["status"] == "running"
    assert instance["variables"] is None  # raw variables: process owners and administrators
    assert api("GET", "/api/v1/cases/DEMO-001", user="pc").status_code == 404
    missing = api("GET", "/api/v1/instances/999")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_starting_a_process_on_a_case(api):
    response = api("POST", "/api/v1/cases/DEMO-001/start", json={"process": "information-request"})
    assert response.status_code == 201 and response.get_json()["instance"]["status"] == "running"
    names = [t["name"] for t in api("GET", "/api/v1/tasks").get_json()["tasks"]]
    assert "Record the request" in names
    assert api("POST", "/api/v1/cases/DEMO-001/start", json={}).status_code == 400
    assert (
        api(
            "POST",
            "/api/v1/cases/DEMO-001/start",
            user="pc",
            json={"process": "information-request"},
        ).status_code
        == 404
    )


def test_start_and_complete_answer_with_what_is_next_for_the_caller(api):
    started = api("POST", "/api/v1/cases/DEMO-001/start", json={"process": "information-request"})
    [first] = started.get_json()["next_tasks"]
    assert first["name"] == "Record the request" and first["assignee"] == "pat"
    done = api(
        "POST",
        f"/api/v1/tasks/{first['id']}/complete",
        json={
            "variables": {
                "agency": "probation",
                "question": "Is the father on licence?",
                "urgent": False,
            }
        },
    )
    assert done.get_json()["next_tasks"] == []  # the next task is probation's, not pat's


def test_starting_a_process_about_one_family_member(api, app):
    case = api("GET", "/api/v1/cases/DEMO-001", user="sam").get_json()
    ruby = next(m for m in case["members"] if m["name"] == "Ruby Taylor")
    startable = {p["process"]: p["subject_kind"] for p in case["startable"]}
    assert startable["transition-to-adulthood"] == "child"
    start = {"process": "transition-to-adulthood", "subject": ruby["id"]}
    too_young = api("POST", "/api/v1/cases/DEMO-001/start", user="sam", json=start)
    assert too_young.status_code == 422  # Ruby is 7: transition needs the reason it was asked
    assert "request_reason" in too_young.get_json()["error"]["details"]
    asked = {"request_reason": "Her parents asked: planning early for a complex condition"}
    started = api(
        "POST",
        "/api/v1/cases/DEMO-001/start",
        user="sam",
        json={**start, "variables": asked},
    )
    assert started.status_code == 201
    [first] = started.get_json()["next_tasks"]
    assert first["name"] == "Identify the young person's transition needs"
    instance_id = started.get_json()["instance"]["id"]
    assert api("GET", f"/api/v1/instances/{instance_id}", user="sam").status_code == 200
    variables = engine_of(app).instance_variables(instance_id)
    assert (variables["subject_name"], str(variables["planning_due"])) == (
        "Ruby Taylor",
        "2035-05-02",
    )
    wrong = api(
        "POST",
        "/api/v1/cases/DEMO-001/start",
        user="mo",
        json={"process": "pre-birth-assessment", "subject": ruby["id"]},
    )
    assert wrong.status_code == 422 and "no unborn baby" in wrong.get_json()["error"]["message"]
    midwife = api(
        "POST",
        "/api/v1/cases/DEMO-001/start",
        user="mo",
        json={"process": "pre-birth-assessment", "variables": {"assessment_weeks": 30}},
    )
    assert midwife.status_code == 403  # timescales are for managers and process owners
    midwife = api(
        "POST", "/api/v1/cases/DEMO-001/start", user="mo", json={"process": "pre-birth-assessment"}
    )
    assert midwife.status_code == 201
    variables = engine_of(app).instance_variables(midwife.get_json()["instance"]["id"])
    assert (str(variables["expected_due_date"]), str(variables["assessment_due"])) == (
        "2027-04-15",
        "2027-01-21",  # 28 weeks: 12 weeks before the due date
    )

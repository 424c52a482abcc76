"""Red-team findings: requests that crashed the app (500) instead of answering 400 or 404.

Demo data (engine.demo): case DEMO-001 involves children's social care (sam) and adult mental
health (pat), who holds the first task of a professional difference.
"""

from __future__ import annotations

import pytest

from engine.demo import DEMO_CASE

from .helpers import add_csc_process_owner
from .test_engine_rest import basic

HUGE = "99999999999999999999"
PD = "professional-differences"
REST_START = f"/engine-rest/process-definition/key/{PD}/start"


@pytest.mark.parametrize(
    "url",
    [
        f"/tasks/{HUGE}",
        f"/instances/{HUGE}",
        f"/instances/{HUGE}/diagram",
        f"/api/v1/tasks/{HUGE}",
        f"/api/v1/instances/{HUGE}",
    ],
)
def test_an_id_too_large_for_the_database_is_simply_not_found(web, url):
    assert web("sam").get(url).status_code == 404


def test_posting_to_an_id_too_large_for_the_database_is_not_found(web):
    sam = web("sam")
    assert sam.post(f"/tasks/{HUGE}/claim").status_code == 404
    assert sam.post(f"/approvals/{HUGE}", {"decision": "approve", "reason": "x"}).status_code == 404
    assert sam.client.post(f"/api/v1/tasks/{HUGE}/claim", json={}).status_code == 404


def test_migrating_from_a_version_id_too_large_is_a_400(web):
    response = web("owner").post(f"/admin/processes/{PD}/migrate", {"source": HUGE, "target": "1"})
    assert response.status_code == 400


def test_a_subject_that_only_looks_like_digits_is_not_a_crash(web):
    response = web("sam").post(f"/cases/{DEMO_CASE}/start/pre-birth-assessment", {"subject": "²"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    ["/inbox?case=%00", "/inbox?process=%00", "/cases/%00", "/api/v1/cases/%00", "/cases?x=%00"],
)
def test_a_nul_character_in_a_url_is_a_400_not_a_database_error(web, url):
    response = web("sam").get(url)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_a_nul_character_in_a_form_is_a_400(web):
    response = web().post("/sign-in", {"username": "pat\x00", "password": "x"})
    assert response.status_code == 400
    response = web("pat").post("/tasks/1", {"action": "draft", "concern": "a\x00b"})
    assert response.status_code == 400


BAD_BODIES = [
    "[1]",
    "[" * 100_000 + "]" * 100_000,
    '{"variables": ' + "[" * 100_000 + "]" * 100_000 + "}",
    '{"variables": {"concern": "a\\u0000"}}',
]
BAD_STARTS = ['{"process": ["x"]}', '{"process": {"a": 1}}', '{"process": "a\\u0000"}']
START = f"/api/v1/cases/{DEMO_CASE}/start"


@pytest.mark.parametrize(
    ("url", "body"),
    [("/api/v1/tasks/1/complete", body) for body in BAD_BODIES]
    + [(START, body) for body in BAD_BODIES + BAD_STARTS],
)
def test_api_bodies_of_the_wrong_shape_are_a_400(web, url, body):
    response = web("pat").client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)


def test_api_version_must_be_a_whole_number(web):
    response = web("pat").client.post(
        "/api/v1/tasks/1/complete", json={"variables": {}, "version": {"a": 1}}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"businessKey": {"a": 1}},
        {"businessKey": ["x"]},
        {"businessKey": "k" * 1000},
        {"businessKey": "a\x00"},
        [1],
    ],
)
def test_engine_rest_start_refuses_a_bad_business_key_or_body(app, body):
    response = app.test_client().post(REST_START, json=body, headers=basic("owner"))
    assert response.status_code in (400, 422), response.get_data(as_text=True)


def test_engine_rest_start_refuses_json_nested_too_deep(app):
    deep = '{"variables": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = app.test_client().post(
        REST_START, data=deep, content_type="application/json", headers=basic("owner")
    )
    assert response.status_code == 400


# --- a process owner starts from the Modeler only the processes they own ----------------------


def test_the_modeler_starts_only_processes_the_process_owner_owns(app):
    from webapp import engine_of

    add_csc_process_owner(engine_of(app))
    spoof = {"variables": {"case_ref": DEMO_CASE, "family_name": "Taylor"}}
    refused = app.test_client().post(REST_START, json=spoof, headers=basic("cpo"))
    assert refused.status_code == 403 and PD in refused.get_json()["message"]
    started = app.test_client().post(REST_START, json={}, headers=basic("owner"))
    assert started.status_code == 200


def test_the_api_still_lists_held_and_offered_tasks_together_and_refuses_an_unknown_tab(web):
    pat = web("pat")
    listed = pat.get("/api/v1/tasks?tab=all", headers={"Accept": "application/json"})
    assert listed.status_code == 200 and listed.get_json()["tasks"]
    bogus = pat.get("/api/v1/tasks?tab=bogus", headers={"Accept": "application/json"})
    assert bogus.status_code == 400

"""Every look at a case, task or instance leaves one row: who, what, when, from which agency,
through the web or the API. "Who has seen this case" is for the lead agency's managers, the
partnership and administrators, as a page, a CSV and JSON.

Demo data (engine.demo): case DEMO-001 involves children's social care (the lead: Sam works
it, Cal manages), adult mental health (Pat, who raised a professional difference; Amy manages),
and others - not the police (PC Parker). Chris chairs the partnership.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from engine.access_audit import AccessEvent
from engine.access_audit.trail import CSV_HEADER
from engine.demo import DEMO_CASE
from webapp import engine_of

from .test_security_access import held_task

ACCESS = f"/cases/{DEMO_CASE}/access"


def looks(app) -> list[AccessEvent]:
    with engine_of(app).db.reading() as session:
        return list(session.scalars(select(AccessEvent).order_by(AccessEvent.id)))


def bearer(app, username: str) -> dict:
    return {"Authorization": f"Bearer {engine_of(app).issue_token(username)}"}


def test_a_case_page_view_leaves_one_row_with_who_what_and_their_agency(app, web):
    assert web("sam").get(f"/cases/{DEMO_CASE}").status_code == 200
    [look] = looks(app)
    assert (look.actor, look.agency, look.event_type) == (
        "sam",
        "childrens-social-care",
        "case_viewed",
    )
    assert (look.case_ref, look.via, look.at) == (DEMO_CASE, "web", engine_of(app).clock.now())


def test_a_task_page_view_leaves_one_row_naming_the_task_not_a_second_for_its_case(app, web):
    task = held_task(app, "pat")
    assert web("pat").get(f"/tasks/{task.id}").status_code == 200
    [look] = looks(app)
    assert (look.actor, look.agency, look.event_type, look.via) == (
        "pat",
        "adult-mental-health",
        "task_viewed",
        "web",
    )
    assert (look.task_id, look.instance_id, look.case_ref) == (task.id, task.instance_id, DEMO_CASE)
    assert look.what == task.name


def test_an_instance_page_view_is_a_look_at_the_process(app, web):
    task = held_task(app, "pat")
    assert web("sam").get(f"/instances/{task.instance_id}").status_code == 200
    [look] = looks(app)
    assert (look.event_type, look.instance_id, look.case_ref) == (
        "instance_viewed",
        task.instance_id,
        DEMO_CASE,
    )


@pytest.mark.parametrize("kind", ["task", "case"])
def test_an_api_read_leaves_one_row_marked_api(app, kind):
    task = held_task(app, "pat")
    url = f"/api/v1/tasks/{task.id}" if kind == "task" else f"/api/v1/cases/{DEMO_CASE}"
    response = app.test_client().get(url, headers=bearer(app, "pat"))
    assert response.status_code == 200
    [look] = looks(app)
    assert (look.actor, look.agency, look.event_type, look.via) == (
        "pat",
        "adult-mental-health",
        f"{kind}_viewed",
        "api",
    )


def test_a_404_is_not_a_look(app, web):
    task = held_task(app, "pat")
    pc = web("pc")  # police: not involved in the case
    for url in (f"/cases/{DEMO_CASE}", f"/tasks/{task.id}", f"/instances/{task.instance_id}"):
        assert pc.get(url).status_code == 404
    assert (
        app.test_client().get(f"/api/v1/tasks/{task.id}", headers=bearer(app, "pc")).status_code
        == 404
    )
    assert looks(app) == []


def test_lists_and_saving_a_draft_are_not_looks(app, web):
    task = held_task(app, "pat")
    pat = web("pat")
    assert pat.get("/inbox?tab=mine").status_code == 200
    assert pat.get("/cases").status_code == 200
    pat.post(f"/tasks/{task.id}", {"action": "draft"})
    assert looks(app) == []


@pytest.mark.parametrize("who", ["cal", "chair", "admin"])
def test_the_lead_agencys_manager_and_the_partnership_see_who_has_seen_the_case(app, web, who):
    web("sam").get(f"/cases/{DEMO_CASE}")
    viewer = web(who)
    case_page = viewer.get(f"/cases/{DEMO_CASE}")
    if who == "cal":
        assert "Who has seen this case" in case_page.get_data(as_text=True)
    else:  # oversight of access without the case itself (least privilege)
        assert case_page.status_code == 404
    response = viewer.get(ACCESS)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sam Social Worker" in html and "Viewed the case" in html
    assert "Children&#39;s social care" in html
    assert "Instance started" in html  # pat's change is on the same trail
    assert looks(app)[-1].event_type == "case_access_viewed"


@pytest.mark.parametrize("who", ["pc", "pat", "amy", "sam"])
def test_anyone_else_gets_404_and_no_link(app, web, who):
    person = web(who)
    case_page = person.get(f"/cases/{DEMO_CASE}")
    assert "Who has seen this case" not in case_page.get_data(as_text=True)
    for url in (ACCESS, f"{ACCESS}.csv"):
        response = person.get(url)
        assert response.status_code == 404
        assert "Viewed the case" not in response.get_data(as_text=True)
    api = app.test_client().get(f"/api/v1{ACCESS}", headers=bearer(app, who))
    assert api.status_code == 404


def test_the_csv_has_a_header_and_a_line_per_look(app, web):
    task = held_task(app, "pat")
    web("sam").get(f"/cases/{DEMO_CASE}")
    web("pat").get(f"/tasks/{task.id}")
    app.test_client().get(f"/api/v1/cases/{DEMO_CASE}", headers=bearer(app, "mo"))
    before = len(looks(app))
    response = web("chair").get(f"{ACCESS}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == CSV_HEADER
    viewed = [row for row in rows[1:] if row[4].startswith("Viewed")]
    assert len(viewed) == before == 3
    assert [row[1] for row in viewed] == ["mo", "pat", "sam"]  # newest first
    assert viewed[0][6] == "api" and viewed[1][5] == task.name
    assert looks(app)[-1].event_type == "case_access_exported"


def test_the_api_lists_the_trail_with_the_same_permission(app, clock):
    client = app.test_client()
    clock.advance(minutes=5)  # after the demo's changes
    client.get(f"/api/v1/cases/{DEMO_CASE}", headers=bearer(app, "sam"))
    body = client.get(f"/api/v1{ACCESS}", headers=bearer(app, "cal")).get_json()
    assert body["page"] == 1 and body["has_next"] is False
    first = body["entries"][0]
    assert (first["username"], first["agency"], first["via"], first["looked"]) == (
        "sam",
        "childrens-social-care",
        "api",
        True,
    )


def test_the_trail_pages_newest_first(app, web, clock):
    sam = web("sam")
    for _ in range(55):
        clock.advance(seconds=1)
        sam.get(f"/cases/{DEMO_CASE}")
    cal = web("cal")
    first = cal.get(ACCESS).get_data(as_text=True)
    second = cal.get(f"{ACCESS}?page=2").get_data(as_text=True)
    assert first.count("Viewed the case") == 50
    assert f"{ACCESS}?page=2" in first
    # cal's own first look is newest by now, so one more of sam's moves to page 2
    assert second.count("Viewed the case") == 6 and "Instance started" in second


def test_turning_looks_off_records_nothing(app, web):
    engine_of(app).audit_looks = False
    web("sam").get(f"/cases/{DEMO_CASE}")
    assert looks(app) == []

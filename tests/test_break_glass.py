"""Least privilege for the partnership's roles, and time-limited "break-glass" access.

Demo data (engine.demo): case DEMO-001 (Taylor family) involves children's social care (the
lead agency: Cal manages), adult mental health (Pat raised a professional difference) and
others. The partnership's chair (Chris), business manager (Pam), process owner (Olu) and
administrator (Ade) have no work on it; Hana is Head of Service in children's social care.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.access_audit import AccessEvent
from engine.actors import Actor
from engine.break_glass import BreakGlassAccess
from engine.demo import DEMO_CASE
from engine.errors import InvalidSubmission, NotFound
from notifications.models import OutboxNotification
from notifications.scheduler import BackgroundJobs
from notifications.service import Notifications
from notifications.settings import SmtpSettings
from webapp import engine_of

from .test_access_audit import ACCESS, bearer
from .test_professional_differences import DIFFERENCE, STAGE4
from .test_security_access import held_task
from .test_web import DESCRIBE, actor_of, complete

CASE = f"/cases/{DEMO_CASE}"
REASON = "Reviewing the stage 3 escalation for the partnership"
PARTNERSHIP = ("chair", "pbm", "owner", "admin")


def case_urls(app) -> list[str]:
    """The case page, its API, the demo difference's instance and its task (web and API)."""
    task = held_task(app, "pat")
    return [
        CASE,
        f"/api/v1{CASE}",
        f"/instances/{task.instance_id}",
        f"/api/v1/instances/{task.instance_id}",
        f"/tasks/{task.id}",
        f"/api/v1/tasks/{task.id}",
    ]


def open_glass(app, username: str, reason: str = REASON, case_ref: str = DEMO_CASE):
    return engine_of(app).open_break_glass(case_ref, reason, actor_of(app, username))


# --- least privilege --------------------------------------------------------------------------


@pytest.mark.parametrize("who", PARTNERSHIP)
def test_the_partnership_sees_no_case_it_has_no_work_on(app, web, who):
    client = web(who)
    for url in case_urls(app):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Taylor" not in response.get_data(as_text=True)
    assert DEMO_CASE not in client.get("/cases").get_data(as_text=True)
    assert engine_of(app).cases(actor_of(app, who)) == []


def test_process_administration_still_works_without_case_sight(app, web):
    for who in ("owner", "admin"):
        page = web(who).get("/admin/processes")
        assert page.status_code == 200
        assert "Taylor" not in page.get_data(as_text=True)


def reach_stage_four(app) -> None:
    """Pat describes the difference; every stage then runs out of time up to the partnership."""
    complete(app, "pat", DESCRIBE, **DIFFERENCE)
    engine = engine_of(app)
    chair = actor_of(app, "chair")
    for _day in range(60):
        engine.clock.advance(days=1)
        engine.fire_due_timers()
        if any(t.name == STAGE4 for t in engine.inbox(chair, "team").tasks):
            return
    raise AssertionError("the difference never reached stage 4")


def test_the_chair_sees_the_stage_four_task_and_its_case_and_the_business_manager_hers(app, web):
    chair = web("chair")
    assert chair.get(CASE).status_code == 404
    reach_stage_four(app)
    [task] = [t for t in engine_of(app).inbox(actor_of(app, "chair"), "team").tasks]
    assert task.name == STAGE4
    assert chair.get(f"/tasks/{task.id}").status_code == 200
    assert chair.get(CASE).status_code == 200
    assert chair.get(f"/instances/{task.instance_id}").status_code == 200
    assert DEMO_CASE in chair.get("/cases").get_data(as_text=True)
    # the business manager is told of the escalations: work given to her on this case
    assert web("pbm").get(CASE).status_code == 200
    # the process owner and the administrator are given nothing there
    assert web("owner").get(CASE).status_code == 404
    assert web("admin").get(f"/tasks/{task.id}").status_code == 404


# --- break-glass --------------------------------------------------------------------------------


def test_break_glass_opens_with_a_reason_shows_the_case_and_is_on_the_trail(app, web):
    admin = web("admin")
    page = admin.get("/break-glass")
    assert page.status_code == 200 and "Break-glass access" in page.get_data(as_text=True)
    opened = admin.post("/break-glass", {"case_ref": DEMO_CASE, "reason": REASON})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(CASE)
    for url in case_urls(app)[:4]:
        assert admin.get(url).status_code == 200, url
    for url in case_urls(app)[4:]:  # as an involved agency's people: a held task is Pat's alone
        assert admin.get(url).status_code == web("sam").get(url).status_code == 404, url
    listed = admin.get("/break-glass").get_data(as_text=True)
    assert DEMO_CASE in listed and REASON in listed
    trail = web("cal").get(ACCESS).get_data(as_text=True)
    assert "Opened break-glass access" in trail and REASON in trail
    assert "Ade Administrator" in trail
    with engine_of(app).db.reading() as session:
        [window] = session.scalars(select(BreakGlassAccess)).all()
        looks = session.scalars(select(AccessEvent.event_type)).all()
    assert (window.username, window.agency, window.role) == (
        "admin",
        "safeguarding-partnership",
        "admin",
    )
    assert window.expires_at - window.opened_at == timedelta(hours=2)
    assert looks[0] == "break_glass_opened" and "case_viewed" in looks


def test_opening_it_tells_the_lead_agencys_managers(app):
    open_glass(app, "hos")
    engine = engine_of(app)
    with engine.db.reading() as session:
        [row] = session.scalars(
            select(OutboxNotification).where(OutboxNotification.event_type == "break_glass_opened")
        ).all()
    assert (row.recipient_kind, row.recipient) == ("group", "childrens-social-care:manager")
    assert row.case_ref == DEMO_CASE and not row.urgent
    BackgroundJobs(engine, SmtpSettings(host="")).deliver()
    [told] = Notifications(engine.db, engine.clock).recent("cal")
    assert told.title == "Someone outside the case has opened it (break-glass)"
    assert told.link == f"{CASE}/access"
    assert REASON not in told.body  # emails and notifications carry no case details


def test_the_window_expires_after_the_configured_time(app, web):
    engine = engine_of(app)
    engine.break_glass_minutes = 30
    chair = web("chair")
    open_glass(app, "chair")
    assert chair.get(CASE).status_code == 200
    engine.clock.advance(minutes=29)
    assert chair.get(CASE).status_code == 200
    engine.clock.advance(minutes=1)
    assert chair.get(CASE).status_code == 404
    assert engine.break_glass_windows(actor_of(app, "chair")) == []


def test_the_window_can_be_closed_early_and_only_by_its_owner(app, web):
    window = open_glass(app, "pbm")
    with pytest.raises(NotFound):
        engine_of(app).close_break_glass(window.id, actor_of(app, "chair"))
    pbm = web("pbm")
    assert pbm.get(CASE).status_code == 200
    assert pbm.post(f"/break-glass/{window.id}/close", {}).status_code == 302
    assert pbm.get(CASE).status_code == 404
    assert pbm.post(f"/break-glass/{window.id}/close", {}).status_code == 404
    trail = web("cal").get(ACCESS).get_data(as_text=True)
    assert "Closed break-glass access" in trail


@pytest.mark.parametrize("who", ["pat", "sam", "cal", "amy", "pc"])
def test_ineligible_roles_cannot_open_it_and_the_pages_do_not_exist_for_them(app, web, who):
    client = web(who)
    assert client.get("/break-glass").status_code == 404
    assert client.post("/break-glass", {"case_ref": DEMO_CASE, "reason": REASON}).status_code == 404
    api = app.test_client().post(
        "/api/v1/break-glass",
        json={"case_ref": DEMO_CASE, "reason": REASON},
        headers=bearer(app, who),
    )
    assert api.status_code == 404 and DEMO_CASE not in api.get_data(as_text=True)
    assert "Break-glass" not in client.get("/inbox").get_data(as_text=True)
    with engine_of(app).db.reading() as session:
        assert session.scalars(select(BreakGlassAccess)).all() == []


def test_a_short_or_long_reason_is_refused_and_nothing_opens(app, web):
    chair = web("chair")
    short = chair.post("/break-glass", {"case_ref": DEMO_CASE, "reason": " too  short "})
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True)
    with pytest.raises(InvalidSubmission, match="255 characters or fewer"):
        open_glass(app, "chair", reason="x" * 256)
    assert chair.get(CASE).status_code == 404
    with engine_of(app).db.reading() as session:
        assert session.scalars(select(BreakGlassAccess)).all() == []
        told = select(OutboxNotification).where(
            OutboxNotification.event_type == "break_glass_opened"
        )
        assert session.scalars(told).all() == []


def test_a_case_that_does_not_exist_is_refused_without_opening_anything(app, web):
    response = web("owner").post("/break-glass", {"case_ref": "NOPE-999", "reason": REASON})
    assert response.status_code == 422
    assert "There is no case with this reference" in response.get_data(as_text=True)
    with pytest.raises(NotFound):  # to someone who may not use it, the same as any other case
        open_glass(app, "pat", case_ref="NOPE-999")


def test_the_api_opens_lists_and_closes_windows(app):
    headers = bearer(app, "hos")
    client = app.test_client()
    opened = client.post(
        "/api/v1/break-glass", json={"case_ref": DEMO_CASE, "reason": REASON}, headers=headers
    )
    assert opened.status_code == 201
    window = opened.get_json()
    assert window["case_ref"] == DEMO_CASE and window["reason"] == REASON
    listed = client.get("/api/v1/break-glass", headers=headers).get_json()
    assert [w["id"] for w in listed["windows"]] == [window["id"]] and listed["minutes"] == 120
    short = client.post(
        "/api/v1/break-glass", json={"case_ref": DEMO_CASE, "reason": "why"}, headers=headers
    )
    assert short.status_code == 422 and "reason" in short.get_json()["error"]["details"]
    closed = client.delete(f"/api/v1/break-glass/{window['id']}", json={}, headers=headers)
    assert closed.status_code == 200 and closed.get_json()["windows"] == []


def test_the_engine_itself_needs_no_window_and_opens_none(app):
    with pytest.raises(NotFound):
        engine_of(app).open_break_glass(DEMO_CASE, REASON, Actor.engine())

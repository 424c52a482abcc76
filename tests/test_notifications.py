"""Notifications end to end, against a real SMTP server on loopback (aiosmtpd).

Guarantee under test: every outbox row is emailed at least once, a step that rolled back sends
nothing, several schedulers never send the same row twice while all are alive, and a resend
after a crash carries the same idempotency key.
"""

from __future__ import annotations

import email
import socket
import threading
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from engine.demo import DEMO_PASSWORD
from engine.errors import ProcessError
from notifications.delivery import Delivery
from notifications.mail import Mailer
from notifications.models import OutboxNotification
from notifications.scheduler import BackgroundJobs, build_scheduler
from notifications.settings import SmtpSettings
from webapp import engine_of

from .test_professional_differences import DIFFERENCE


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """Collects what the SMTP server receives."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp():
    """A real SMTP server on a free loopback port; ``smtp.start()``/``stop()`` to simulate outages."""

    class Server:
        def __init__(self):
            self.port, self.inbox, self.controller = free_port(), Inbox(), None

        def start(self):
            self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
            self.controller.start()

        def stop(self):
            if self.controller:
                self.controller.stop()
                self.controller = None

    server = Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def jobs(app, smtp):
    settings = SmtpSettings(
        host="127.0.0.1", port=smtp.port, base_url="https://joinedup.example", timeout=60
    )
    return BackgroundJobs(engine_of(app), settings)


def actor(app, username):
    return engine_of(app).authenticate(username, DEMO_PASSWORD).actor()


def raise_difference(app, **changes):
    engine = engine_of(app)
    pat = actor(app, "pat")
    [task] = engine.inbox(pat, "mine").tasks
    engine.complete(task.id, {**DIFFERENCE, **changes}, pat)


def resolve_at_stage_one(app):
    """Both practitioners (pat, and sam of children's social care) say it is resolved."""
    engine = engine_of(app)
    for username, side in (("pat", "raiser"), ("sam", "other")):
        person = actor(app, username)
        [stage1] = [t for t in engine.inbox(person, "mine").tasks if t.name.startswith("Stage 1")]
        answers = {"position": "Agreed", "resolved": "yes", "immediate_risk": "no"}
        engine.complete(stage1.id, {f"s1_{side}_{k}": v for k, v in answers.items()}, person)


def outbox_rows(app):
    with engine_of(app).db.reading() as session:
        return list(session.scalars(select(OutboxNotification).order_by(OutboxNotification.id)))


def test_a_step_s_notifications_are_emailed_once_without_case_details(app, jobs, smtp):
    raise_difference(app)
    report = jobs.deliver()
    assert report.expanded >= 2 and report.sent >= 3 and report.errors == []
    [raised_to_cal] = [
        m
        for m in smtp.inbox.to("cal@joinedup.test")
        if m["Subject"] == "URGENT: A professional difference has been raised"
    ]
    body = raised_to_cal.get_body(("plain",)).get_content()
    assert "https://joinedup.example/instances/" in body and "DEMO-001" in body
    for detail in ("Taylor", "Jade", "Liam", "Ruby", "Sam Jones", "threshold"):
        assert detail not in raised_to_cal.as_string()  # the link leads to the details
    assert raised_to_cal["X-JoinedUp-Notification-Id"].startswith("notification-")
    assigned = [
        m
        for m in smtp.inbox.to("pat@joinedup.test")
        if m["Subject"] == "A task has been assigned to you"
    ]
    assert len(assigned) == 2  # describing the difference (at start), then stage 1
    assert all("/tasks/" in m.get_body(("plain",)).get_content() for m in assigned)
    count = len(smtp.inbox.messages)
    assert jobs.deliver().sent == 0 and len(smtp.inbox.messages) == count


def test_nothing_is_sent_for_a_step_that_rolled_back(app, jobs, smtp, monkeypatch):
    before = len(outbox_rows(app))
    engine = engine_of(app)
    pat = actor(app, "pat")
    [task] = engine.inbox(pat, "mine").tasks

    def broken(*args, **kwargs):
        raise ProcessError("simulated failure after the task ran", "record_raised")

    monkeypatch.setattr(type(engine.runtime), "advance_and_save", broken)
    with pytest.raises(ProcessError):
        engine.complete(task.id, DIFFERENCE, pat)
    assert len(outbox_rows(app)) == before


def test_an_smtp_outage_is_retried_with_back_off_and_nothing_is_lost(app, jobs, smtp, clock):
    raise_difference(app)
    smtp.stop()
    report = jobs.deliver()
    assert report.sent == 0 and report.retried >= 3 and report.errors
    waiting = [r for r in outbox_rows(app) if r.recipient_kind == "user"]
    assert {r.status for r in waiting} == {"pending"} and {r.attempts for r in waiting} == {1}
    assert all("Connection refused" in r.last_error or "Errno" in r.last_error for r in waiting)
    smtp.start()
    assert jobs.deliver().sent == 0  # backing off: the retry is not due yet
    clock.advance(minutes=1)
    report = jobs.deliver()
    assert report.sent == len(waiting) and len(smtp.inbox.messages) == len(waiting)


def test_a_crash_between_sending_and_marking_resends_with_the_same_idempotency_key(
    app, jobs, smtp, clock, monkeypatch
):
    raise_difference(app)
    delivery = jobs.delivery
    original_send = Delivery._send

    def send_then_die(self, row_id, message, connection):
        connection.send(message)
        raise SystemExit("process killed before marking the row sent")

    monkeypatch.setattr(Delivery, "_send", send_then_die)
    with pytest.raises(SystemExit):
        delivery.run_once()
    [first] = smtp.inbox.messages
    monkeypatch.setattr(Delivery, "_send", original_send)
    assert delivery.run_once().sent == 0  # the crashed batch is still leased to the dead process
    clock.advance(minutes=6)  # the lease runs out
    report = delivery.run_once()
    user_rows = [r for r in outbox_rows(app) if r.recipient_kind == "user"]
    assert report.sent == len(user_rows) and {r.status for r in user_rows} == {"sent"}
    keys = [m["X-JoinedUp-Notification-Id"] for m in smtp.inbox.messages]
    assert keys.count(first["X-JoinedUp-Notification-Id"]) == 2  # the one repeat, recognisable
    assert len(keys) == len(user_rows) + 1 and len(set(keys)) == len(user_rows)


def test_three_schedulers_send_each_email_exactly_once(app, smtp, database_url, clock):
    from engine.db import Database

    for _ in range(6):
        engine_of(app).start_on_case("information-request", "DEMO-001", actor(app, "pat"))
    rows = [r for r in outbox_rows(app) if r.recipient_kind == "user"]
    settings = SmtpSettings(host="127.0.0.1", port=smtp.port, timeout=60)
    databases = [Database(database_url) for _ in range(3)]
    nodes = [Delivery(db, clock, Mailer(settings), settings, batch=2) for db in databases]
    barrier = threading.Barrier(3)

    def run(node):
        barrier.wait()
        for _ in range(10):
            node.run_once()

    threads = [threading.Thread(target=run, args=(node,)) for node in nodes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    ids = [m["X-JoinedUp-Notification-Id"] for m in smtp.inbox.messages]
    assert len(ids) == len(rows) == len(set(ids))
    for db in databases:
        db.dispose()


def test_preferences_off_digest_and_statutory(app, jobs, smtp, clock):
    from notifications.service import InvalidPreference, Notifications

    engine = engine_of(app)
    notes = Notifications(engine.db, engine.clock)
    notes.set_preferences("pat", {"task_assigned": "off"})
    notes.set_preferences("amy", {"outcome": "digest"})
    with pytest.raises(InvalidPreference) as caught:
        notes.set_preferences("amy", {"outcome": "off"})
    assert "cannot be turned off" in caught.value.details["outcome"]
    raise_difference(app)
    jobs.deliver()
    assert smtp.inbox.to("pat@joinedup.test") == []  # off by email ...
    in_app = notes.recent("pat")  # ... but still in the app
    assert len(in_app) == 2 and {n.title for n in in_app} == {"A task has been assigned to you"}
    resolve_at_stage_one(app)
    smtp.inbox.messages.clear()
    jobs.deliver()
    assert smtp.inbox.to("amy@joinedup.test") == []  # the outcome waits for the digest
    assert jobs.digest() >= 1
    [digest] = smtp.inbox.to("amy@joinedup.test")
    assert digest["Subject"] == "Your JoinedUp daily summary"
    text = digest.get_body(("plain",)).get_content()
    assert "The outcome of a professional difference" in text
    assert jobs.digest() == 0


def test_a_statutory_notification_turned_off_in_the_database_is_still_sent(app, jobs, smtp):
    from notifications.models import NotificationPreference

    engine = engine_of(app)
    with engine.db.unit_of_work() as session:
        session.add(NotificationPreference(username="pat", event_type="outcome", mode="off"))
    raise_difference(app)
    resolve_at_stage_one(app)
    jobs.deliver()
    assert any(
        m["Subject"] == "The outcome of a professional difference"
        for m in smtp.inbox.to("pat@joinedup.test")
    )


def test_due_soon_and_overdue_reminders_go_out_once(app, jobs, smtp, clock):
    raise_difference(app)
    jobs.deliver()
    smtp.inbox.messages.clear()
    clock.set("2026-11-27T17:30:00+00:00")  # stage 1 due Monday 30 Nov 17:00: one working day
    # pat's stage 1 is due soon; sam's reply (3 working days, Thursday 17:00) is overdue, and
    # children's social care's manager is told (the reply's escalate_to)
    assert jobs.remind() == {"overdue": 1, "due_soon": 1, "escalated": 1}
    assert jobs.remind() == {"overdue": 0, "due_soon": 0, "escalated": 0}
    clock.set("2026-11-30T17:00:01+00:00")
    counts = jobs.remind()
    assert counts["overdue"] == 1
    jobs.deliver()
    subjects = [m["Subject"] for m in smtp.inbox.to("pat@joinedup.test")]
    assert "A task is due soon" in subjects and "A task is overdue" in subjects


def test_the_scheduler_runs_the_jobs_by_itself(app, jobs, smtp):
    raise_difference(app)
    scheduler = build_scheduler(jobs)
    scheduler.start()
    try:
        deadline = time.monotonic() + 90  # a slow machine: jobs start late
        while time.monotonic() < deadline and not smtp.inbox.to("cal@joinedup.test"):
            time.sleep(0.2)
    finally:
        scheduler.shutdown(wait=True)
    assert smtp.inbox.to("cal@joinedup.test")


def test_the_notifications_page_unread_count_and_settings(app, jobs, smtp, web):
    raise_difference(app)
    jobs.deliver()
    cal = web("cal")
    inbox = cal.get("/inbox").get_data(as_text=True)
    assert "Notifications (1 new)" in inbox
    page = cal.get("/notifications").get_data(as_text=True)
    assert "A professional difference has been raised" in page and "/instances/" in page
    cal.post("/notifications/read")
    assert "Notifications (1 new)" not in cal.get("/inbox").get_data(as_text=True)
    settings = cal.get("/notifications/settings").get_data(as_text=True)
    assert "(required)" in settings
    saved = cal.post(
        "/notifications/settings", {"task_available": "digest", "outcome": "immediately"}
    )
    assert saved.status_code == 302
    refused = cal.post("/notifications/settings", {"outcome": "off"})
    assert refused.status_code == 422 and "cannot be turned off" in refused.get_data(as_text=True)


def test_a_failing_timer_shows_as_an_incident_on_its_instance_page(app, web, clock):
    from .helpers import bpmn, flow, resource, timer_wait

    engine = engine_of(app)
    text = bpmn(
        "gate",
        '<bpmn:startEvent id="start"/>'
        + timer_wait("<bpmn:timeDuration>PT1H</bpmn:timeDuration>")
        + '<bpmn:exclusiveGateway id="gw"/><bpmn:endEvent id="a"/><bpmn:endEvent id="b"/>'
        + flow("start", "wait")
        + flow("wait", "gw")
        + flow("gw", "a", "${missing == 1}", "to_a")
        + flow("gw", "b", "${missing != 1}", "to_b"),
    ).replace(
        'isExecutable="true"', 'isExecutable="true" camunda:candidateStarterGroups="practitioner"'
    )
    engine.deploy([resource("gate.bpmn", text)])
    ref = engine.start_on_case("gate", "DEMO-001", actor(app, "pat"))
    clock.advance(hours=2)
    assert engine.fire_due_timers() == 0
    page = web("pat").get(f"/instances/{ref.id}").get_data(as_text=True)
    assert "Error" in page  # the failure is on the instance's history
    assert "failed:" not in page  # the technical error is the owners' to read, on their page
    owners = web("owner").get(f"/admin/instances/{ref.id}").get_data(as_text=True)
    assert "unknown variable &#39;missing&#39;" in owners


def test_with_email_turned_off_notifications_are_in_app_only(app, smtp):
    from notifications.service import Notifications

    engine = engine_of(app)
    jobs = BackgroundJobs(engine, SmtpSettings(host=""))
    raise_difference(app)
    report = jobs.deliver()
    assert report.sent == 0 and report.errors == [] and report.skipped >= 3
    assert smtp.inbox.messages == []
    assert Notifications(engine.db, engine.clock).unread_count("cal") == 1

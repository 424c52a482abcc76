"""The outbox under load, against a real SMTP server on loopback (aiosmtpd): one session for a
run of emails, a dropped session reopened without losing or repeating mail, urgent rows first,
and a backlog larger than one batch drained in one run."""

from __future__ import annotations

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from notifications.delivery import Delivery
from notifications.mail import Mailer
from notifications.models import OutboxNotification
from notifications.outbox import USER, enqueue
from notifications.settings import SmtpSettings

from .test_notifications import free_port

PEOPLE = ["ana", "ben", "cat"]


class Server:
    """Records each email and the connection (client address) it came over; can close the
    connection when asked for the n-th MAIL command."""

    def __init__(self, drop_at_mail: int | None = None):
        self.messages, self.peers, self.mails = [], [], 0
        self.drop_at_mail = drop_at_mail

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        self.mails += 1
        if self.mails == self.drop_at_mail:
            server.transport.close()  # the server goes away mid-run, before taking the email
            return "421 Closing the connection"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        self.peers.append(session.peer)
        return "250 OK"

    def keys(self) -> list[str]:
        return [m["X-JoinedUp-Notification-Id"] for m in self.messages]


@pytest.fixture
def people(engine):
    for username in PEOPLE:
        engine.create_user(
            username=username,
            password="a-long-test-password",  # noqa: S106
            display_name=username.title(),
            agency="childrens-social-care",
            roles=["practitioner"],
            email=f"{username}@joinedup.test",
        )
    return PEOPLE


def serve(handler):
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


def delivery_to(engine, controller, batch: int = 100) -> Delivery:
    settings = SmtpSettings(host="127.0.0.1", port=controller.port, timeout=5)
    return Delivery(engine.db, engine.clock, Mailer(settings), settings, batch=batch)


def queue(engine, count: int, urgent: bool = False) -> None:
    with engine.db.unit_of_work() as session:
        for n in range(count):
            enqueue(
                session,
                recipients=[(USER, PEOPLE[n % len(PEOPLE)])],
                template="plan_review",
                event_type="plan_review",
                now=engine.clock.now(),
                context={"step": f"{'Urgent' if urgent else 'Review'} {n}"},
                urgent=urgent,
            )


def statuses(engine) -> list[tuple[str, int]]:
    with engine.db.reading() as session:
        rows = session.scalars(select(OutboxNotification).order_by(OutboxNotification.id))
        return [(row.status, row.attempts) for row in rows]


def test_a_run_of_emails_goes_over_one_smtp_session(engine, people):
    server = Server()
    controller = serve(server)
    queue(engine, 30)
    report = delivery_to(engine, controller, batch=10).drain()
    controller.stop()
    assert report.sent == 30 and len(server.messages) == 30
    assert len(set(server.peers)) == 1  # one connection for all three batches
    assert statuses(engine) == [("sent", 1)] * 30


def test_a_session_the_server_drops_is_reopened_and_no_email_is_lost_or_sent_twice(engine, people):
    server = Server(drop_at_mail=4)
    controller = serve(server)
    queue(engine, 10)
    report = delivery_to(engine, controller).drain()
    controller.stop()
    assert report.sent == 10 and report.errors == []
    assert len(server.keys()) == len(set(server.keys())) == 10
    assert len(set(server.peers)) == 2  # three emails on the first session, seven on the next
    assert statuses(engine) == [("sent", 1)] * 10


def test_urgent_rows_go_first_and_a_backlog_of_several_batches_drains_in_one_run(engine, people):
    server = Server()
    controller = serve(server)
    queue(engine, 120)
    queue(engine, 3, urgent=True)  # written last, sent first
    report = delivery_to(engine, controller, batch=50).drain(seconds=300)
    controller.stop()
    assert report.sent == 123  # the old delivery stopped after one batch per run
    assert [m["Importance"] for m in server.messages[:3]] == ["high"] * 3
    assert all(m["Importance"] is None for m in server.messages[3:])
    assert len(set(server.keys())) == 123

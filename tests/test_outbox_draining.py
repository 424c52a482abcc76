"""The outbox under load, against a real SMTP server on loopback (aiosmtpd): one session for a
run of emails, a dropped session reopened without losing or repeating mail, urgent rows first,
a backlog larger than one batch drained in one run, and one bad row never holding up the rest
of its batch nor being tried forever."""

from __future__ import annotations

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from engine.accounts import User
from engine.sweep import backoff
from notifications.delivery import LEASE, MAX_ATTEMPTS, Delivery
from notifications.digests import send_digests
from notifications.events import SECRET_CONTEXT
from notifications.mail import Mailer
from notifications.models import DIGEST, PENDING, OutboxNotification
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
    # a timeout (and, in the tests, drain slices) long enough for a slow, loaded machine: these
    # tests are about what is sent and how often, not how fast
    settings = SmtpSettings(host="127.0.0.1", port=controller.port, timeout=60)
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
    report = delivery_to(engine, controller, batch=10).drain(seconds=300)
    controller.stop()
    assert report.sent == 30 and len(server.messages) == 30
    assert len(set(server.peers)) == 1  # one connection for all three batches
    assert statuses(engine) == [("sent", 1)] * 30


def test_a_session_the_server_drops_is_reopened_and_no_email_is_lost_or_sent_twice(engine, people):
    server = Server(drop_at_mail=4)
    controller = serve(server)
    queue(engine, 10)
    report = delivery_to(engine, controller).drain(seconds=300)
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


def reset_row(engine, username: str, reset_path) -> int:
    """A password reset email's row (urgent, with the secret link in its context)."""
    with engine.db.unit_of_work() as session:
        enqueue(
            session,
            recipients=[(USER, username)],
            template="password_reset",
            event_type="password_reset",
            now=engine.clock.now(),
            context={"step": "Set a new password", "reset_path": reset_path},
            urgent=True,
        )
    with engine.db.reading() as session:
        return session.scalars(
            select(OutboxNotification.id).order_by(OutboxNotification.id.desc())
        ).first()


def row(engine, row_id: int) -> OutboxNotification:
    with engine.db.reading() as session:
        return session.get(OutboxNotification, row_id)


def test_a_row_that_cannot_be_rendered_is_retried_alone_then_fails_and_the_rest_go(
    engine, people, clock
):
    server = Server()
    controller = serve(server)
    queue(engine, 2)
    bad = reset_row(engine, "ben", ["/reset-password/abc"])  # a list where the link should be
    queue(engine, 2)
    delivery = delivery_to(engine, controller)
    report = delivery.run_once()
    assert (report.sent, report.retried, report.failed) == (4, 1, 0)  # the rest went at once
    assert report.errors == ['TypeError: can only concatenate str (not "list") to str']
    assert f"notification-{bad}" not in server.keys() and len(server.keys()) == 4
    waiting = row(engine, bad)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert waiting.next_attempt_at == clock.now() + backoff(1)  # backing off, like SMTP failures
    assert waiting.last_error == report.errors[0]
    assert delivery.run_once().retried == 0  # not due yet
    runs = 1
    while row(engine, bad).status == "pending":
        clock.advance(backoff(row(engine, bad).attempts))
        report = delivery.run_once()
        runs += 1
    controller.stop()
    assert runs == MAX_ATTEMPTS and (report.sent, report.retried, report.failed) == (0, 0, 1)
    failed = row(engine, bad)
    assert (failed.status, failed.attempts) == ("failed", MAX_ATTEMPTS)
    assert failed.last_error.startswith("TypeError: can only concatenate str")
    assert "reset_path" not in failed.context  # the secret link is forgotten
    assert len(server.keys()) == 4


def test_an_address_the_email_library_refuses_fails_that_row_alone(engine, people):
    with engine.db.unit_of_work() as session:  # a header smuggled into a stored address
        session.execute(
            update(User).where(User.username == "cat").values(email="cat@x.test\nBcc: a@b.test")
        )
    server = Server()
    controller = serve(server)
    queue(engine, 6)  # ana, ben, cat, ana, ben, cat
    report = delivery_to(engine, controller).run_once()
    controller.stop()
    assert (report.sent, report.retried, report.failed) == (4, 2, 0)
    assert len(server.messages) == 4 and "cat@x.test" not in str([m["To"] for m in server.messages])
    assert statuses(engine) == [("sent", 1), ("sent", 1), ("pending", 1)] * 2
    with engine.db.reading() as session:
        errors = session.scalars(
            select(OutboxNotification.last_error).where(OutboxNotification.recipient == "cat")
        )
        assert all(
            e.startswith("HeaderParseError: header value appears to contain") for e in errors
        )


def test_a_row_whose_last_lease_ran_out_fails_at_the_next_claim_instead_of_being_sent(
    engine, people, clock
):
    server = Server()
    controller = serve(server)
    spent = reset_row(engine, "ana", "/reset-password/abc")
    one_left = reset_row(engine, "ben", "/reset-password/def")
    with engine.db.unit_of_work() as session:  # claimed, then each sender died before marking
        for row_id, attempts in ((spent, MAX_ATTEMPTS), (one_left, MAX_ATTEMPTS - 1)):
            session.execute(
                update(OutboxNotification)
                .where(OutboxNotification.id == row_id)
                .values(status="sending", attempts=attempts, next_attempt_at=clock.now() + LEASE)
            )
    queue(engine, 1)
    delivery = delivery_to(engine, controller)
    report = delivery.run_once()
    assert (report.sent, report.failed) == (1, 0)  # the leased rows wait for their leases
    clock.advance(LEASE)
    report = delivery.run_once()
    controller.stop()
    assert (report.sent, report.retried, report.failed) == (1, 0, 1)
    assert report.errors == [
        f"notification {spent}: lease ran out without the send completing (attempt 8 of 8)"
    ]
    assert f"notification-{spent}" not in server.keys()
    assert server.keys().count(f"notification-{one_left}") == 1  # its last attempt
    failed = row(engine, spent)
    assert (failed.status, failed.attempts) == ("failed", MAX_ATTEMPTS)
    assert failed.last_error == report.errors[0].split(": ", 1)[1]
    assert "reset_path" not in failed.context
    assert (row(engine, one_left).status, row(engine, one_left).attempts) == ("sent", MAX_ATTEMPTS)


def test_an_address_that_is_not_ascii_is_sent_with_smtputf8(engine, people):
    with engine.db.unit_of_work() as session:
        session.execute(
            update(User).where(User.username == "cat").values(email="cät@joinedup.test")
        )
    server = Server()
    controller = serve(server)  # aiosmtpd offers SMTPUTF8
    queue(engine, 3)
    report = delivery_to(engine, controller).run_once()
    controller.stop()
    assert (report.sent, report.retried, report.errors) == (3, 0, [])
    assert [m["To"] for m in server.messages][-1] == "cät@joinedup.test"


def test_an_address_needing_smtputf8_from_a_server_without_it_fails_that_row_alone(engine, people):
    with engine.db.unit_of_work() as session:
        session.execute(
            update(User).where(User.username == "cat").values(email="cät@joinedup.test")
        )
    server = Server()
    controller = Controller(server, hostname="127.0.0.1", port=free_port(), enable_SMTPUTF8=False)
    controller.start()
    queue(engine, 6)  # ana, ben, cat, ana, ben, cat
    report = delivery_to(engine, controller).run_once()
    controller.stop()
    assert (report.sent, report.retried, report.failed) == (4, 2, 0)
    assert statuses(engine) == [("sent", 1), ("sent", 1), ("pending", 1)] * 2
    with engine.db.reading() as session:
        errors = session.scalars(
            select(OutboxNotification.last_error).where(OutboxNotification.recipient == "cat")
        )
        assert all(e.startswith("SMTPNotSupportedError") for e in errors)


@pytest.mark.parametrize(
    "asked, missing",
    [({"starttls": True}, "STARTTLS"), ({"username": "jo", "password": "pw"}, "AUTH")],  # noqa: S105
)
def test_a_server_that_does_not_offer_starttls_or_auth_fails_the_run_once_not_each_email(
    engine, people, asked, missing
):
    server = Server()
    controller = serve(server)  # plain aiosmtpd: no STARTTLS, and no AUTH without TLS
    queue(engine, 6)
    settings = SmtpSettings(host="127.0.0.1", port=controller.port, timeout=60, **asked)
    delivery = Delivery(engine.db, engine.clock, Mailer(settings), settings)
    report = delivery.run_once()
    controller.stop()
    assert (report.sent, report.retried) == (0, 6) and server.messages == []
    assert report.errors == [f"SMTPException: 127.0.0.1 does not offer {missing}"]
    assert statuses(engine) == [("pending", 1)] * 6


def test_a_digest_that_cannot_be_rendered_or_sent_is_retried_alone_and_the_others_go(
    engine, people
):
    queue(engine, 6)  # ana, ben, cat, ana, ben, cat: each person's two rows wait for the digest
    with engine.db.unit_of_work() as session:
        session.execute(update(OutboxNotification).values(status=DIGEST, digest_date="2026-12-01"))
        first_of_ana = session.scalars(
            select(OutboxNotification).where(OutboxNotification.recipient == "ana")
        ).first()
        first_of_ana.context = {**first_of_ana.context, SECRET_CONTEXT: ["not", "a", "path"]}
        session.execute(  # a header smuggled into cat's stored address
            update(User).where(User.username == "cat").values(email="cat@x.test\nBcc: a@b.test")
        )
    server = Server()
    controller = serve(server)
    assert send_digests(delivery_to(engine, controller)) == 1  # ben's
    controller.stop()
    assert [m["To"] for m in server.messages] == ["ben@joinedup.test"]
    with engine.db.reading() as session:
        rows = session.scalars(select(OutboxNotification).order_by(OutboxNotification.id)).all()
    by_person = {(row.recipient, row.status, (row.last_error or "").split(":")[0]) for row in rows}
    assert by_person == {
        ("ana", "pending", "TypeError"),  # its digest could not be rendered
        ("ben", "sent", ""),
        ("cat", "pending", "HeaderParseError"),  # nor cat's sent
    }
    assert all(row.next_attempt_at > engine.clock.now() for row in rows if row.status == PENDING)

"""Delivering the outbox: group rows become one row per person, then each is sent.

Guarantee: **at least once, with an idempotency key.** A row is claimed (status ``sending`` and
a lease in ``next_attempt_at``) and committed *before* the email is sent, and marked ``sent``
after. Several schedulers never claim the same row (``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
serialised writers on SQLite). If a process dies between sending and marking, the lease runs
out and the row is sent again, carrying the same ``Message-ID`` and ``X-JoinedUp-Notification-Id``
so mail systems and readers can recognise the repeat. A row whose email does not go (an SMTP
failure, or a row that cannot be rendered or sent) is retried alone with back-off and fails for
good after ``MAX_ATTEMPTS``, as does one claimed that often without ever being marked
(``notifications.retries``); the rest of its batch is sent all the same.

Throughput: a scheduler run drains the outbox batch after batch (urgent rows first in every
batch) for a time slice, over one SMTP session that is reopened if the server drops it, and
marks sent rows a few at a time; a crash resends at most those few.
"""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import timedelta
from email.message import Message

from sqlalchemy import insert, select

from engine.accounts import User, members_of
from engine.cases import involved
from engine.db import Database, claiming
from engine.workdays import UK_TIME

from .events import ACCOUNT_EVENTS, DIGEST, IMMEDIATELY, OFF
from .mail import (
    MailConnection,
    Mailer,
    forget_secret,
    in_app_entry,
    notification_email,
    session_failed,
)
from .models import DIGEST as DIGEST_STATUS
from .models import (
    DUE,
    EXPANDED,
    SENDING,
    SENT,
    SKIPPED,
    InAppNotification,
    OutboxNotification,
)
from .retries import MAX_ATTEMPTS, DeliveryReport, lease_ran_out, release
from .service import chosen_modes, effective_mode
from .settings import SmtpSettings

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
DRAIN_SECONDS = 4.0  # one scheduler run's slice; the next run starts within seconds
MARK_EVERY = 20  # emails sent between marks: fewer commits, a small resend after a crash
SEND_ERRORS = (OSError, smtplib.SMTPException)


def _skip(row: OutboxNotification, why: str, report: DeliveryReport) -> None:
    """The row is not emailed (it stays in the app where it belongs): skipped, with why, and
    its secret (a reset link) dropped."""
    row.status, row.last_error = SKIPPED, why
    forget_secret(row)
    report.skipped += 1


def in_audience(row: OutboxNotification, person: User) -> bool:
    """Whether a person's agency may be told (the audience the engine's disclosure rule set)."""
    return row.audience is None or person.agency in row.audience


class Delivery:
    """Expands, claims and sends outbox rows; safe to run on several nodes at once."""

    def __init__(
        self, db: Database, clock, mailer: Mailer, settings: SmtpSettings, batch: int = 100
    ):
        self.db, self.clock, self.mailer = db, clock, mailer
        self.settings, self.batch = settings, batch

    def drain(self, seconds: float = DRAIN_SECONDS) -> DeliveryReport:
        """Deliver batch after batch, urgent rows first, over one SMTP session while rows are
        due, for at most about ``seconds`` (the scheduler's next run goes on from there)."""
        report = DeliveryReport()
        deadline = time.monotonic() + seconds
        with self.mailer.connection() as connection:
            while True:
                started = time.monotonic()
                if not self._run(report, connection):
                    return report
                # stop before a batch would overrun the slice (and the scheduler's next run)
                if time.monotonic() + (time.monotonic() - started) > deadline:
                    return report

    def run_once(self) -> DeliveryReport:
        """One batch: expand group rows, then send what is due."""
        report = DeliveryReport()
        with self.mailer.connection() as connection:
            self._run(report, connection)
        return report

    def _run(self, report: DeliveryReport, connection: MailConnection) -> int:
        """One batch; returns how many rows it handled (0: nothing was due)."""
        expanded = self.expand_groups()
        report.expanded += expanded
        handled, claimed = self._claim(report)
        self._send_all(claimed, report, connection)
        return expanded + handled

    def _due(self, session, kind: str):
        query = (
            select(OutboxNotification)
            .where(
                OutboxNotification.recipient_kind == kind,
                OutboxNotification.status.in_(DUE),
                OutboxNotification.next_attempt_at <= self.clock.now(),
            )
            # urgent first, so a backlog of routine rows never delays an alert
            .order_by(OutboxNotification.urgent.desc(), OutboxNotification.id)
            .limit(self.batch)
        )
        query = claiming(session, query)
        return list(session.scalars(query))

    def expand_groups(self) -> int:
        """Turn each due group row into one row per person in the group on that case."""
        with self.db.unit_of_work() as session:
            rows = self._due(session, "group")
            for row in rows:
                people = [
                    person
                    for person in members_of(session, [row.recipient])
                    if in_audience(row, person) and involved(session, row.case_ref, person.actor())
                ]
                if people:
                    session.execute(
                        insert(OutboxNotification),
                        [
                            {
                                "instance_id": row.instance_id,
                                "case_ref": row.case_ref,
                                "recipient_kind": "user",
                                "recipient": person.username,
                                "template": row.template,
                                "context": row.context,
                                "event_type": row.event_type,
                                "element_id": row.element_id,
                                "urgent": row.urgent,
                                "audience": row.audience,
                                "created_at": row.created_at,
                                "next_attempt_at": row.created_at,
                            }
                            for person in people
                        ],
                    )
                row.status = EXPANDED
            return len(rows)

    def _claim(self, report: DeliveryReport) -> tuple[int, list[tuple[OutboxNotification, User]]]:
        """Claim a batch of due rows (leased, committed before any is sent): how many were
        handled, and the rows to email with their recipients (rendered after the commit: the
        claim holds the SQLite write lock only briefly)."""
        now, to_send = self.clock.now(), []
        with self.db.unit_of_work() as session:
            rows = self._due(session, "user")
            if not rows:
                return 0, []
            people = self._people(session, rows)
            modes = chosen_modes(session, [r.recipient for r in rows if not r.urgent])
            shown = self._shown_in_app(session, rows)
            for row in rows:
                user = people.get(row.recipient)
                if user is None or not user.active:
                    _skip(row, "no such active user", report)
                    continue
                if not in_audience(row, user):
                    _skip(row, "not shared with the person's agency", report)
                    continue
                if row.event_type not in ACCOUNT_EVENTS and row.id not in shown:
                    session.add(in_app_entry(row, now))
                mode = self._mode(row, modes)
                if mode == OFF:
                    row.status = SKIPPED
                    report.skipped += 1
                elif mode == DIGEST:
                    row.status = DIGEST_STATUS
                    row.digest_date = now.astimezone(UK_TIME).date().isoformat()
                    report.digested += 1
                elif not self.settings.host or not user.email:
                    why = "email is turned off" if not self.settings.host else "no email address"
                    _skip(row, why, report)
                    if row.urgent:
                        log.warning("urgent notification %s is in-app only: %s", row.id, why)
                elif row.status == SENDING and row.attempts >= MAX_ATTEMPTS:
                    lease_ran_out(row, report)  # claimed that often, never marked: no more
                else:
                    row.status, row.attempts, row.next_attempt_at = (
                        SENDING,
                        row.attempts + 1,
                        now + LEASE,
                    )
                    to_send.append((row, user))
        return len(rows), to_send

    @staticmethod
    def _people(session, rows: list[OutboxNotification]) -> dict[str, User]:
        query = select(User).where(User.username.in_({row.recipient for row in rows}))
        return {user.username: user for user in session.scalars(query)}

    @staticmethod
    def _shown_in_app(session, rows: list[OutboxNotification]) -> set[int]:
        """Rows already in someone's in-app list (a resend after a lease ran out)."""
        query = select(InAppNotification.outbox_id).where(
            InAppNotification.outbox_id.in_([row.id for row in rows])
        )
        return set(session.scalars(query))

    @staticmethod
    def _mode(row: OutboxNotification, modes: dict[tuple[str, str], str]) -> str:
        """Urgent rows go straight away whatever the person chose; others as they chose."""
        if row.urgent:
            return IMMEDIATELY
        return effective_mode(modes.get((row.recipient, row.event_type)), row.event_type)

    def _send_all(
        self,
        claimed: list[tuple[OutboxNotification, User]],
        report: DeliveryReport,
        connection: MailConnection,
    ) -> None:
        """Render and send a claimed batch over one session, marking rows sent a few at a time
        (a crash before a mark resends only those, with their idempotency keys). When the
        session itself fails, the rest of the batch is released for a later retry at once; a
        row that cannot be rendered or sent for any other reason is released alone."""
        sent: list[int] = []
        try:
            for index, (row, user) in enumerate(claimed):
                try:
                    message = notification_email(self.settings, row, user.email, user.display_name)
                except Exception as error:  # the row's data (a template error is an OSError too)
                    self._unsendable(row.id, error, report)
                    continue
                try:
                    self._send(row.id, message, connection)
                except SEND_ERRORS as error:
                    whole = session_failed(error)
                    rest = claimed[index:] if whole else [(row, user)]
                    self.release([each.id for each, _ in rest], error, report)
                    if whole:
                        return
                    continue
                except Exception as error:  # e.g. an address the email library refuses
                    self._unsendable(row.id, error, report)
                    continue
                sent.append(row.id)
                if len(sent) >= MARK_EVERY:
                    report.sent += self.mark_sent(sent)
                    sent = []
        finally:
            report.sent += self.mark_sent(sent)

    def _send(self, row_id: int, message: Message, connection: MailConnection) -> None:
        connection.send(message)

    def _unsendable(self, row_id: int, error: Exception, report: DeliveryReport) -> None:
        """A row that failed for a reason of its own: retried alone, like a refused email."""
        log.exception("notification %s could not be rendered or sent", row_id)
        self.release([row_id], error, report)

    def mark_sent(self, row_ids: list[int]) -> int:
        """Mark these rows sent (they will never be sent again); returns how many."""
        if not row_ids:
            return 0
        with self.db.unit_of_work() as session:
            rows = session.scalars(
                select(OutboxNotification).where(OutboxNotification.id.in_(row_ids))
            )
            for row in rows:
                row.status, row.sent_at, row.last_error = SENT, self.clock.now(), None
                forget_secret(row)
        return len(row_ids)

    def release(self, row_ids: list[int], error: Exception, report: DeliveryReport) -> None:
        """Retry these rows after a back-off, or fail them once out of attempts."""
        release(self.db, self.clock, row_ids, error, report)

"""Delivering the outbox: group rows become one row per person, then each is sent.

Guarantee: **at least once, with an idempotency key.** A row is claimed (status ``sending`` and
a lease in ``next_attempt_at``) and committed *before* the email is sent, and marked ``sent``
after. Several schedulers never claim the same row (``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
serialised writers on SQLite). If a process dies between sending and marking, the lease runs
out and the row is sent again, carrying the same ``Message-ID`` and ``X-JoinedUp-Notification-Id``
so mail systems and readers can recognise the repeat. SMTP failures are retried with back-off.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import insert, select

from engine.accounts import User, members_of
from engine.cases import involved
from engine.db import Database, claiming
from engine.sweep import backoff
from engine.workdays import UK_TIME

from .events import ACCOUNT_EVENTS, DIGEST, IMMEDIATELY, OFF
from .mail import Mailer, email_message, forget_secret, link_path, summary, title
from .models import DIGEST as DIGEST_STATUS
from .models import (
    DUE,
    EXPANDED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    SKIPPED,
    InAppNotification,
    OutboxNotification,
)
from .service import preference
from .settings import SmtpSettings

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    expanded: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    digested: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


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

    def run_once(self) -> DeliveryReport:
        """Expand group rows, then send what is due."""
        report = DeliveryReport()
        report.expanded = self.expand_groups()
        for row_id, message in self._claim(report):
            self._send(row_id, message, report)
        return report

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

    def _claim(self, report: DeliveryReport) -> list[tuple[int, EmailMessage]]:
        now, to_send = self.clock.now(), []
        with self.db.unit_of_work() as session:
            for row in self._due(session, "user"):
                user = session.scalars(select(User).where(User.username == row.recipient)).first()
                if user is None or not user.active:
                    row.status, row.last_error = SKIPPED, "no such active user"
                    report.skipped += 1
                    continue
                if not in_audience(row, user):
                    row.status, row.last_error = SKIPPED, "not shared with the person's agency"
                    report.skipped += 1
                    continue
                if row.event_type not in ACCOUNT_EVENTS:
                    self._in_app(session, row, now)
                mode = self._mode(session, row)
                if mode == OFF:
                    row.status = SKIPPED
                    report.skipped += 1
                elif mode == DIGEST:
                    row.status = DIGEST_STATUS
                    row.digest_date = now.astimezone(UK_TIME).date().isoformat()
                    report.digested += 1
                elif not self.settings.host or not user.email:
                    why = "email is turned off" if not self.settings.host else "no email address"
                    row.status, row.last_error = SKIPPED, why
                    forget_secret(row)
                    if row.urgent:
                        log.warning("urgent notification %s is in-app only: %s", row.id, why)
                    report.skipped += 1
                else:
                    row.status, row.attempts, row.next_attempt_at = (
                        SENDING,
                        row.attempts + 1,
                        now + LEASE,
                    )
                    to_send.append((row.id, self._message(row, user)))
        return to_send

    def _mode(self, session, row: OutboxNotification) -> str:
        """Urgent rows go straight away whatever the person chose; others as they chose."""
        return IMMEDIATELY if row.urgent else preference(session, row.recipient, row.event_type)

    def _in_app(self, session, row: OutboxNotification, now: datetime) -> None:
        exists = session.scalar(
            select(InAppNotification.id).where(InAppNotification.outbox_id == row.id)
        )
        if exists is None:
            session.add(
                InAppNotification(
                    username=row.recipient,
                    outbox_id=row.id,
                    title=title(row),
                    body=summary(row),
                    link=link_path(row),
                    event_type=row.event_type,
                    created_at=now,
                )
            )

    def _message(self, row: OutboxNotification, user: User) -> EmailMessage:
        context = {
            "title": title(row),
            "user": user.display_name,
            "summary": summary(row),
            "link": self.settings.base_url + link_path(row),
        }
        message = email_message(
            self.settings,
            user.email,
            context["title"],
            "email",
            context,
            key=f"notification-{row.id}",
        )
        if row.urgent:  # mail clients flag it
            message["Importance"], message["X-Priority"] = "high", "1"
        return message

    def _send(self, row_id: int, message: EmailMessage, report: DeliveryReport) -> None:
        report.sent += self._deliver([row_id], message, report)

    def _deliver(self, row_ids: list[int], message: EmailMessage, report: DeliveryReport) -> int:
        """Send one email for these rows, then mark them sent; 1 if it went, else 0."""
        try:
            self.mailer.send(message)
        except (OSError, smtplib.SMTPException) as error:
            self._failed(row_ids, error, report)
            return 0
        with self.db.unit_of_work() as session:
            rows = session.scalars(
                select(OutboxNotification).where(OutboxNotification.id.in_(row_ids))
            )
            for row in rows:
                row.status, row.sent_at, row.last_error = SENT, self.clock.now(), None
                forget_secret(row)
        return 1

    def _failed(self, row_ids: list[int], error: Exception, report: DeliveryReport) -> None:
        log.warning("notification delivery failed: %s", error)
        report.errors.append(str(error))
        with self.db.unit_of_work() as session:
            for row in session.scalars(
                select(OutboxNotification).where(OutboxNotification.id.in_(row_ids))
            ):
                row.last_error = f"{type(error).__name__}: {error}"[:1000]
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = FAILED
                    forget_secret(row)
                    report.failed += 1
                else:
                    row.status = PENDING
                    row.next_attempt_at = self.clock.now() + backoff(row.attempts)
                    report.retried += 1

    def send_digests(self) -> int:
        """One email per person listing their digest rows; returns how many emails were sent."""
        report = DeliveryReport()
        return sum(self._deliver(ids, message, report) for ids, message in self._claim_digests())

    def _claim_digests(self) -> list[tuple[list[int], EmailMessage]]:
        now, batches = self.clock.now(), []
        with self.db.unit_of_work() as session:
            query = select(OutboxNotification).where(OutboxNotification.status == DIGEST_STATUS)
            query = claiming(session, query)
            by_user: dict[str, list[OutboxNotification]] = {}
            for row in session.scalars(
                query.order_by(OutboxNotification.recipient, OutboxNotification.id)
            ):
                by_user.setdefault(row.recipient, []).append(row)
            for username, items in by_user.items():
                user = session.scalars(select(User).where(User.username == username)).first()
                for item in items:
                    item.status, item.attempts, item.next_attempt_at = (
                        SENDING,
                        item.attempts + 1,
                        now + LEASE,
                    )
                if user is None or not user.email:
                    for item in items:
                        item.status, item.last_error = SKIPPED, "no email address"
                    continue
                batches.append(([item.id for item in items], self._digest(user, items, now)))
        return batches

    def _digest(self, user: User, items: list[OutboxNotification], now: datetime) -> EmailMessage:
        base = self.settings.base_url
        context = {
            "user": user.display_name,
            "base_url": base,
            "items": [
                {
                    "title": title(i),
                    "summary": summary(i),
                    "link": base + link_path(i),
                }
                for i in items
            ],
        }
        key = f"digest-{user.username}-{now.astimezone(UK_TIME).date().isoformat()}"
        return email_message(
            self.settings, user.email, "Your JoinedUp daily summary", "digest", context, key=key
        )

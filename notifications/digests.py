"""The daily digest: one email per person listing the notifications they chose to batch.

Claimed like any outbox row (status ``sending`` with a lease, committed before sending) and
marked sent after, so the at-least-once guarantee of ``notifications.delivery`` holds.
"""

from __future__ import annotations

from datetime import datetime
from email.message import Message

from sqlalchemy import select

from engine.accounts import User
from engine.db import claiming
from engine.workdays import UK_TIME

from .delivery import LEASE, SEND_ERRORS, Delivery, DeliveryReport
from .mail import email_message, link_path, summary, title
from .models import DIGEST, SENDING, SKIPPED, OutboxNotification


def send_digests(delivery: Delivery) -> int:
    """One email per person listing their digest rows, over one SMTP session; returns how
    many emails were sent."""
    report, sent = DeliveryReport(), 0
    with delivery.mailer.connection() as connection:
        for row_ids, message in _claim(delivery):
            try:
                connection.send(message)
            except SEND_ERRORS as error:
                delivery.release(row_ids, error, report)
                continue
            delivery.mark_sent(row_ids)
            sent += 1
    return sent


def _claim(delivery: Delivery) -> list[tuple[list[int], Message]]:
    now, batches = delivery.clock.now(), []
    with delivery.db.unit_of_work() as session:
        query = select(OutboxNotification).where(OutboxNotification.status == DIGEST)
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
            batches.append(([item.id for item in items], _digest(delivery, user, items, now)))
    return batches


def _digest(
    delivery: Delivery, user: User, items: list[OutboxNotification], now: datetime
) -> Message:
    base = delivery.settings.base_url
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
        delivery.settings, user.email, "Your JoinedUp daily summary", "digest", context, key=key
    )

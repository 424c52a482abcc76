"""The daily digest: one email per person listing the notifications they chose to batch.

Claimed like any outbox row (status ``sending`` with a lease, committed before sending) and
marked sent after, so the at-least-once guarantee of ``notifications.delivery`` holds. Each
person's digest is rendered after the claim commits and sent on its own: one that cannot be
rendered or sent is released for a retry (``notifications.retries``), the others still go.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from engine.accounts import User
from engine.db import claiming
from engine.workdays import UK_TIME

from .delivery import LEASE, SEND_ERRORS, Delivery, DeliveryReport
from .mail import email_message, link_path, summary, title
from .models import DIGEST, SENDING, SKIPPED, OutboxNotification

log = logging.getLogger(__name__)


def send_digests(delivery: Delivery) -> int:
    """One email per person listing their digest rows, over one SMTP session; returns how
    many emails were sent."""
    report, sent, now = DeliveryReport(), 0, delivery.clock.now()
    with delivery.mailer.connection() as connection:
        for user, items in _claim(delivery, now):
            row_ids = [item.id for item in items]
            try:
                connection.send(_digest(delivery, user, items, now))
            except Exception as error:  # this person's digest alone: the others still go
                if not isinstance(error, SEND_ERRORS):
                    log.exception("the digest for %s could not be sent", user.username)
                delivery.release(row_ids, error, report)
                continue
            delivery.mark_sent(row_ids)
            sent += 1
    return sent


def _claim(delivery: Delivery, now: datetime) -> list[tuple[User, list[OutboxNotification]]]:
    """Each person's digest rows, claimed (committed) before any is rendered or sent."""
    batches = []
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
            batches.append((user, items))
    return batches


def _digest(delivery: Delivery, user: User, items: list[OutboxNotification], now: datetime):
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

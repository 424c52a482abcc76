"""The notification outbox: rows written in the same transaction as the step that caused them.

Delivery (email, in-app, retries, preferences) reads this table afterwards; a step that rolls
back leaves no row, so nothing is ever sent for something that did not happen.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
EXPANDED, DIGEST, SKIPPED = "expanded", "digest", "skipped"
DUE = (PENDING, SENDING)  # a SENDING row whose lease (next_attempt_at) ran out is due again


class OutboxNotification(Base):
    """One notification to one recipient (a user, or a group resolved to people on delivery).

    ``urgent`` rows are claimed before routine ones and ignore the person's preferences.
    """

    __tablename__ = "notification_outbox"
    __table_args__ = (
        Index(None, "status", "next_attempt_at"),
        Index(None, "case_ref", "id"),
        # delivery claims due rows urgent first, then oldest first (Delivery._due)
        Index(None, "status", "urgent", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    case_ref: Mapped[str | None] = mapped_column(String(64))
    recipient_kind: Mapped[str] = mapped_column(String(8))
    recipient: Mapped[str] = mapped_column(String(255))
    template: Mapped[str] = mapped_column(String(64))
    context: Mapped[dict] = mapped_column(default=dict)
    event_type: Mapped[str] = mapped_column(String(64))
    element_id: Mapped[str | None] = mapped_column(String(255))
    urgent: Mapped[bool] = mapped_column(default=False)
    # the agencies whose people may receive it (a record held under a sharing decision);
    # None: anyone the case's involvement allows
    audience: Mapped[list | None]
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(1000))
    digest_date: Mapped[str | None] = mapped_column(String(10))


class InAppNotification(Base):
    """A notification shown in the app (the bell and the notifications page)."""

    __tablename__ = "in_app_notification"
    __table_args__ = (Index(None, "username", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("notification_outbox.id"), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(String(2000))
    link: Mapped[str | None] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class NotificationPreference(Base):
    """How a person wants one kind of notification by email: immediately, digest or off."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("username", "event_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(12))

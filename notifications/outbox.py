"""Writing notifications into the outbox, inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.audit import jsonable, write_batched

from .events import is_urgent
from .models import OutboxNotification

GROUP, USER = "group", "user"


def enqueue(
    session: Session,
    *,
    recipients: list[tuple[str, str]],
    template: str,
    event_type: str,
    now: datetime,
    instance_id: int | None = None,
    case_ref: str | None = None,
    element_id: str | None = None,
    context: dict | None = None,
    urgent: bool = False,
    audience: list[str] | None = None,
) -> int:
    """One pending outbox row per (kind, recipient); returns how many were written.

    A row is urgent when the caller says so (a diagram's ``notify_urgency``) or its event type
    is always urgent; urgent rows are delivered first and whatever the person's preferences.
    ``audience``, when given, is the agencies whose people may receive the rows.
    """
    urgent = urgent or is_urgent(event_type)
    rows = [
        {
            "instance_id": instance_id,
            "case_ref": case_ref,
            "recipient_kind": kind,
            "recipient": recipient,
            "template": template,
            "context": jsonable(context or {}),
            "event_type": event_type,
            "element_id": element_id,
            "urgent": urgent,
            "audience": audience,
            "created_at": now,
            "next_attempt_at": now,
        }
        for kind, recipient in dict.fromkeys(recipients)
    ]
    if rows:
        # with the step's other notifications, in one statement before anything reads them
        write_batched(session, OutboxNotification.__table__, rows)
    return len(rows)

"""Writing notifications into the outbox, inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine.audit import jsonable

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
) -> int:
    """One pending outbox row per (kind, recipient); returns how many were written."""
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
            "created_at": now,
            "next_attempt_at": now,
        }
        for kind, recipient in dict.fromkeys(recipients)
    ]
    if rows:
        session.execute(insert(OutboxNotification), rows)
    return len(rows)

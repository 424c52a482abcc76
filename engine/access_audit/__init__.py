"""The access audit: every look at a case, task, instance or record, by whom, from where.

Why a table of its own (``access_event``) rather than more ``audit_event`` rows:
- Volume. Every page view and API read is a look; looks outnumber writes many times over.
  In ``audit_event`` they would dilute the case timeline and instance history (both read by
  ``case_ref``/``instance_id`` and would have to skip them) and carry a JSON column and a
  foreign key each insert must check. ``access_event`` is narrow, has no foreign keys and one
  index, ``(case_ref, at)``, the one its reader needs.
- Retention. How long a log of looks is kept is a data-protection decision separate from how
  long the case record is kept; a table of its own can be pruned without touching the record.
- One trail all the same. ``trail.case_trail`` reads both tables in one query (UNION ALL,
  newest first): "Who has seen this case" lists looks and changes together.

A look is recorded by the service method that serves a page or API read, after the
visibility check has passed (``engine.access``, ``cases.ensure_visible``): a 404 is not a
look. It is one INSERT in a short transaction of its own, after the read's session, so SQLite
readers never queue behind writers for a whole page build; nothing is SELECTed to write it.
Lists (the inbox, a case's task list) are not looks at each item. The engine itself (the
scheduler, the CLI) makes no looks.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..actors import Actor
from .models import AccessEvent

CASE_VIEWED = "case_viewed"
TASK_VIEWED = "task_viewed"
INSTANCE_VIEWED = "instance_viewed"
RECORD_VIEWED = "record_viewed"
ACCESS_VIEWED = "case_access_viewed"  # "who has seen this case" is itself a look
ACCESS_EXPORTED = "case_access_exported"
BREAK_GLASS_OPENED = "break_glass_opened"  # ``what`` holds the reason given (engine.break_glass)
BREAK_GLASS_CLOSED = "break_glass_closed"
LOOKS = frozenset(
    {
        CASE_VIEWED,
        TASK_VIEWED,
        INSTANCE_VIEWED,
        RECORD_VIEWED,
        ACCESS_VIEWED,
        ACCESS_EXPORTED,
        BREAK_GLASS_OPENED,
        BREAK_GLASS_CLOSED,
    }
)

__all__ = ["LOOKS", "AccessEvent", "record_look"]


def record_look(
    session: Session,
    actor: Actor,
    event_type: str,
    at: datetime,
    *,
    case_ref: str | None = None,
    instance_id: int | None = None,
    task_id: int | None = None,
    what: str | None = None,
) -> AccessEvent:
    """Add one look to the current transaction (a person's; the engine's own reads are not)."""
    if event_type not in LOOKS:
        raise ValueError(f"'{event_type}' is not a kind of look; use one of {sorted(LOOKS)}")
    look = AccessEvent(
        at=at,
        event_type=event_type,
        actor=actor.user_id,
        agency=actor.agency,
        via=actor.via,
        case_ref=case_ref,
        instance_id=instance_id,
        task_id=task_id,
        what=what[:255] if what else None,
    )
    session.add(look)
    return look

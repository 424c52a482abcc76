"""Audit events: the append-only record of who did what to which instance, and when."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import EllipsisType
from typing import Any

from sqlalchemy.orm import Session

from .models import AuditEvent, ProcessInstance


def record(
    session: Session,
    event_type: str,
    actor: str | None,
    at: datetime,
    *,
    instance: ProcessInstance | None = None,
    case_ref: str | None = None,
    element_id: str | None = None,
    task_name: str | None = None,
    details: dict[str, Any] | None = None,
    held_by: str | None | EllipsisType = ...,
) -> AuditEvent:
    """Add one audit row to the current transaction (it commits or rolls back with the step).

    ``held_by`` is the agency holding the row (``engine.disclosure``); by default the
    instance's, and None (open to the case) without an instance.
    """
    if held_by is ...:
        held_by = instance.held_by if instance is not None else None
    event = AuditEvent(
        instance_id=instance.id if instance is not None else None,
        case_ref=case_ref if case_ref is not None else (instance.case_ref if instance else None),
        held_by=held_by,
        event_type=event_type,
        actor=actor,
        at=at,
        element_id=element_id,
        task_name=task_name,
        details=jsonable(details or {}),
    )
    session.add(event)
    return event


def jsonable(value: Any) -> Any:
    """Dates and decimals as strings so audit details fit a JSON column."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value

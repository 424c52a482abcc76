"""Audit events: the append-only record of who did what to which instance, and when."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
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
) -> AuditEvent:
    """Add one audit row to the current transaction (it commits or rolls back with the step)."""
    event = AuditEvent(
        instance_id=instance.id if instance is not None else None,
        case_ref=case_ref if case_ref is not None else (instance.case_ref if instance else None),
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

"""Audit events: the append-only record of who did what to which instance, and when.

``record`` keeps a step's rows in the session (``write_batched``, which the outbox uses too)
and writes them together, one multi-row INSERT per table, at the moment the ORM would have
written pending objects: before the session flushes, before it runs a statement with autoflush
on, and before it commits. A rolled-back transaction takes them with it, as it did the pending
objects; a rolled-back SAVEPOINT takes the rows kept since it began.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from types import EllipsisType
from typing import Any

from sqlalchemy import Table, event, insert
from sqlalchemy.orm import ORMExecuteState, Session

from .models import AuditEvent, ProcessInstance

PENDING = "joinedup_rows_pending"  # session.info: {table: rows} kept and not yet written
_INSERTS: dict[Table, Any] = {}  # one statement per table, so its compiled form is reused


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
) -> None:
    """Add one audit row to the current transaction (it commits or rolls back with the step).

    ``held_by`` is the agency holding the row (``engine.disclosure``); by default the
    instance's, and None (open to the case) without an instance.
    """
    if held_by is ...:
        held_by = instance.held_by if instance is not None else None
    row = {
        "instance_id": instance.id if instance is not None else None,
        "case_ref": case_ref if case_ref is not None else (instance.case_ref if instance else None),
        "held_by": held_by,
        "event_type": event_type,
        "actor": actor,
        "at": at,
        "element_id": element_id,
        "task_name": task_name,
        "details": jsonable(details or {}),
    }
    write_batched(session, AuditEvent.__table__, [row])


def write_batched(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert ``rows`` (all with the same keys) into ``table`` with the rest of the step's rows
    of that table, in one statement, before anything could read them.

    "Anything" means the ORM: a flush, a statement with autoflush on, the commit. A read through
    ``session.connection()`` or under ``no_autoflush`` does not see kept rows (call
    ``write_pending`` first), and every row of a table must carry the first row's keys."""
    session.info.setdefault(PENDING, {}).setdefault(table, []).extend(rows)


def write_pending(session: Session) -> None:
    """Write the rows kept by ``write_batched``: one statement per table."""
    for table, rows in session.info.pop(PENDING, {}).items():
        if table not in _INSERTS:
            _INSERTS[table] = insert(table)
        session.connection().execute(_INSERTS[table], rows)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    write_pending(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    write_pending(session)


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A SAVEPOINT for part of a transaction: the rows kept so far are written before it, so
    its rollback takes only the rows kept inside it."""
    write_pending(session)
    with session.begin_nested():
        yield


@event.listens_for(Session, "after_transaction_create")
def _refuse_savepoint_over_kept_rows(session: Session, transaction) -> None:
    if transaction.nested and any(session.info.get(PENDING, {}).values()):
        raise RuntimeError("rows are kept for writing: begin the SAVEPOINT with audit.savepoint")


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, _previous_transaction) -> None:
    """Rows kept inside a rolled-back transaction or SAVEPOINT are not written."""
    session.info.pop(PENDING, None)


@event.listens_for(Session, "do_orm_execute")
def _before_orm_statement(state: ORMExecuteState) -> None:
    if state.session.autoflush and PENDING in state.session.info:
        write_pending(state.session)


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

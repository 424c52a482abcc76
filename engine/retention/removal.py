"""Deleting an instance or a case with everything keyed to it, in the caller's transaction.

"Everything keyed to it" is read from the schema rather than listed by hand, so a table added
later is not forgotten: every table with an ``instance_id`` (for an instance) or a
``case_ref``/``case_id`` (for a case) column, and the rows hanging off those by
``human_task_id``, ``outbox_id`` or ``audit_event_id``. Dependent tables go first (the reverse of
the schema's foreign-key order). The purge's own report tables name nothing by those columns.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from ..cases import FamilyCase
from ..db import Base
from ..models import ProcessInstance

# child column -> (parent table, the parent's column that ties it to the instance or case)
_HANGING = {
    "human_task_id": "human_task",
    "outbox_id": "notification_outbox",
    "audit_event_id": "audit_event",
}


def _tables() -> list[Table]:
    return list(reversed(Base.metadata.sorted_tables))


def _delete_keyed(session: Session, conditions: dict[str, object]) -> None:
    """Delete rows of every table whose column in ``conditions`` matches; and the rows of
    tables hanging off those parents (``_HANGING``) first."""
    tables = Base.metadata.tables
    for table in _tables():
        if table.name in (ProcessInstance.__tablename__, FamilyCase.__tablename__):
            continue
        for child_column, parent_name in _HANGING.items():
            if child_column in table.c:
                parent = tables[parent_name]
                wheres = [
                    parent.c[name] == value
                    for name, value in conditions.items()
                    if name in parent.c
                ]
                if wheres:
                    parents = select(parent.c.id).where(*wheres)
                    session.execute(delete(table).where(table.c[child_column].in_(parents)))
        for name, value in conditions.items():
            if name in table.c:
                session.execute(delete(table).where(table.c[name] == value))


def remove_instance(session: Session, instance_id: int) -> None:
    """Delete one instance, its tasks, timers, waits, audit rows, grants and notifications."""
    _delete_keyed(session, {"instance_id": instance_id})
    session.execute(delete(ProcessInstance).where(ProcessInstance.id == instance_id))


def remove_case(session: Session, case: FamilyCase) -> list[tuple[int, str, datetime]]:
    """Delete a case, its instances (with everything keyed to them), its family, agencies,
    history, looks and holds; returns the id, process key and end of each instance removed."""
    query = select(ProcessInstance.id, ProcessInstance.process_key, ProcessInstance.ended_at)
    query = query.where(ProcessInstance.case_ref == case.reference).order_by(ProcessInstance.id)
    instances = [tuple(row) for row in session.execute(query)]
    for instance_id, _key, _ended in instances:
        remove_instance(session, instance_id)
    _delete_keyed(session, {"case_ref": case.reference, "case_id": case.id})
    session.execute(delete(FamilyCase).where(FamilyCase.id == case.id))
    return instances

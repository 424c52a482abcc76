"""One page of a case's timeline: the audit rows of the case (index ``case_ref, at``), narrowed
by the reader's filters, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, not_, or_, select
from sqlalchemy.orm import Session

from .. import disclosure
from ..accounts import User
from ..actors import Actor
from ..models import AuditEvent, ProcessInstance

PER_PAGE = 25
RECORDS = ("case_record", "entry_corrected")
PROCESS_PREFIXES = ("instance_", "incident_", "timer_", "signal_", "message_", "process_")
KINDS = {
    "records": "Records",
    "tasks": "Tasks",
    "process": "Process steps",
    "case": "Case, family and agencies",
}


@dataclass(frozen=True)
class TimelineFilters:
    """What the reader narrowed the timeline to (None: everything)."""

    process_key: str | None = None
    agency: str | None = None
    kind: str | None = None
    page: int = 1

    @property
    def any(self) -> bool:
        return bool(self.process_key or self.agency or self.kind)


@dataclass(frozen=True)
class TimelinePage:
    events: list[AuditEvent]
    page: int
    has_next: bool


def _kind_condition(kind: str):
    records = AuditEvent.event_type.in_(RECORDS)
    tasks = AuditEvent.event_type.startswith("task_", autoescape=True)
    process = or_(*(AuditEvent.event_type.startswith(p, autoescape=True) for p in PROCESS_PREFIXES))
    chosen = {"records": records, "tasks": tasks, "process": process}
    return chosen.get(kind, not_(or_(records, tasks, process)))


def timeline_page(
    session: Session,
    case_ref: str,
    reader: Actor,
    filters: TimelineFilters,
    per_page: int = PER_PAGE,
) -> TimelinePage:
    """The page ``filters.page`` of what ``reader`` may read on the case, newest first."""
    conditions = [AuditEvent.case_ref == case_ref, disclosure.readable(AuditEvent, reader)]
    if filters.process_key:
        instances = select(ProcessInstance.id).where(
            and_(
                ProcessInstance.case_ref == case_ref,
                ProcessInstance.process_key == filters.process_key,
            )
        )
        conditions.append(AuditEvent.instance_id.in_(instances))
    if filters.agency:
        people = select(User.username).where(User.agency == filters.agency)
        conditions.append(AuditEvent.actor.in_(people))
    if filters.kind in KINDS:
        conditions.append(_kind_condition(filters.kind))
    page = max(filters.page, 1)
    query = (
        select(AuditEvent)
        .where(*conditions)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    rows = list(session.scalars(query))
    return TimelinePage(rows[:per_page], page, len(rows) > per_page)

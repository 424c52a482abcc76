"""Named list queries. Each reads indexed tables only and never loads serialized state."""

from __future__ import annotations

from sqlalchemy import and_, or_, select, union
from sqlalchemy.orm import Session

from .actors import Actor
from .models import (
    ACTIVE_TASK_STATES,
    AuditEvent,
    HumanTask,
    ProcessInstance,
    TaskCandidate,
    Timer,
)


def tasks_for_user(
    session: Session,
    actor: Actor,
    *,
    process_key: str | None = None,
    case_ref: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[HumanTask]:
    """Active tasks assigned to the actor or offered to them, soonest due first.

    The sort runs over narrow index rows (the actor's held tasks and the candidate index,
    which carries due dates), and only the page's rows are then read from ``human_task``.
    """
    held = select(HumanTask.id.label("id"), HumanTask.due_at.label("due_at")).where(
        HumanTask.assignee == actor.user_id, HumanTask.status.in_(ACTIVE_TASK_STATES)
    )
    offered = select(
        TaskCandidate.human_task_id.label("id"), TaskCandidate.due_at.label("due_at")
    ).where(
        TaskCandidate.offered.is_(True),
        or_(
            and_(TaskCandidate.kind == "user", TaskCandidate.value == actor.user_id),
            and_(TaskCandidate.kind == "group", TaskCandidate.value.in_(sorted(actor.groups))),
        ),
    )
    if process_key or case_ref:
        offered = offered.join(HumanTask, HumanTask.id == TaskCandidate.human_task_id)
        for column, value in ((HumanTask.process_key, process_key), (HumanTask.case_ref, case_ref)):
            if value:
                held, offered = held.where(column == value), offered.where(column == value)
    mine = union(held, offered).subquery()
    page = (
        select(mine.c.id)
        .order_by(mine.c.due_at.is_(None), mine.c.due_at, mine.c.id)
        .limit(limit)
        .offset(offset)
    )
    ids = list(session.scalars(page))
    if not ids:
        return []
    rows = {row.id: row for row in session.scalars(select(HumanTask).where(HumanTask.id.in_(ids)))}
    return [rows[task_id] for task_id in ids]


def active_tasks(session: Session, instance_id: int | None = None) -> list[HumanTask]:
    """Active tasks, of one instance or of all."""
    query = select(HumanTask).where(HumanTask.status.in_(ACTIVE_TASK_STATES))
    if instance_id is not None:
        query = query.where(HumanTask.instance_id == instance_id)
    return list(session.scalars(query.order_by(HumanTask.id)))


def instances_for_case(session: Session, case_ref: str) -> list[ProcessInstance]:
    """Every instance on a case, newest first."""
    query = select(ProcessInstance).where(ProcessInstance.case_ref == case_ref)
    return list(session.scalars(query.order_by(ProcessInstance.id.desc())))


def instances(
    session: Session, status: str | None = None, process_key: str | None = None, limit: int = 100
) -> list[ProcessInstance]:
    """Instances, newest first, optionally by status and process."""
    query = select(ProcessInstance)
    if status:
        query = query.where(ProcessInstance.status == status)
    if process_key:
        query = query.where(ProcessInstance.process_key == process_key)
    return list(session.scalars(query.order_by(ProcessInstance.id.desc()).limit(limit)))


def timers(session: Session, instance_id: int | None = None) -> list[Timer]:
    """Waiting timers, soonest first."""
    query = select(Timer)
    if instance_id is not None:
        query = query.where(Timer.instance_id == instance_id)
    return list(session.scalars(query.order_by(Timer.fire_at)))


def history(session: Session, instance_id: int) -> list[AuditEvent]:
    """An instance's audit trail, oldest first."""
    query = select(AuditEvent).where(AuditEvent.instance_id == instance_id)
    return list(session.scalars(query.order_by(AuditEvent.id)))


def case_timeline(session: Session, case_ref: str) -> list[AuditEvent]:
    """Everything recorded on a case, oldest first."""
    query = select(AuditEvent).where(AuditEvent.case_ref == case_ref)
    return list(session.scalars(query.order_by(AuditEvent.at, AuditEvent.id)))

"""Named list queries. Each reads indexed tables only and never loads serialized state."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import disclosure
from .actors import Actor
from .inbox import API_TABS as API_TABS  # the inbox's names, where callers first found them
from .inbox import TABS as TABS
from .inbox import InboxPage as InboxPage
from .inbox import inbox
from .models import (
    ACTIVE_TASK_STATES,
    AuditEvent,
    HumanTask,
    MessageSubscription,
    ProcessInstance,
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
    """Active tasks assigned to the actor or offered to them, soonest due first."""
    per_page = max(limit, 1)
    found = inbox(
        session,
        actor,
        "all",
        process_key=process_key,
        case_ref=case_ref,
        page=offset // per_page + 1,
        per_page=per_page,
    )
    return found.tasks


def active_tasks(session: Session, instance_id: int | None = None) -> list[HumanTask]:
    """Active tasks, of one instance or of all."""
    query = select(HumanTask).where(HumanTask.status.in_(ACTIVE_TASK_STATES))
    if instance_id is not None:
        query = query.where(HumanTask.instance_id == instance_id)
    return list(session.scalars(query.order_by(HumanTask.id)))


def instances_for_case(
    session: Session, case_ref: str, reader: Actor | None = None
) -> list[ProcessInstance]:
    """Every instance on a case (that ``reader`` may read, when given), newest first."""
    query = select(ProcessInstance).where(ProcessInstance.case_ref == case_ref)
    if reader is not None:
        query = query.where(disclosure.readable(ProcessInstance, reader))
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


def message_waits(session: Session, instance_id: int) -> list[MessageSubscription]:
    """The messages an instance waits for (after an event-based gateway, beside its timer)."""
    query = select(MessageSubscription).where(MessageSubscription.instance_id == instance_id)
    return list(session.scalars(query.order_by(MessageSubscription.id)))


def timers(session: Session, instance_id: int | None = None) -> list[Timer]:
    """Waiting timers, soonest first."""
    query = select(Timer)
    if instance_id is not None:
        query = query.where(Timer.instance_id == instance_id)
    return list(session.scalars(query.order_by(Timer.fire_at)))


def history(session: Session, instance_id: int, reader: Actor | None = None) -> list[AuditEvent]:
    """An instance's audit trail (what ``reader`` may read, when given), oldest first."""
    query = select(AuditEvent).where(AuditEvent.instance_id == instance_id)
    if reader is not None:
        query = query.where(disclosure.readable(AuditEvent, reader))
    return list(session.scalars(query.order_by(AuditEvent.id)))


def case_timeline(session: Session, case_ref: str, reader: Actor | None = None) -> list[AuditEvent]:
    """Everything recorded on a case (that ``reader`` may read, when given), oldest first."""
    query = select(AuditEvent).where(AuditEvent.case_ref == case_ref)
    if reader is not None:
        query = query.where(disclosure.readable(AuditEvent, reader))
    return list(session.scalars(query.order_by(AuditEvent.at, AuditEvent.id)))


def stage_positions(session: Session, instance_ids: list[int]) -> dict[int, HumanTask]:
    """Each instance's furthest active task with a stage (``engine.decision_pages``), by
    instance id; instances with no staged active task are left out."""
    if not instance_ids:
        return {}
    query = select(HumanTask).where(
        HumanTask.instance_id.in_(instance_ids),
        HumanTask.status.in_(ACTIVE_TASK_STATES),
        HumanTask.stage.is_not(None),
    )
    found: dict[int, HumanTask] = {}
    for task in session.scalars(query.order_by(HumanTask.stage, HumanTask.id.desc())):
        found[task.instance_id] = task  # the highest stage, then the earliest task, wins
    return found


def stage_reached(session: Session, instance_id: int) -> int:
    """The furthest stage its open tasks have reached (0 when none declares one)."""
    return max((t.stage or 0 for t in active_tasks(session, instance_id)), default=0)


def waiting_for(session: Session, instance_id: int, names) -> str | None:
    """The first of these messages the instance waits for now, if any."""
    query = select(MessageSubscription.message_name).where(
        MessageSubscription.instance_id == instance_id,
        MessageSubscription.message_name.in_(names),
    )
    return session.scalars(query).first()

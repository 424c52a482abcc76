"""Named list queries. Each reads indexed tables only and never loads serialized state."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select, union
from sqlalchemy.orm import Session

from . import disclosure
from .actors import Actor
from .agencies import PARTNERSHIP
from .cases import involved_cases
from .models import (
    ACTIVE_TASK_STATES,
    AuditEvent,
    HumanTask,
    MessageSubscription,
    ProcessInstance,
    TaskCandidate,
    Timer,
)

TABS = ("mine", "team", "overdue", "completed")
API_TABS = (*TABS, "all")  # the API also lists held and offered tasks together


@dataclass
class InboxPage:
    """One page of an inbox tab; ``has_next`` says whether another page follows."""

    tab: str
    tasks: list[HumanTask]
    page: int
    has_next: bool


def _held(actor: Actor):
    return select(HumanTask.id.label("id"), HumanTask.due_at.label("due_at")).where(
        HumanTask.assignee == actor.user_id, HumanTask.status.in_(ACTIVE_TASK_STATES)
    )


def _offered(actor: Actor):
    return select(
        TaskCandidate.human_task_id.label("id"), TaskCandidate.due_at.label("due_at")
    ).where(
        TaskCandidate.offered.is_(True),
        or_(
            and_(TaskCandidate.kind == "user", TaskCandidate.value == actor.user_id),
            and_(TaskCandidate.kind == "group", TaskCandidate.value.in_(sorted(actor.groups))),
        ),
    )


def _restrict(
    query, table, actor: Actor, process_key: str | None, case_ref: str | None, own: bool = False
):
    """Only cases the actor's agency is involved in (unless ``own``: tasks the actor holds or
    completed, which stay theirs after their agency leaves a case), and the chosen
    process/case. The partnership's people are not restricted here: a task held by or offered
    to one of them is itself work given to them on its case (``engine.partnership``)."""
    if not (own or actor.system or actor.agency in (None, PARTNERSHIP)):
        query = query.where(
            or_(table.case_ref.is_(None), table.case_ref.in_(involved_cases(actor)))
        )
    if case_ref:
        query = query.where(table.case_ref == case_ref)
    if process_key:
        if table is TaskCandidate:
            query = query.join(HumanTask, HumanTask.id == TaskCandidate.human_task_id)
        query = query.where(HumanTask.process_key == process_key)
    return query


def inbox(
    session: Session,
    actor: Actor,
    tab: str = "mine",
    *,
    now=None,
    process_key: str | None = None,
    case_ref: str | None = None,
    page: int = 1,
    per_page: int = 25,
) -> InboxPage:
    """One page of a tab: ``mine`` (assigned to me), ``team`` (unclaimed, offered to my
    groups), ``overdue`` (either, past due), ``completed`` (by me, newest first).

    Sorting runs over narrow index rows; only the page's rows are read in full.
    """
    page = max(page, 1)
    if tab == "completed":
        query = select(HumanTask.id).where(HumanTask.completed_by == actor.user_id)
        query = _restrict(query, HumanTask, actor, process_key, case_ref, own=True)
        query = query.order_by(HumanTask.completed_at.desc(), HumanTask.id.desc())
    else:
        parts = []
        if tab in ("mine", "overdue", "all"):
            parts.append(_restrict(_held(actor), HumanTask, actor, process_key, case_ref, True))
        if tab in ("team", "overdue", "all"):
            parts.append(_restrict(_offered(actor), TaskCandidate, actor, process_key, case_ref))
        if not parts:
            raise ValueError(f"unknown inbox tab '{tab}' (tabs: {', '.join(TABS)})")
        mine = union(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
        query = select(mine.c.id)
        if tab == "overdue":
            query = query.where(mine.c.due_at < now)
        query = query.order_by(mine.c.due_at.is_(None), mine.c.due_at, mine.c.id)
    ids = list(session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)))
    has_next, ids = len(ids) > per_page, ids[:per_page]
    rows = {row.id: row for row in session.scalars(select(HumanTask).where(HumanTask.id.in_(ids)))}
    return InboxPage(tab, [rows[task_id] for task_id in ids], page, has_next)


def approvals(session: Session, actor: Actor, limit: int = 100) -> list[HumanTask]:
    """Active approval tasks (``approval`` property) the actor holds or is offered, on cases
    their agency is involved in - the same rule as the inbox - soonest due first."""
    mine = union(
        _restrict(_held(actor), HumanTask, actor, None, None),
        _restrict(_offered(actor), TaskCandidate, actor, None, None),
    ).subquery()
    query = select(HumanTask).where(
        HumanTask.id.in_(select(mine.c.id)),
        HumanTask.approval.is_not(None),
        HumanTask.status.in_(ACTIVE_TASK_STATES),
    )
    query = query.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
    return list(session.scalars(query.limit(limit)))


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
    page = inbox(
        session,
        actor,
        "all",
        process_key=process_key,
        case_ref=case_ref,
        page=offset // per_page + 1,
        per_page=per_page,
    )
    return page.tasks


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

"""Keeping the indexed tables in step with an instance's state, inside the same transaction.

After every step the READY user tasks become ``human_task`` rows, WAITING timers become
``timer`` rows with absolute due times, and WAITING message catches become
``message_subscription`` rows. Rows for tasks that have gone are closed (tasks) or deleted.
"""

from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .assurance.facts import record_facts
from .audit import record
from .db import is_postgres
from .decision_pages.positions import position_of
from .dialect.conventions import is_urgent
from .disclosure.holders import holder_of
from .effects import announce_task
from .escalation import escalation_of
from .events.signal_index import sync_signal_subscriptions, waiting_for_signals
from .events.waits import waiting_events
from .live_workflows import (
    IndexedState,
    closed_tasks,
    indexed_state,
    register_closed,
    remember_indexed,
    take_rows,
)
from .models import (
    ACTIVE_TASK_STATES,
    CANCELLED,
    CLAIMED,
    OPEN,
    HumanTask,
    MessageSubscription,
    ProcessInstance,
    TaskCandidate,
    Timer,
)
from .step_errors import failing_as_process_error
from .task_assignment import evaluate_assignment

# Statements built once on the tables (not the mapped classes): each step reuses SQLAlchemy's
# compiled form and skips the ORM's per-statement work; the rows carry no ORM state to sync.
# They run on the session's connection, so they do not flush the ORM's pending changes first:
# a step writes those once, at its end (``InstanceRuntime.save``).
_TASKS, _CANDIDATES = HumanTask.__table__, TaskCandidate.__table__
_INSERT_TASKS = insert(_TASKS).returning(_TASKS.c.id, _TASKS.c.spiff_task_id)
_INSERT_CANDIDATES = insert(_CANDIDATES)
_WITHDRAW = delete(_CANDIDATES).where(
    _CANDIDATES.c.human_task_id.in_(bindparam("task_ids", expanding=True))
)
_SET_OFFERED = (
    update(_CANDIDATES)
    .where(_CANDIDATES.c.human_task_id == bindparam("task_id"))
    .values(offered=bindparam("is_offered"))
)
_CLOSE_TASK = (
    update(_TASKS)
    .where(_TASKS.c.id == bindparam("task_id"))
    .values(
        status=bindparam("status"),
        completed_at=bindparam("completed_at"),
        completed_by=bindparam("completed_by"),
    )
)
# PostgreSQL runs a DELETE in a WITH clause to completion alongside the UPDATE: closing a
# task and dropping its inbox rows cost one round trip instead of two (SQLite sends both).
_CLOSE_AND_WITHDRAW = _CLOSE_TASK.add_cte(
    delete(_CANDIDATES).where(_CANDIDATES.c.human_task_id == bindparam("task_id")).cte("withdrawn")
)
_ACTIVE_TASKS = select(HumanTask).where(
    HumanTask.instance_id == bindparam("instance_id"), HumanTask.status.in_(ACTIVE_TASK_STATES)
)
_TIMERS_OF = select(Timer).where(Timer.instance_id == bindparam("instance_id"))
_MESSAGES_OF = select(MessageSubscription).where(
    MessageSubscription.instance_id == bindparam("instance_id")
)
_ACTIVE_AMONG = _ACTIVE_TASKS.where(
    HumanTask.spiff_task_id.in_(bindparam("spiff_ids", expanding=True))
)


def sync_indexes(
    session: Session,
    instance: ProcessInstance,
    workflow: BpmnWorkflow,
    now: datetime,
    actor: str | None,
) -> None:
    """Bring human tasks, timers and message subscriptions in line with ``workflow``.

    When the tables are known to hold what ``workflow`` was loaded or last saved with
    (``live_workflows.indexed``), only the difference is written and nothing is read."""
    timers, messages = waiting_events(workflow)
    batch = take_rows(session, instance.id)
    before = indexed_state(workflow) or (batch.indexed() if batch else None)
    ready = {str(task.id): task for task in workflow.get_tasks(state=TaskState.READY, manual=True)}
    signals = waiting_for_signals(instance, workflow)
    with session.no_autoflush:
        _sync_human_tasks(session, instance, ready, before, now, actor)
        if before is None or before.signals != signals:
            sync_signal_subscriptions(session, instance, signals, now)
        if timers or messages or instance.waiting_events:
            _sync_timers(session, instance, timers, batch.timers if batch else None)
            _sync_subscriptions(session, instance, messages, now, batch.messages if batch else None)
    instance.waiting_events = len(timers) + len(messages)
    remember_indexed(workflow, IndexedState(frozenset(ready), signals))
    record_facts(session, instance, workflow, now)


def _sync_human_tasks(session, instance, ready: dict, before, now, actor) -> None:
    if before is None:
        rows = session.scalars(_ACTIVE_TASKS, {"instance_id": instance.id})
        # Without autoflush the database may still call a row active that this step closed.
        active = [row for row in rows if row.status in ACTIVE_TASK_STATES]
        gone = [row for row in active if row.spiff_task_id not in ready]
        known = {row.spiff_task_id for row in active}
    else:
        closed = {row.spiff_task_id for row in closed_tasks(session)}
        gone = []
        if missing := sorted(before.ready - ready.keys() - closed):
            rows = session.scalars(
                _ACTIVE_AMONG, {"instance_id": instance.id, "spiff_ids": missing}
            )
            gone = [row for row in rows if row.status in ACTIVE_TASK_STATES]
        known = before.ready
    _close_gone(session, instance, gone, now, actor)
    _open_new(session, instance, [task for i, task in ready.items() if i not in known], now, actor)


def close_task(session: Session, row: HumanTask, status: str, now: datetime, by=None) -> None:
    """Close a task row in this transaction (completed or cancelled) at once, without the
    ORM's unit of work, and offer it to nobody (its inbox index rows go); the row object
    shows the closed values as written."""
    closed = {"status": status, "completed_at": now, "completed_by": by or row.completed_by}
    if is_postgres(session):
        session.connection().execute(_CLOSE_AND_WITHDRAW, {"task_id": row.id, **closed})
    else:
        session.connection().execute(_CLOSE_TASK, {"task_id": row.id, **closed})
        withdraw_candidates(session, [row.id])
    for key, value in closed.items():
        set_committed_value(row, key, value)
    register_closed(session, row)


def _close_gone(session, instance, gone: list[HumanTask], now, actor) -> None:
    """Tasks no longer ready (a boundary event interrupted them, the instance was cancelled)."""
    for row in gone:
        close_task(session, row, CANCELLED, now)
        record(
            session,
            "task_cancelled",
            actor,
            now,
            instance=instance,
            element_id=row.element_id,
            task_name=row.name,
            details={"task_id": row.id},
            held_by=row.held_by,
        )


def _open_new(session, instance, ready: list, now, actor) -> None:
    """Index newly ready user tasks, offer them to their candidates, and announce them."""
    if not ready:
        return
    values = [_new_task_values(instance, task, now) for task in ready]
    # matched by spiff id: a multi-row INSERT need not return its rows in order
    ids = dict((spiff, key) for key, spiff in session.connection().execute(_INSERT_TASKS, values))
    created = [HumanTask(id=ids[row["spiff_task_id"]], **row) for row in values]
    index_candidates(session, created)
    for row in created:
        announce_task(session, instance, row, now)
        record(
            session,
            "task_created",
            actor,
            now,
            instance=instance,
            element_id=row.element_id,
            task_name=row.name,
            details={
                "task_id": row.id,
                "assignee": row.assignee,
                "candidate_groups": row.candidate_groups,
            },
            held_by=row.held_by,
        )


def _new_task_values(instance: ProcessInstance, task, now: datetime) -> dict:
    """The ``human_task`` column values of a newly ready user task."""
    spec = task.task_spec
    with failing_as_process_error(task):
        attributes = evaluate_assignment(task, now)
    return dict(
        instance_id=instance.id,
        spiff_task_id=str(task.id),
        element_id=spec.bpmn_id,
        name=spec.bpmn_name or spec.bpmn_id,
        documentation=spec.documentation,
        process_key=instance.process_key,
        process_name=instance.process_name,
        case_ref=instance.case_ref,
        held_by=holder_of(task),
        business_key=instance.business_key,
        status=CLAIMED if attributes["assignee"] else OPEN,
        approval=(getattr(spec, "extensions", None) or {}).get("approval"),
        urgent=is_urgent(task),
        created_at=now,
        **position_of(task, instance.summary).columns(),
        **escalation_of(task),
        **attributes,
    )


def index_candidates(session: Session, tasks: list[HumanTask]) -> None:
    """The inbox index rows of active tasks, from their candidate lists (offered while
    nobody holds the task). A task whose candidates change is withdrawn, then indexed again."""
    candidates = [
        {
            "human_task_id": row.id,
            "kind": kind,
            "value": value,
            "offered": row.assignee is None,
            "approval": row.approval is not None,
            "due_at": row.due_at,
            "case_ref": row.case_ref,
        }
        for row in tasks
        for kind, values in (("group", row.candidate_groups), ("user", row.candidate_users))
        for value in dict.fromkeys(values)
    ]
    if candidates:
        session.connection().execute(_INSERT_CANDIDATES, candidates)


def withdraw_candidates(session: Session, task_ids: list[int]) -> None:
    """A closed task is offered to nobody: drop its inbox index rows."""
    if task_ids:
        session.connection().execute(_WITHDRAW, {"task_ids": task_ids})


def set_offered(session: Session, task_id: int, offered: bool) -> None:
    """Claiming takes a task out of its candidates' queues; unclaiming puts it back."""
    session.connection().execute(_SET_OFFERED, {"task_id": task_id, "is_offered": offered})


def _delete_gone(session, existing: dict, wanted) -> None:
    """Delete the rows no longer wanted at the next flush, where the ORM deletes the rows of a
    whole swept batch in one executemany (one round trip for them all)."""
    for spiff_id, row in existing.items():
        if spiff_id not in wanted:
            session.delete(row)


def _sync_timers(session, instance, wanted, existing: dict | None) -> None:
    if existing is None:
        existing = {
            row.spiff_task_id: row
            for row in session.scalars(_TIMERS_OF, {"instance_id": instance.id})
        }
    _delete_gone(session, existing, wanted)
    for spiff_id, (element, definition, due) in wanted.items():
        row = existing.get(spiff_id)
        if row is None:
            session.add(
                Timer(
                    instance_id=instance.id,
                    spiff_task_id=spiff_id,
                    element_id=element.bpmn_id,
                    name=element.bpmn_name,
                    kind=definition.kind,
                    due_at=due,
                    fire_at=due,
                )
            )
        elif row.due_at != due:
            row.due_at = row.fire_at = due
            row.attempts, row.last_error = 0, None


def _sync_subscriptions(session, instance, wanted, now, existing: dict | None) -> None:
    if existing is None:
        existing = {
            row.spiff_task_id: row
            for row in session.scalars(_MESSAGES_OF, {"instance_id": instance.id})
        }
    _delete_gone(session, existing, wanted)
    for spiff_id, (element, name) in wanted.items():
        if spiff_id not in existing:
            session.add(
                MessageSubscription(
                    instance_id=instance.id,
                    spiff_task_id=spiff_id,
                    element_id=element.bpmn_id,
                    message_name=name,
                    business_key=instance.business_key,
                    created_at=now,
                )
            )

"""A leaver's open tasks go to a team queue: the manager's team, else their own team, else
their agency's managers. Each task is re-offered under its instance's lock, the human_task row
and its candidate index rows rewritten together, audited and announced to the new queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import accounts
from ..agencies import team_group
from ..audit import record
from ..indexing import announce_task, index_candidates, withdraw_candidates
from ..models import ACTIVE_TASK_STATES, OPEN, HumanTask, ProcessInstance, TaskCandidate
from .records import find_person


@dataclass
class Handover:
    """Where a leaver's tasks went, and why there."""

    group: str
    why: str
    moved: list[int] = field(default_factory=list)  # tasks they held, now in the queue
    withdrawn: list[int] = field(default_factory=list)  # tasks no longer offered to them


def destination(session: Session, user: accounts.User) -> tuple[str, str]:
    """The queue a leaver's tasks go to, and a sentence saying why that one."""
    manager = find_person(session, user.manager)
    if manager is not None and manager.team:
        return team_group(manager.team), f"their manager {manager.display_name}'s team queue"
    if user.team:
        return team_group(user.team), "their own team's queue (their manager has no team)"
    return f"{user.agency}:manager", "their agency's managers (they have no team)"


def open_tasks_of(session: Session, username: str) -> list[int]:
    """Active tasks the person holds or is a named candidate of, oldest first."""
    named = select(TaskCandidate.human_task_id).where(
        TaskCandidate.kind == "user", TaskCandidate.value == username
    )
    query = select(HumanTask.id).where(
        HumanTask.status.in_(ACTIVE_TASK_STATES),
        or_(HumanTask.assignee == username, HumanTask.id.in_(named)),
    )
    return list(session.scalars(query.order_by(HumanTask.id)))


def hand_over(session: Session, runtime, user: accounts.User, actor: str, now: datetime):
    """Re-offer every open task of ``user``; returns the Handover."""
    group, why = destination(session, user)
    handover = Handover(group, why)
    for task_id in open_tasks_of(session, user.username):
        instance, task = runtime.lock_for_task(session, task_id)
        if task.status not in ACTIVE_TASK_STATES:
            continue
        held = task.assignee == user.username
        task.candidate_users = [name for name in task.candidate_users if name != user.username]
        moved = held or not (task.candidate_users or task.candidate_groups)
        if moved:
            task.candidate_groups = list(dict.fromkeys([*task.candidate_groups, group]))
            task.assignee, task.status, task.claimed_at = None, OPEN, None
        (handover.moved if moved else handover.withdrawn).append(task.id)
        _reindex(session, task)
        _audit(session, instance, task, user.username, actor, now, group if moved else None)
        if moved:
            announce_task(session, instance, task, now)
    return handover


def _reindex(session: Session, task: HumanTask) -> None:
    """The task's inbox index rows, rebuilt from its changed candidate lists."""
    session.flush()
    withdraw_candidates(session, [task.id])
    index_candidates(session, [task])


def _audit(session, instance: ProcessInstance, task, leaver, actor, now, group) -> None:
    record(
        session,
        "task_handed_over" if group else "candidate_removed",
        actor,
        now,
        instance=instance,
        element_id=task.element_id,
        task_name=task.name,
        details={
            "task_id": task.id,
            "from": leaver,
            "to_group": group,
            "reason": "deactivated",
        },
        held_by=task.held_by,
    )

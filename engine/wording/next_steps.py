"""What happens next after a step, and who has it now, read from the task index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from .. import access, queries
from ..actors import Actor
from .words import Words


@dataclass(frozen=True)
class NextStep:
    """One open task of the instance after the step: its name, who has it, when it is due."""

    name: str
    holders: str
    due_at: datetime | None
    yours: bool


def next_steps(session: Session, instance_id: int, actor: Actor, words: Words) -> list[NextStep]:
    """The instance's open tasks after the step, as the actor may know of them: a task the
    actor may not see is still named by who has it, never by its subject."""
    steps = []
    for task in queries.active_tasks(session, instance_id):
        visible = access.may_see_task(session, task, actor)
        steps.append(
            NextStep(
                name=task.name if visible else "A task",
                holders=words.holders(task.assignee, task.candidate_groups, task.candidate_users),
                due_at=task.due_at,
                yours=visible and _is_for(task, actor),
            )
        )
    return steps


def _is_for(task, actor: Actor) -> bool:
    if task.assignee:
        return task.assignee == actor.user_id
    groups = set(task.candidate_groups or [])
    return actor.user_id in (task.candidate_users or []) or bool(groups & set(actor.groups))

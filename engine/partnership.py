"""What the safeguarding partnership's people see: cases where work is given to them.

The partnership's chair, business manager, process owners and administrators are not an
agency working with the family, so their role alone shows them no case. They see a case (its
page, processes and tasks) through work given to them there, read from the indexed tables and
never from workflow state:

- a task on the case they are a candidate for, by name or by one of their groups (the
  Professional Differences stage 4 task for ``board-chair``), while it is open;
- a task on the case they hold, or completed;
- a notification about the case addressed to them or to one of their groups (the business
  manager is told of escalations and outcomes);

or through a break-glass window (``engine.break_glass``).
"""

from __future__ import annotations

from sqlalchemy import and_, exists, or_, select, union
from sqlalchemy.orm import Session

from notifications.outbox import GROUP, USER, OutboxNotification

from .actors import Actor
from .models import ACTIVE_TASK_STATES, HumanTask, TaskCandidate


def _addressed(kind_column, value_column, actor: Actor):
    """Rows naming the person (kind ``user``) or one of their groups (kind ``group``)."""
    return or_(
        and_(kind_column == USER, value_column == actor.user_id),
        and_(kind_column == GROUP, value_column.in_(sorted(actor.groups))),
    )


def _work_queries(actor: Actor) -> list:
    """One query of case references per kind of work given to the person."""
    return [
        select(TaskCandidate.case_ref).where(
            _addressed(TaskCandidate.kind, TaskCandidate.value, actor)
        ),
        select(HumanTask.case_ref).where(
            HumanTask.status.in_(ACTIVE_TASK_STATES), HumanTask.assignee == actor.user_id
        ),
        select(HumanTask.case_ref).where(HumanTask.completed_by == actor.user_id),
        select(OutboxNotification.case_ref).where(
            _addressed(OutboxNotification.recipient_kind, OutboxNotification.recipient, actor)
        ),
    ]


def has_work_on(session: Session, case_ref: str, actor: Actor) -> bool:
    """Is any work on this case given to the person (see the module's list)?"""
    for query in _work_queries(actor):
        column = query.selected_columns[0]
        if session.scalar(select(exists(query.where(column == case_ref)))):
            return True
    return False


def worked_cases(actor: Actor):
    """A subquery of the case references where work is given to the person."""
    return union(*_work_queries(actor)).subquery()

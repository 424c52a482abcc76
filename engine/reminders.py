"""Due-soon and overdue reminders for human tasks, each sent once per task, and the
escalation of a missed deadline to the task's ``escalate_to`` group (``engine.escalation``).

Reads the indexed ``human_task`` table by due date (never instance state); the notifications
go through the outbox in the same transaction that marks the task reminded, so a reminder is
neither lost nor repeated, whichever scheduler node runs it.
"""

from __future__ import annotations

from sqlalchemy import select

from .db import Database, claiming
from .escalation import escalate_missed
from .indexing import announce_task
from .models import ACTIVE_TASK_STATES, HumanTask, ProcessInstance
from .workdays import WorkingDayCalendar


def send_reminders(db: Database, clock, calendar: WorkingDayCalendar, batch: int = 500) -> dict:
    """Remind about tasks due within one working day and about overdue tasks; tell the
    escalation group of each task overdue by its ``escalate_after_days``."""
    now = clock.now()
    soon = calendar.add(now, 1)
    counts = {}
    for kind, column, horizon, event in (
        ("overdue", HumanTask.reminded_overdue_at, now, "task_overdue"),
        ("due_soon", HumanTask.reminded_due_soon_at, soon, "task_due_soon"),
    ):
        with db.unit_of_work() as session:
            query = (
                select(HumanTask)
                .where(
                    HumanTask.status.in_(ACTIVE_TASK_STATES),
                    HumanTask.due_at <= horizon,
                    column.is_(None),
                )
                .order_by(HumanTask.due_at)
                .limit(batch)
            )
            query = claiming(session, query)
            tasks = list(session.scalars(query))
            for task in tasks:
                if kind == "due_soon" and task.reminded_overdue_at is not None:
                    continue
                setattr(task, column.key, now)
                if kind == "overdue":
                    task.reminded_due_soon_at = task.reminded_due_soon_at or now
                instance = session.get(ProcessInstance, task.instance_id)
                announce_task(session, instance, task, now, event=event)
            counts[kind] = len(tasks)
    with db.unit_of_work() as session:
        counts["escalated"] = escalate_missed(session, now, calendar, batch)
    return counts

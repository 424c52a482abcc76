"""Escalation of missed deadlines: who is told when nobody acts on a user task in time.

A user task names its escalation group(s) with the ``camunda:property`` ``escalate_to``
(``${started_by_agency}:manager``; ``${...}`` evaluated when the task is created) and, if the
managers should wait, ``escalate_after_days`` = working days after the due date (default 0).
Both are stored on the task's ``human_task`` row, so the reminder job
(:func:`engine.reminders.send_reminders`) escalates from the indexed table alone: once per
task, a routine ``task_escalated`` notification to the group and a ``deadline_missed``
case-record entry, in one transaction. Going ahead without the missing piece stays the
diagram's job (an interrupting boundary timer).
"""

from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from notifications.outbox import GROUP

from .accounts import User
from .audit import record
from .db import claiming
from .dialect.conventions import property_value
from .effects import notify
from .errors import ProcessError
from .models import ACTIVE_TASK_STATES, HumanTask, ProcessInstance
from .workdays import WorkingDayCalendar

ESCALATE_TO, ESCALATE_AFTER_DAYS = "escalate_to", "escalate_after_days"
ESCALATION_EVENT, MISSED_ENTRY = "task_escalated", "deadline_missed"
MAX_ESCALATE_AFTER_DAYS = 260  # a year of working days; more is a mistake


def escalation_of(task) -> dict:
    """The ``escalate_to`` groups and ``escalate_after_days`` of a new user task, evaluated on
    its data (the ``human_task`` column values); an expression that fails stops the step."""
    try:
        groups = property_value(task, ESCALATE_TO) or ""
        after = (property_value(task, ESCALATE_AFTER_DAYS) or "0").strip() or "0"
    except WorkflowException as error:
        message = getattr(error, "error_msg", None) or str(error)
        raise ProcessError(f"escalation: {message}", task.task_spec.bpmn_id) from None
    if not after.isdigit() or int(after) > MAX_ESCALATE_AFTER_DAYS:
        raise ProcessError(
            f"{ESCALATE_AFTER_DAYS} must be a whole number of working days from 0 to "
            f"{MAX_ESCALATE_AFTER_DAYS}, not '{after}'",
            task.task_spec.bpmn_id,
        )
    names = [name.strip() for name in groups.split(",") if name.strip()]
    return {"escalate_to": names, "escalate_after_days": int(after)}


def escalate_missed(
    session: Session, now: datetime, calendar: WorkingDayCalendar, batch: int = 500
) -> int:
    """Tell each overdue task's escalation group, once, when its grace has run out."""
    query = (
        select(HumanTask)
        .where(
            HumanTask.status.in_(ACTIVE_TASK_STATES),
            HumanTask.due_at <= now,
            HumanTask.escalated_at.is_(None),
            cast(HumanTask.escalate_to, String) != "[]",
        )
        .order_by(HumanTask.due_at)
        .limit(batch)
    )
    escalated = 0
    for task in session.scalars(claiming(session, query)):
        if not task.escalate_to or calendar.add(task.due_at, task.escalate_after_days) > now:
            continue
        _escalate(session, session.get(ProcessInstance, task.instance_id), task, now)
        escalated += 1
    return escalated


def _escalate(session: Session, instance: ProcessInstance, task: HumanTask, now) -> None:
    """The notification and the case-record entry for one missed deadline."""
    task.escalated_at = now
    holder = _display_name(session, task.assignee) or "nobody (still waiting to be picked up)"
    due = task.due_at.isoformat()
    notify(
        session,
        instance,
        [(GROUP, group) for group in task.escalate_to],
        ESCALATION_EVENT,
        now,
        step=task.name,
        element_id=task.element_id,
        urgent=False,
        held_by=task.held_by,  # the managers the disclosure rule lets read the task's process
        escalated_task_id=task.id,  # not task_id: the link is the instance, managers see it
        holder=holder,
        due=due,
    )
    record(
        session,
        "case_record",
        None,
        now,
        instance=instance,
        element_id=task.element_id,
        task_name=task.name,
        details={
            "entry": MISSED_ENTRY,
            "task_id": task.id,
            "due": due,
            "holder": task.assignee,
            "escalated_to": list(task.escalate_to),
        },
        held_by=task.held_by,
    )


def _display_name(session: Session, username: str | None) -> str | None:
    """The person's name for the email ("held by Pat Practitioner"), never their username."""
    if not username:
        return None
    name = session.scalar(select(User.display_name).where(User.username == username))
    return name or username

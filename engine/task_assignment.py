"""Who a user task is for, when it is due and how urgent: its Camunda attributes evaluated on
the task's data when it opens. A value Camunda would refuse fails the step, naming the task."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .dialect.source_lines import source_line
from .dialect.timers import resolve_deadline
from .dialect.user_tasks import AssignableUserTask
from .errors import ProcessError
from .expressions import is_expression

DEFAULT_PRIORITY = 50


def evaluate_assignment(task, now: datetime) -> dict[str, Any]:
    """Assignee, candidates, due/follow-up dates and priority, evaluated on the task's data."""
    spec = task.task_spec
    assignment = getattr(spec, "assignment", None)
    if not isinstance(spec, AssignableUserTask) or assignment is None:
        return {
            "assignee": None,
            "candidate_groups": [],
            "candidate_users": [],
            "due_at": None,
            "follow_up_at": None,
            "priority": DEFAULT_PRIORITY,
        }
    engine = task.workflow.script_engine

    def value(text):
        return engine.evaluate(task, text) if is_expression(text) else text

    def moment(text):
        return resolve_deadline(value(text), now, engine.calendar) if text else None

    groups = _names(value(assignment.candidate_groups)) or _names(assignment.lane)
    priority = _priority(value(assignment.priority), assignment.priority, spec)
    return {
        "assignee": _name(value(assignment.assignee)) if assignment.assignee else None,
        "candidate_groups": groups,
        "candidate_users": _names(value(assignment.candidate_users)),
        "due_at": moment(assignment.due_date),
        "follow_up_at": moment(assignment.follow_up_date),
        "priority": priority,
    }


def _priority(value: Any, text: str | None, spec) -> int:
    """Camunda's rule: a number (its whole part) or text that reads as a whole number."""
    if value is None or value == "":
        return DEFAULT_PRIORITY
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value)
    raise ProcessError(
        f"camunda:priority {text} gave {type(value).__name__} {value!r:.60}, not a whole number",
        spec.bpmn_id,
        source_line(spec),
    )


def _name(value: Any) -> str | None:
    """One user id; an expression that gives nothing (``${var('sharer')}``) leaves it open."""
    return str(value).strip() or None if value is not None else None


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list | tuple | set) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]

"""Where a new user task stands in its process, worked out once when the task is created.

The result is stored on the task's ``human_task`` row, so the inbox, the Approvals page and the
case page show the subject and the stage without loading any workflow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from ..dialect.conventions import property_value
from ..dialect.timers import due_time_of
from ..errors import ProcessError
from .properties import STAGE, SUMMARY, SUMMARY_LIMIT


@dataclass
class Position:
    """A task's subject and stage, as stored on its row."""

    summary: str | None = None
    stage: int | None = None
    stage_names: list[str] = field(default_factory=list)
    stage_moves_at: datetime | None = None

    def columns(self) -> dict:
        """The ``human_task`` column values."""
        return {
            "summary": self.summary,
            "stage": self.stage,
            "stage_names": self.stage_names,
            "stage_moves_at": self.stage_moves_at,
        }


def position_of(task, process_summary: str | None = None) -> Position:
    """The task's ``summary`` (evaluated on its data; else its process's subject line) and,
    when it or an enclosing call activity or subprocess has a ``stage`` and a process around it
    declares ``stages``, its stage and the earliest interrupting boundary timer that would move
    the work on."""
    summary = _summary(task) or process_summary
    chain = _activity_chain(task)
    for depth, activity in enumerate(chain):
        number = (getattr(activity.task_spec, "extensions", None) or {}).get(STAGE)
        if number and number.strip().isdigit():
            stage_names = _stage_names(activity)
            if 1 <= int(number) <= len(stage_names):
                moves = [due for a in chain[: depth + 1] if (due := _interrupting_timer(a))]
                return Position(summary, int(number), stage_names, min(moves, default=None))
    return Position(summary)


def _summary(task) -> str | None:
    """The task's ``summary``; one that cannot be evaluated stops the step, naming it."""
    try:
        text = property_value(task, SUMMARY) or ""
    except WorkflowException as error:
        message = getattr(error, "error_msg", None) or str(error)
        raise ProcessError(f"{SUMMARY}: {message}", task.task_spec.bpmn_id) from None
    return text.strip()[:SUMMARY_LIMIT] or None


def _activity_chain(task) -> list:
    """The task, then each call activity or subprocess task it runs inside, innermost first."""
    chain = [task]
    workflow = task.workflow
    while (parent_id := getattr(workflow, "parent_task_id", None)) is not None:
        parent = workflow.top_workflow.get_task_from_id(parent_id)
        chain.append(parent)
        workflow = parent.workflow
    return chain


def _stage_names(activity) -> list[str]:
    """The ``stages`` of the nearest process around ``activity`` that declares them."""
    workflow = activity.workflow
    while workflow is not None:
        if stage_names := getattr(workflow.spec, "stages", None):
            return list(stage_names)
        parent_id = getattr(workflow, "parent_task_id", None)
        workflow = workflow.top_workflow.get_task_from_id(parent_id).workflow if parent_id else None
    return []


def _interrupting_timer(activity) -> datetime | None:
    """When an interrupting timer on ``activity``'s boundary falls due, if it has one."""
    split = activity.parent
    if split is None or not isinstance(split.task_spec, BoundaryEventSplit):
        return None
    dues = [
        due_time_of(event)
        for event in split.children
        if event is not activity
        and event.state == TaskState.WAITING
        and getattr(event.task_spec, "cancel_activity", False)
        and isinstance(getattr(event.task_spec, "event_definition", None), TimerEventDefinition)
    ]
    return min((due for due in dues if due is not None), default=None)

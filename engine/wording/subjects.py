"""A process's subject line: its ``summary`` property, evaluated on the instance's data.

At the start a process may not yet know what it is about (a professional difference learns the
agency and the child from its first form), so the summary is tried again after every step until
it evaluates; once set it is kept, so lists never change under a person's eyes.
"""

from __future__ import annotations

from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from ..expressions import is_expression

SUMMARY_LIMIT = 500  # the process_instance column's width
_LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def process_summary(workflow, current: str | None) -> str | None:
    """The instance's subject line: ``current`` once set, else the process's ``summary``
    evaluated on the data of its latest live task (None while a variable it names is unset)."""
    if current:
        return current
    text = getattr(workflow.spec, "summary", None)
    if not text:
        return None
    if not is_expression(text):
        return text[:SUMMARY_LIMIT]
    for task in _newest_first(workflow):
        try:
            value = str(task.workflow.script_engine.evaluate(task, text)).strip()
        except WorkflowException:  # a variable not yet set: try again after the next step
            continue
        return value[:SUMMARY_LIMIT] or None
    return None


def _newest_first(workflow) -> list:
    """The top-level process's live tasks, the most recently changed first, then its root."""
    live = [t for t in workflow.get_tasks(state=_LIVE) if t.workflow is workflow]
    live.sort(key=lambda t: t.last_state_change, reverse=True)
    return [*live[:3], workflow.task_tree]

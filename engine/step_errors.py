"""Turning whatever fails while a workflow steps into a ProcessError naming the element.

Camunda 7 fails the whole transaction when an expression, a collection or a condition cannot
be used; the caller gets an error naming the activity and nothing is saved. The service layer
rolls back on any exception; this module makes sure the one it sees is typed and located.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from SpiffWorkflow.exceptions import SpiffWorkflowException

from .dialect.source_lines import source_line
from .errors import ProcessError

# Python errors a broken diagram or unexpected data can raise from inside SpiffWorkflow.
STEP_FAILURES = (SpiffWorkflowException, TypeError, KeyError, AttributeError, ValueError)


def process_error_from(error: Exception, task=None) -> ProcessError:
    """A ProcessError with the failing element (from the error or ``task``) and the line of
    the file it is written on."""
    task = getattr(error, "task", None) or task
    element = task.task_spec.bpmn_id if task is not None else getattr(error, "task_id", None)
    line = source_line(task.task_spec) if task is not None else None
    message = str(error) if isinstance(error, SpiffWorkflowException) else _describe(error)
    notes = getattr(error, "notes", None) or getattr(error, "__notes__", None)
    if notes:
        message += " (" + "; ".join(notes) + ")"
    return ProcessError(message, element, line)


def _describe(error: Exception) -> str:
    text = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
    return f"the step failed: {type(error).__name__}: {text}"


@contextmanager
def failing_as_process_error(task=None) -> Iterator[None]:
    """Re-raise step failures inside the block as ProcessError (``task``: where, if known)."""
    try:
        yield
    except ProcessError:
        raise
    except STEP_FAILURES as error:
        raise process_error_from(error, task) from error

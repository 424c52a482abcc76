"""Element ids that pruned tasks completed, kept with the workflow they were pruned from."""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState

HISTORY = "_completed_history"  # workflow attribute: {process spec name: set of element ids}


def history_of(workflow) -> dict[str, set[str]]:
    """The top workflow's record of pruned completions, by the process spec they belong to."""
    top = workflow.top_workflow
    if not hasattr(top, HISTORY):
        setattr(top, HISTORY, {})
    return getattr(top, HISTORY)


def set_history(workflow, saved: dict | None) -> None:
    """Restore the record saved with the state (``{spec: [ids]}``)."""
    setattr(workflow, HISTORY, {spec: set(ids) for spec, ids in (saved or {}).items()})


def saved_history(workflow) -> dict[str, list[str]]:
    """The record as JSON-ready lists (empty when nothing was pruned)."""
    return {spec: sorted(ids) for spec, ids in sorted(getattr(workflow, HISTORY, {}).items())}


def remember(task) -> None:
    """Record that ``task`` completed its element, before it leaves the tree."""
    element = task.task_spec.bpmn_id
    if element is not None and task.state == TaskState.COMPLETED:
        history_of(task.workflow).setdefault(task.workflow.spec.name, set()).add(element)


def completed_ids(workflow, specs: set[str] | None = None) -> set[str]:
    """Element ids completed in ``workflow`` (subprocesses included), pruned or still in the
    tree; ``specs`` limits the pruned ones to those process specs."""
    done = {
        task.task_spec.bpmn_id
        for task in workflow.get_tasks()  # a state filter would not go into finished ones
        if task.state == TaskState.COMPLETED and task.task_spec.bpmn_id is not None
    }
    for spec, ids in history_of(workflow).items():
        if specs is None or spec in specs:
            done |= ids
    return done


def pruned_ids(workflow, specs: set[str]) -> set[str]:
    """Element ids of pruned completions in the process specs named."""
    return set().union(*(ids for spec, ids in history_of(workflow).items() if spec in specs))

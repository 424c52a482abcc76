"""Moving a running instance from one version of its process to a later one (Cockpit's migration).

An instance may move when every element it is waiting at still exists, with the same id, in the
new version, and every step it has already completed still exists there (SpiffWorkflow keeps
completed steps in the instance's task tree). Tasks are re-pointed at the new version's elements
and nothing is reset: open tasks keep their ids, data and assignees, timers keep their start.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.util.diff import diff_workflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from .live_state import history_of

ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING
PREDICTED = TaskState.PREDICTED_MASK | TaskState.FUTURE
DROPPABLE = PREDICTED | TaskState.CANCELLED
WAITING_OR_READY = TaskState.READY | TaskState.WAITING


@dataclass(frozen=True)
class Blocker:
    """Why one instance cannot move, in words a process owner can act on."""

    instance_id: int
    element_id: str | None
    reason: str

    def __str__(self) -> str:
        return f"instance {self.instance_id}: {self.reason}"


def blockers(workflow: BpmnWorkflow, spec, subprocess_specs: dict, instance_id: int, version: int):
    """Everything that stops ``workflow`` moving to ``spec`` (empty when it can move)."""
    found = []
    for task in workflow.get_tasks():
        target = _target_spec(workflow, task, spec, subprocess_specs)
        if target is not None and task.task_spec.name in target.task_specs:
            continue
        label = _label(task)
        if task.state & ACTIVE:
            reason = f"it is at {label}, which version {version} does not have (element ids differ)"
        elif task.state == TaskState.COMPLETED:
            reason = (
                f"it has completed {label}, which version {version} no longer has; an instance "
                "cannot lose a step it has already passed"
            )
        else:
            continue
        found.append(Blocker(instance_id, task.task_spec.bpmn_id, reason))
    return found + _pruned_blockers(workflow, spec, subprocess_specs, instance_id, version)


def _pruned_blockers(workflow, spec, subprocess_specs: dict, instance_id: int, version: int):
    """Completed steps pruned from the live state count as passed, as those in it do."""
    found = []
    for spec_name, elements in sorted(history_of(workflow).items()):
        target = spec if spec_name == workflow.spec.name else subprocess_specs.get(spec_name)
        source = workflow.spec if spec_name == workflow.spec.name else None
        source = source or workflow.subprocess_specs.get(spec_name)
        for element in sorted(elements):
            if target is not None and element in target.task_specs:
                continue
            known = source.task_specs.get(element) if source is not None else None
            name = (known.bpmn_name if known is not None else None) or element
            reason = (
                f"it has completed '{name}' ({element}), which version {version} no longer "
                "has; an instance cannot lose a step it has already passed"
            )
            found.append(Blocker(instance_id, element, reason))
    return found


class _AlignmentOnly:
    """SpecDiff compares aligned specs through a serializer registry; we use only the
    alignment, and our specs are never serialized, so a comparison by type is enough."""

    @staticmethod
    def convert(spec) -> dict:
        return {"typename": type(spec).__name__}


def move(workflow: BpmnWorkflow, spec, subprocess_specs: dict) -> None:
    """Re-point every task at the new version; drop predictions and dead branches it lacks."""
    top_diff, sub_diffs = diff_workflow(_AlignmentOnly, workflow, spec, subprocess_specs)
    _repoint(workflow, top_diff.alignment, spec)
    for sub_id, sub_diff in sub_diffs.items():
        sub = workflow.subprocesses[sub_id]
        _repoint(sub, sub_diff.alignment if sub_diff else {}, subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = subprocess_specs


def _repoint(workflow, alignment: dict, spec) -> None:
    workflow.spec = spec
    stale = []
    for task in list(workflow.tasks.values()):
        target = alignment.get(task) or spec.task_specs.get(task.task_spec.name)
        if target is not None:
            task.task_spec = target
        elif task.state & DROPPABLE:
            stale.append(task.id)
    for task in [t for t in workflow.tasks.values() if t.state & WAITING_OR_READY]:
        _predict_again(workflow, task)
    for task_id in stale:
        if task_id in workflow.tasks:  # an earlier removal may have taken it with its parent
            workflow._remove_task(task_id)
    if workflow.last_task is not None and workflow.last_task.id not in workflow.tasks:
        workflow.last_task = None


def _predict_again(workflow, task) -> None:
    """Replace the task's predicted successors with the new version's (no reset: the task
    keeps its id, data and, for timers, its start)."""
    for child in task.children:
        if child.state & PREDICTED:
            workflow._remove_task(child.id)
    task.task_spec._predict(task, mask=PREDICTED | task.state)


def _target_spec(workflow: BpmnWorkflow, task, spec, subprocess_specs: dict):
    if task.workflow is workflow:
        return spec
    return subprocess_specs.get(task.workflow.spec.name)


def _label(task) -> str:
    name = task.task_spec.bpmn_name or task.task_spec.bpmn_id
    if task.task_spec.bpmn_id is None:
        return f"a gateway or boundary structure ({task.task_spec.name})"
    return f"'{name}' ({task.task_spec.bpmn_id})"

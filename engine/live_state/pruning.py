"""Taking finished tasks out of the tree when no live task can read them.

What SpiffWorkflow 3.2 reads of finished tasks, and so what stays:
- joins (parallel, inclusive, end, boundary and start-event joins) read the other instances of
  their spec and each one's parent: the parent of every join task stays, and while any join
  waits nothing beside the live path is dropped (its arrivals are finished tasks there);
- boundary and start-event joins find their split as an ancestor: it stays while such a join
  below it has not fired;
- multi-instance and loop tasks read their instances while they run (they are live, so
  their children stay), and a running subprocess reads its own tree (pruned by the same rules);
- ``last_task`` stays (SpiffWorkflow and our call activities read its data);
- the parent of every unfinished task stays: a waiting task copies its parent's data again
  each time it is refreshed (a timer or message catch), so its parent must be the one it had.
What goes: completed tasks with one child on the way to the live tasks (a finished child
already holds their data, which it inherited when it ran), and finished branches off that
path once every join has fired (their data was merged at the join). A completed subprocess
goes with its task.
Dropping earlier passes also stops SpiffWorkflow 3.2 counting a previous loop pass's arrivals at
a parallel or inclusive join, which fired it early (two tokens) when branches finished in
another order than before.
"""

from __future__ import annotations

from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.util.task import TaskState

from .history import remember

PENDING = TaskState.WAITING | TaskState.READY | TaskState.STARTED
PASSES = 3


def prune(workflow) -> int:
    """Prune the running workflow and its running subprocesses; the number of tasks removed."""
    if workflow.completed:
        return 0
    removed = 0
    for _ in range(PASSES):  # a pass can free what the one before kept (a parent's last child)
        removed_now = sum(_prune_tree(sp) for sp in list(workflow.subprocesses.values()))
        removed_now += _prune_tree(workflow)
        removed += removed_now
        if not removed_now:
            break
    return removed


def prune_state(serializer, text: str, spec, subprocess_specs: dict, script_engine) -> str | None:
    """Saved state with its finished history pruned, or None when nothing could go."""
    workflow = serializer.loads(text, spec, subprocess_specs, script_engine)
    if not prune(workflow):
        return None
    return serializer.dumps(workflow)


def _prune_tree(workflow) -> int:
    if workflow.completed:
        return 0
    keep = _kept(workflow)
    before = len(workflow.tasks)
    if not any(_is_join(t) and t.has_state(PENDING) for t in workflow.tasks.values()):
        _drop_finished_branches(workflow)
    _collapse_chains(workflow, keep)
    return before - len(workflow.tasks)


def _is_join(task) -> bool:
    return isinstance(task.task_spec, Join)


def _kept(workflow) -> set:
    """Tasks that stay whatever their state: the root, the last task, unfinished tasks'
    parents, joins' parents, and splits a pending structured join will look for."""
    keep = {workflow.task_tree.id}
    if workflow.last_task is not None:
        keep.add(workflow.last_task.id)
    for task in workflow.tasks.values():
        if task._parent is not None and not task.has_state(TaskState.FINISHED_MASK):
            keep.add(task._parent)
        if not _is_join(task):
            continue
        if task._parent is not None:
            keep.add(task._parent)
        split_name = task.task_spec.split_task
        if split_name and not task.has_state(TaskState.FINISHED_MASK):
            split = task.find_ancestor(split_name)
            if split is not None:
                keep.add(split.id)
    return keep


def _live_ids(workflow) -> set:
    """Tasks with something unfinished at or below them."""
    live = set()
    for task in workflow.tasks.values():
        if task.has_state(TaskState.FINISHED_MASK):
            continue
        while task is not None and task.id not in live:
            live.add(task.id)
            task = task.parent
    return live


def _drop_finished_branches(workflow) -> None:
    live = _live_ids(workflow)
    for task in list(workflow.tasks.values()):
        if task.state != TaskState.COMPLETED or task.id not in live or len(task._children) < 2:
            continue
        for child in task.children:
            if child.id in live:
                continue
            branch = list(child)
            if workflow.last_task is not None and workflow.last_task in branch:
                continue
            for finished in branch:
                _forget(workflow, finished)
            workflow._remove_task(child.id)


def _collapse_chains(workflow, keep: set) -> None:
    for task in list(workflow.tasks.values()):
        if (
            task.state != TaskState.COMPLETED
            or task.id in keep
            or len(task._children) != 1
            or task.parent is None
        ):
            continue
        child = task.children[0]
        if _is_join(child):
            continue
        _splice_out(workflow, task, child)


def _splice_out(workflow, task, child) -> None:
    """Remove ``task`` and hang its only child where it was; the child keeps its own data."""
    parent = task.parent
    parent._children[parent._children.index(task.id)] = child.id
    child._parent = parent.id
    _forget(workflow, task)
    del workflow.tasks[task.id]


def _forget(workflow, task) -> None:
    remember(task)
    top = workflow.top_workflow
    top.event_manager.remove_task(task)
    if task.id in top.subprocesses:
        for inner in top.delete_subprocess(task):
            remember(inner)

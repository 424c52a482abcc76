"""Parallel gateways that leave other tokens' work alone.

When a token passes a parallel gateway, SpiffWorkflow 3.2 merges in the data of every earlier
pass of the same gateway that is not its own ancestor and drops those passes' descendants — a
tidy-up meant for a workflow reset. A gateway passed by two independent tokens (two firings of
a non-interrupting boundary event, say) thereby deletes the first token's waiting tasks and
timers without cancelling them. Camunda 7 keeps tokens apart, and so does this gateway: an
earlier pass that still has work waiting below it is neither merged nor dropped.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.defaults import ParallelGateway
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState


def has_live_work(task) -> bool:
    """Whether anything below ``task`` is still to run or waiting."""
    return any(
        descendant is not task and descendant.has_state(TaskState.DEFINITE_MASK)
        for descendant in task
    )


def join_tokens_safely(gateway, my_task) -> None:
    """Merge in the data of earlier passes of ``gateway`` that have no work left below them,
    and drop those passes' predicted paths; leave passes with live work alone."""
    earlier = [
        task
        for task in my_task.workflow.tasks.values()
        if task.task_spec == gateway
        and task.has_state(TaskState.FINISHED_MASK)
        and not my_task.is_descendant_of(task)
        and not has_live_work(task)
    ]
    for task in sorted(earlier, key=lambda t: t.last_state_change):
        DeepMerge.merge(my_task.data, task.parent.data)
        if task.has_state(TaskState.COMPLETED):
            task._drop_children(force=True)
    my_task._inherit_data()


class TokenSafeParallelGateway(ParallelGateway):
    def _run_hook(self, my_task):
        join_tokens_safely(self, my_task)
        return True

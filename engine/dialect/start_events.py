"""Process start events as Camunda 7 starts them: one start event per instance.

A process may have several start events (a none start, timer starts, signal starts...). In
Camunda 7 an instance begins at exactly one of them: a manual start at the process's *initial*
start event (its none start event, or its only start event whatever its type), a timer or a
signal at the start event it triggered. SpiffWorkflow instead arms every start event and waits
on them, so a manual start would wait on the timer. The start event chosen is kept in the root
task's internal data; every other top-level start event of the instance is left to be
cancelled when the chosen one completes. A process called by a call activity begins at its
initial start event, as in Camunda 7 (it does not wait for its timer or signal).
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.control import BpmnStartTask, StartEventSplit
from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.util.task import TaskState

from ..errors import ProcessError
from .call_activities import MappedCallActivity

CHOSEN = "start_event"


class ChosenStartEvent(StartEvent):
    """A start event that fires at once when the instance begins at it, and otherwise
    waits only until the chosen start event completes (which cancels it)."""

    def _update_hook(self, my_task):
        chosen = chosen_start_event(my_task)
        if chosen is None:
            return super()._update_hook(my_task)
        if chosen == self.bpmn_id:
            my_task._set_internal_data(event_fired=True)
            return TaskSpec._update_hook(self, my_task)  # takes the start variables
        my_task._set_state(TaskState.WAITING)
        return False

    def _predict_hook(self, my_task):
        # SpiffWorkflow lets a cycle timer start event spawn its flow again and again inside
        # one instance; in Camunda 7 each firing is a new instance (engine.start_timers).
        if chosen_start_event(my_task) is not None or _starts_process(my_task):
            TaskSpec._predict_hook(self, my_task)
        else:
            super()._predict_hook(my_task)


def chosen_start_event(my_task) -> str | None:
    """The start event this process start task's instance began at (None for the start
    events of embedded and event subprocesses). A called process begins at its initial one."""
    if not _starts_process(my_task):
        return None
    workflow = my_task.workflow
    if workflow is workflow.top_workflow:
        return workflow.task_tree.internal_data.get(CHOSEN)
    return initial_start_event(workflow.spec)


def _starts_process(my_task) -> bool:
    parent = my_task.parent
    if parent is None or not isinstance(parent.task_spec, BpmnStartTask | StartEventSplit):
        return False
    workflow = my_task.workflow
    return workflow is workflow.top_workflow or _is_called(workflow)


def _is_called(workflow) -> bool:
    caller = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
    return isinstance(caller.task_spec, MappedCallActivity)


def start_events(spec) -> list:
    """The process's own start events (not those of its subprocesses)."""
    return [
        task_spec
        for task_spec in spec.task_specs.values()
        if isinstance(task_spec, StartEvent) and _is_top_level(spec, task_spec)
    ]


def _is_top_level(spec, task_spec) -> bool:
    return any(isinstance(parent, BpmnStartTask | StartEventSplit) for parent in task_spec.inputs)


def initial_start_event(spec) -> str:
    """Where a manual start begins (Camunda 7's *initial*): the none start event, else the
    only start event; ProcessError when the process has neither."""
    events = start_events(spec)
    plain = [e for e in events if isinstance(e.event_definition, NoneEventDefinition)]
    if plain:
        return plain[0].bpmn_id
    if len(events) == 1:
        return events[0].bpmn_id
    raise ProcessError(
        f"Process '{spec.name}' has no none start event and several event start events "
        f"({', '.join(sorted(e.bpmn_id for e in events))}): it starts only when one of its "
        "events happens, not by hand"
    )


def begin_at(workflow, element_id: str | None) -> str:
    """Make ``workflow`` begin at start event ``element_id`` (or its initial start event)."""
    chosen = element_id or initial_start_event(workflow.spec)
    workflow.task_tree.internal_data[CHOSEN] = chosen
    return chosen

"""Boundary events as Camunda 7 runs them: they stay subscribed, and see the subprocess's data.

In Camunda 7 a non-interrupting message, signal or escalation boundary event fires every time
its event arrives while the activity runs: "the activity continues and the event can be
triggered again". SpiffWorkflow 3.2 keeps one event task per boundary event, so the second
message is refused ("not waiting") and a second escalation thrown inside a subprocess is lost.
Here, as soon as such an event fires, a fresh waiting copy of it is added beside the main
activity; it is cancelled with the other boundary events when the activity ends. Timer
(a duration or a date fires once; a cycle repeats by itself) and conditional events (which
would fire again at once while their condition holds) keep SpiffWorkflow's behaviour.

An embedded subprocess is not a variable scope in Camunda 7: what its tasks set is a process
variable at once, so the path leaving a boundary event on it (a stage's time limit, say) sees
the answers given inside it before it was interrupted. SpiffWorkflow copies a subprocess's data
out only when it completes; here the boundary event takes, before its own event data, what the
subprocess's completed tasks had set, in the order they completed. A call activity keeps its
own scope, as in Camunda.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    EscalationEventDefinition,
    SignalEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.util.task import TaskState

from .call_activities import MappedCallActivity
from .io_mappings import local_values

REARMING = (MessageEventDefinition, SignalEventDefinition, EscalationEventDefinition)


def rearms(event_definition) -> bool:
    """Whether a non-interrupting boundary event with this definition can fire again."""
    if isinstance(event_definition, MultipleEventDefinition):
        return all(rearms(each) for each in event_definition.event_definitions)
    return isinstance(event_definition, REARMING)


def embedded_subprocess_data(activity) -> dict:
    """What the completed tasks of ``activity``'s embedded subprocess set, oldest first (not
    the subprocess's own local variables)."""
    if isinstance(activity.task_spec, MappedCallActivity):
        return {}
    subprocess = activity.workflow.top_workflow.subprocesses.get(activity.id)
    if subprocess is None:
        return {}
    done = subprocess.get_tasks(state=TaskState.COMPLETED)
    merged = {}
    for task in sorted(done, key=lambda t: t.last_state_change):
        merged.update(task.data)
    for name in local_values(activity):  # its input parameters end with it
        merged.pop(name, None)
    return merged


class CamundaBoundaryEvent(BoundaryEvent):
    def _run_hook(self, my_task):
        split = my_task.parent
        if split is not None and isinstance(split.task_spec, BoundaryEventSplit):
            for activity in split.children:
                if not isinstance(activity.task_spec, BoundaryEvent):
                    my_task.data.update(embedded_subprocess_data(activity))
        return super()._run_hook(my_task)

    def _on_ready_hook(self, my_task):
        super()._on_ready_hook(my_task)
        if self.cancel_activity or not rearms(self.event_definition):
            return
        split = my_task.parent
        if split is None or not isinstance(split.task_spec, BoundaryEventSplit):
            return
        if any(
            not isinstance(sibling.task_spec, BoundaryEvent)
            and sibling.has_state(TaskState.FINISHED_MASK)
            for sibling in split.children
        ):
            return
        fresh = split._add_child(self, TaskState.MAYBE)
        self._update(fresh)

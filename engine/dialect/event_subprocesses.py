"""Event subprocesses as Camunda 7 runs them: started by their event, never before.

SpiffWorkflow 3.2 reads only message, signal, timer and conditional definitions on a start
event, so an error or escalation start event becomes a none start event: the event subprocess
then runs as soon as its scope starts, its handler's tasks waiting in inboxes before anything
is thrown. Here those start events keep their definition, so the subprocess is only a trigger
of its scope, started when its event is caught.

An event subprocess started by a message or a signal is armed when its scope starts: its start
event waits like any catch event (so the message is a subscription of the running instance,
in a called process or an embedded subprocess too), and a non-interrupting one re-arms each time
it fires. A scope ends without waiting for its armed event subprocesses, and cancels them.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.parser.event_parsers import (
    CONDITIONAL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TIMER_EVENT_XPATH,
)
from SpiffWorkflow.bpmn.specs.control import _EndJoin
from SpiffWorkflow.bpmn.specs.defaults import CallActivity, StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

HANDLER_START_EVENTS = [
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TIMER_EVENT_XPATH,
    CONDITIONAL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
]


def in_event_subprocess(node) -> bool:
    """Whether a start event ``node`` starts an event subprocess (``triggeredByEvent``)."""
    parent = node.getparent()
    return parent is not None and parent.get("triggeredByEvent") == "true"


class HandlerStartEventParser:
    """For the start event parser: an event subprocess's start event keeps its error or
    escalation definition, and whether it interrupts its scope (``isInterrupting``)."""

    def create_task(self):
        if not in_event_subprocess(self.node):
            return super().create_task()
        task = EventSubprocessStart(
            self.spec,
            self.bpmn_id,
            event_definition=self.get_event_definition(HANDLER_START_EVENTS),
            **self.bpmn_attributes,
        )
        task.interrupting = self.node.get("isInterrupting", "true") != "false"
        self.spec.start.connect(task)
        return task


ARMED = (MessageEventDefinition, SignalEventDefinition)


def arm_event_subprocesses(spec, parser) -> None:
    """Connect the message and signal event subprocesses of process ``spec`` to its start, so
    each is armed (waiting for its event) as soon as the scope starts; wire the others so that
    starting them later does not rewrite the shared spec (SpiffWorkflow connects on first use)."""
    for name in list(spec.start.trigger_specs):
        handler = spec.task_specs[name]
        handler_spec = parser.process_parsers[name].get_spec()
        if all(isinstance(s.event_definition, ARMED) for s in handler_spec.bpmn_start_events):
            spec.start.trigger_specs.remove(name)
            spec.start.connect(handler)
        else:
            handler._connect_notify(spec.start)
        handler.connect(spec.end)


class EventSubprocess(CallActivity):
    """An event subprocess: when its event starts it, it leads to its scope's end join.

    SpiffWorkflow adds a triggered event subprocess's task with no path onward predicted, so
    the scope would never end after it; the path to the end join is predicted here.
    """

    def _predict_hook(self, my_task):
        state = TaskState.FUTURE if my_task.has_state(TaskState.DEFINITE_MASK) else my_task.state
        my_task._sync_children(self.outputs, state)
        for child in my_task.children:
            child.task_spec._predict(child, mask=TaskState.FUTURE | TaskState.PREDICTED_MASK)

    def _update_hook(self, my_task):
        if not my_task.children:
            self._predict_hook(my_task)
        return super()._update_hook(my_task)


def is_dormant(task) -> bool:
    """Whether ``task`` is an event subprocess still waiting for its event (a timer, say)."""
    if not isinstance(task.task_spec, EventSubprocess):
        return False
    handler = task.workflow.top_workflow.subprocesses.get(task.id)
    return handler is not None and any(
        isinstance(start.task_spec, EventSubprocessStart)
        for start in handler.get_tasks(state=TaskState.WAITING)
    )


class ScopeEndJoin(_EndJoin):
    """A scope's end: it waits for all its work but not for event subprocesses whose event has
    not occurred, and cancels those when the scope ends (Camunda: they end with their scope)."""

    def _check_threshold_unstructured(self, my_task):
        waiting = [
            task
            for task in my_task.workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK)
            if task.workflow is my_task.workflow
        ]
        settled = [task for task in waiting if is_dormant(task) or task.task_spec is self]
        return all(any(task is s or task.is_descendant_of(s) for s in settled) for task in waiting)

    def _run_hook(self, my_task):
        for task in my_task.workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK):
            if task.workflow is my_task.workflow and is_dormant(task):
                task.cancel()
        return super()._run_hook(my_task)


def scope_data(scope) -> dict:
    """The process variables of ``scope`` now: what its completed tasks set, oldest first."""
    merged = dict(scope.task_tree.data)
    done = [t for t in scope.get_tasks(state=TaskState.COMPLETED) if t.workflow is scope]
    for task in sorted(done, key=lambda t: t.last_state_change):
        merged.update(task.data)
    return merged


def interrupt_scope(scope, handler) -> None:
    """Cancel all of ``scope``'s work except the event subprocess task ``handler``."""
    keep = {task.id for task in handler} | {handler.id}
    parent = handler.parent
    while parent is not None:
        keep.add(parent.id)
        parent = parent.parent
    for task in scope.get_tasks(state=TaskState.NOT_FINISHED_MASK):
        if task.workflow is not scope or task.id in keep:
            continue
        if not task.has_state(TaskState.FINISHED_MASK):
            task.cancel()


class EventSubprocessStart(StartEvent):
    """The start event of an event subprocess: when its event occurs, the handler sees the
    process variables as they are then and, if it interrupts, cancels the rest of its scope."""

    interrupting = True

    def _run_hook(self, my_task):
        scope = my_task.workflow.parent_workflow
        handler = scope.get_task_from_id(my_task.workflow.parent_task_id)
        my_task.data = {**scope_data(scope), **my_task.data}
        if self.interrupting:
            interrupt_scope(scope, handler)
        elif isinstance(self.event_definition, ARMED):
            scope.spec.start.trigger_wf(scope.task_tree, handler.task_spec.name)
        return super()._run_hook(my_task)

"""What a waiting instance waits for: each timer and message it may catch, with its index key.

A catch event (or a boundary event, or a receive task) waits for its own event. An event-based
gateway waits for all its catch events at once, the first to occur winning (Camunda 7): each is
indexed under the gateway's predicted child task for that event, so every awaited event has a
row of its own and the losers' rows go when the gateway fires.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.base import EventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import EventBasedGateway
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.util.task import TaskState

from ..dialect.timers import due_time_of


def awaited_events(task) -> Iterator[tuple[str, TaskSpec, EventDefinition]]:
    """(index key, catch element, event definition) for each event a waiting task awaits.

    Signal subscriptions may be indexed from here too (signals after an event-based gateway).
    """
    spec = task.task_spec
    if isinstance(spec, EventBasedGateway):
        definitions = spec.event_definition.event_definitions
        for child, definition in zip(task.children, definitions, strict=False):
            yield str(child.id), child.task_spec, definition
        return
    definition = getattr(spec, "event_definition", None)
    if definition is not None:
        yield str(task.id), spec, definition


def waiting_events(workflow: BpmnWorkflow) -> tuple[dict, dict]:
    """Waiting timers (key -> (element, definition, due)) and message catches
    (key -> (element, message name))."""
    timers: dict[str, tuple[TaskSpec, TimerEventDefinition, datetime]] = {}
    messages: dict[str, tuple[TaskSpec, str]] = {}
    for task in workflow.get_tasks(state=TaskState.WAITING):
        for key, element, definition in awaited_events(task):
            if isinstance(definition, TimerEventDefinition):
                due = due_time_of(task)
                if due is not None:
                    timers[key] = (element, definition, due)
            elif isinstance(definition, MessageEventDefinition):
                messages[key] = (element, definition.name)
    return timers, messages

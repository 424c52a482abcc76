"""Errors and escalations caught by the nearest scope that handles them, as Camunda 7 does.

A BPMN error or escalation travels outward from the scope that throws it (an embedded
subprocess, a called process, the process itself) until a boundary event or an event
subprocess of some scope catches it. SpiffWorkflow 3.2 looks for boundary events scope by
scope but starts event subprocesses only for the top process; here each scope's event
subprocesses are tried in turn, so an error event subprocess in a called process or an
embedded subprocess catches what is thrown inside it. An error nobody catches ends its path
like a none end event; an escalation nobody catches is ignored (Camunda's rules for both).
"""

from __future__ import annotations

from copy import deepcopy

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    ErrorEventDefinition,
    EscalationEventDefinition,
)
from SpiffWorkflow.bpmn.util.event import BpmnEvent


def _caught_by_waiting_task(scope, event) -> bool:
    manager = scope.top_workflow.event_manager
    return any(
        task.workflow is scope and task.task_spec.event_definition.catches(task, event)
        for task in manager.tasks.values()
    )


def _handler_start(scope, event):
    """The name of ``scope``'s event subprocess whose start event catches ``event``, if any."""
    for name in scope.spec.start.trigger_specs:
        handler_spec = scope.top_workflow.subprocess_specs.get(name)
        for start in handler_spec.bpmn_start_events if handler_spec else ():
            if start.event_definition == event.event_definition:
                return name
    return None


def _start_handler(scope, name: str, event) -> None:
    """Start ``scope``'s event subprocess ``name`` and deliver ``event`` to its start event."""
    handler_id = scope.spec.start.trigger_wf(scope.task_tree, name)
    handler = scope.top_workflow.subprocesses[handler_id]
    scope.top_workflow.catch(BpmnEvent(event.event_definition, event.payload, target=handler))


class ScopedThrow:
    """For a code event definition (error, escalation): the throw described above."""

    def throw(self, my_task):
        event = BpmnEvent(self, payload=deepcopy(my_task.data), target=my_task.workflow)
        scope = my_task.workflow
        while scope is not None:
            if _caught_by_waiting_task(scope, event):
                event.target = scope
                scope.top_workflow.catch(event)
                return
            name = _handler_start(scope, event)
            if name is not None and not scope.is_completed():
                _start_handler(scope, name, event)
                return
            scope = scope.parent_workflow


class ScopedErrorEventDefinition(ScopedThrow, ErrorEventDefinition):
    pass


class ScopedEscalationEventDefinition(ScopedThrow, EscalationEventDefinition):
    pass


def scoped(definition):
    """The scoped version of a parsed error or escalation definition."""
    cls = {
        ErrorEventDefinition: ScopedErrorEventDefinition,
        EscalationEventDefinition: ScopedEscalationEventDefinition,
    }[type(definition)]
    return cls(definition.name, definition.code, description=definition.description)

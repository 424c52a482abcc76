"""Errors and escalations caught by the nearest scope that handles them, as Camunda 7 does.

A BPMN error or escalation travels outward from the scope that throws it (an embedded
subprocess, a called process, the process itself): at each level an event subprocess of the
scope, then a boundary event on the activity the error is leaving, may catch it (one naming
its code before a catch-all). SpiffWorkflow 3.2 hands it to any waiting catch event of the
enclosing scope, so a boundary event on a sibling activity could catch it, and starts event
subprocesses only for the top process. An error nobody catches ends its path
like a none end event; an escalation nobody catches is ignored (Camunda's rules for both).
Leaving a called process, what the error carries is mapped by the call activity's output
mappings, as Camunda maps variables to the calling instances while it propagates an error.

A catching event may name ``camunda:errorCodeVariable`` and ``camunda:errorMessageVariable``
(errors) or ``camunda:escalationCodeVariable`` (escalations): the caught code, and the error's
``camunda:errorMessage`` (evaluated where it is thrown), are set in those variables.
"""

from __future__ import annotations

from copy import deepcopy
from types import SimpleNamespace

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    ErrorEventDefinition,
    EscalationEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from ..expressions import is_expression
from .call_activities import MappedCallActivity

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"


def _boundary_catchers(activity, event) -> list:
    """The waiting boundary events on ``activity`` (a subprocess or call activity task, or one
    instance of a multi-instance one) that catch ``event``: those naming its code, else the
    catch-alls (Camunda tries a matching code before a catch-all)."""
    while activity.parent is not None and isinstance(activity.parent.task_spec, LoopTask):
        activity = activity.parent
    split = activity.parent
    if split is None or not isinstance(split.task_spec, BoundaryEventSplit):
        return []
    catching = [
        task
        for task in split.children
        if isinstance(task.task_spec, BoundaryEvent)
        and task.has_state(TaskState.WAITING)
        and task.task_spec.event_definition.catches(task, event)
    ]
    named = [task for task in catching if task.task_spec.event_definition.code is not None]
    return named or catching


def _handler_start(scope, event, leaving=None):
    """The name of ``scope``'s event subprocess whose start event catches ``event``, if any
    (one naming the code before a catch-all); never the event subprocess it is ``leaving``."""
    found = []
    for name in scope.spec.start.trigger_specs:
        if leaving is not None and leaving.task_spec.name == name:
            continue
        handler_spec = scope.top_workflow.subprocess_specs.get(name)
        for start in handler_spec.bpmn_start_events if handler_spec else ():
            if start.event_definition == event.event_definition:
                found.append((start.event_definition.code is None, name))
    return min(found)[1] if found else None


def _start_handler(scope, name: str, event) -> None:
    """Start ``scope``'s event subprocess ``name`` and deliver ``event`` to its start event."""
    handler_id = scope.spec.start.trigger_wf(scope.task_tree, name)
    handler = scope.top_workflow.subprocesses[handler_id]
    event.target = handler
    scope.top_workflow.catch(event)


def _into_caller(scope, payload: dict) -> dict:
    """The variables ``payload`` (set in ``scope``) as they reach the scope above it: through
    a call activity's output mappings, or unchanged out of an embedded subprocess."""
    parent = scope.parent_workflow
    if parent is None:
        return payload
    call = parent.get_task_from_id(scope.parent_task_id)
    if not isinstance(call.task_spec, MappedCallActivity):
        return payload
    stand_in = SimpleNamespace(data=deepcopy(call.data), workflow=parent, task_spec=call.task_spec)
    last_task, scope.last_task = scope.last_task, SimpleNamespace(data=payload)
    try:
        call.task_spec.update_data(stand_in, scope)
    finally:
        scope.last_task = last_task
    return stand_in.data


class ScopedThrow:
    """For a code event definition (error, escalation): the throw described above, and the
    code (and message) variables of the catch."""

    code_variable: str | None = None
    message_variable: str | None = None
    message: str | None = None

    def throw(self, my_task):
        event = BpmnEvent(self, payload=deepcopy(my_task.data), target=my_task.workflow)
        event.message = self._message(my_task)
        scope, activity = my_task.workflow, None
        while scope is not None:
            catchers = _boundary_catchers(activity, event) if activity is not None else []
            for catcher in catchers:
                catcher.task_spec.catch(catcher, event)
                catcher.task_spec._update(catcher)
            if catchers:
                return
            name = _handler_start(scope, event, activity)
            if name is not None and not scope.is_completed():
                _start_handler(scope, name, event)
                return
            event.payload = _into_caller(scope, event.payload)
            parent = scope.parent_workflow
            activity = parent.get_task_from_id(scope.parent_task_id) if parent else None
            scope = parent

    def _message(self, my_task):
        if self.message is None or not is_expression(self.message):
            return self.message
        return my_task.workflow.script_engine.evaluate(my_task, self.message)

    def catch(self, my_task, event=None):
        super().catch(my_task, event)
        my_task.internal_data["caught_code"] = getattr(event.event_definition, "code", None)
        my_task.internal_data["caught_message"] = getattr(event, "message", None)

    def update_task_data(self, my_task):
        super().update_task_data(my_task)
        if self.code_variable:
            my_task.data[self.code_variable] = my_task.internal_data.get("caught_code")
        if self.message_variable:
            my_task.data[self.message_variable] = my_task.internal_data.get("caught_message")


class ScopedErrorEventDefinition(ScopedThrow, ErrorEventDefinition):
    pass


class ScopedEscalationEventDefinition(ScopedThrow, EscalationEventDefinition):
    pass


def scoped(definition, node, declaration=None):
    """The scoped version of a parsed error or escalation definition read from ``node``, with
    the ``bpmn:error`` or ``bpmn:escalation`` it refers to (for the error message)."""
    cls = {
        ErrorEventDefinition: ScopedErrorEventDefinition,
        EscalationEventDefinition: ScopedEscalationEventDefinition,
    }[type(definition)]
    result = cls(definition.name, definition.code, description=definition.description)
    kind = "error" if cls is ScopedErrorEventDefinition else "escalation"
    result.code_variable = node.get(f"{{{CAMUNDA_NS}}}{kind}CodeVariable")
    result.message_variable = node.get(f"{{{CAMUNDA_NS}}}errorMessageVariable")
    if declaration is not None:
        result.message = declaration.get(f"{{{CAMUNDA_NS}}}errorMessage")
    return result


def declaration_of(node, kind: str):
    """The ``bpmn:error``/``bpmn:escalation`` element an event definition ``node`` refers to."""
    ref = node.get(f"{kind}Ref")
    if not ref:
        return None
    found = node.getroottree().getroot().findall(f"{{{BPMN_NS}}}{kind}")
    return next((item for item in found if item.get("id") == ref), None)

"""Signals as Camunda 7 throws them: a broadcast beyond the instance, carrying no variables.

SpiffWorkflow delivers a thrown signal inside the throwing workflow and only lets it out when
nothing there catches it, with a copy of all the thrower's data as payload. In Camunda 7 a
signal reaches every subscription of its name in every instance (``engine.signals`` does the
rest) and passes no variables to other instances unless told to. So a throw here is caught
inside the instance as before and is always kept, without the data, for the broadcast.
"""

from __future__ import annotations

from copy import deepcopy

from SpiffWorkflow.bpmn.parser.event_parsers import (
    CANCEL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TERMINATION_EVENT_XPATH,
)
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent

from ..expressions import is_expression


class BroadcastSignalEventDefinition(SignalEventDefinition):
    """A signal caught in the throwing instance and also broadcast to every other one.

    A name with ``${...}`` (Camunda 7 allows it: ``baby_born_${case_ref}``) is evaluated on
    the data of the task that throws or waits, so a diagram can scope a signal to one case.
    """

    def name_for(self, my_task) -> str:
        """The signal's name as this task throws or waits for it."""
        if not is_expression(self.name):
            return self.name
        return str(my_task.workflow.script_engine.evaluate(my_task, self.name))

    def catches(self, my_task, event):
        thrown = event.event_definition
        return isinstance(thrown, SignalEventDefinition) and thrown.name == self.name_for(my_task)

    def throw(self, my_task):
        thrown = BroadcastSignalEventDefinition(self.name_for(my_task))
        top = my_task.workflow.top_workflow
        # Inside the instance the catcher sees the thrower's data, as Camunda's process
        # variables are shared by every branch; other instances receive no variables.
        top.event_manager.catch(BpmnEvent(thrown, payload=deepcopy(my_task.data)), internal=False)
        top.bpmn_events.append(BpmnEvent(thrown, payload={}))


def take_thrown_signals(workflow) -> list[str]:
    """The names of the signals this step threw, removed from the workflow's outgoing events."""
    signals, others = [], []
    for event in workflow.bpmn_events:
        target = signals if isinstance(event.event_definition, SignalEventDefinition) else others
        target.append(event)
    workflow.bpmn_events = others
    return [event.event_definition.name for event in signals]


END_EVENT_DEFINITIONS = [
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    CANCEL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
    TERMINATION_EVENT_XPATH,
]


class SignalEndEvents:
    """An end event parser that keeps signal end events: SpiffWorkflow's reads no signal
    definition on an end event, so a signal end event would end silently without throwing."""

    def create_task(self):
        task = self._create_task(self.get_event_definition(END_EVENT_DEFINITIONS))
        task.connect(self.spec.end)
        return task

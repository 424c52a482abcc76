"""Message events as Camunda 7 runs them.

- A caught message's variables become process variables (correlation with variables).
- A message intermediate throw or end event with no implementation does nothing: in Camunda 7
  it is a service task that calls nobody, and it never delivers to other instances (nor to
  this one). Implementations (Java, beans, external workers) are refused at deploy.
- A receive task with a ``messageRef`` waits for that message like a message catch event.
- A process's own message start event starts it straight away: correlating its message starts
  the process with the message's variables (``engine.message_starts``), and a start by hand
  goes through it as Camunda 7 does when it is the only start event (deploy checks that).
"""

from __future__ import annotations

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition


class VariablesMessageEventDefinition(MessageEventDefinition):
    """A message whose payload, when it is a dict and no result variable is named, becomes
    process variables (as Camunda's message correlation with variables does)."""

    def update_task_data(self, my_task):
        event_data = my_task.internal_data.get(self.name) or {}
        payload, result_var = event_data.get("payload"), event_data.get("result_var")
        if result_var is None and isinstance(payload, dict):
            my_task.data.update(payload)
        elif result_var is not None:
            my_task.data[result_var] = payload

    def update_internal_data(self, my_task, event):
        my_task.internal_data[self.name] = event.payload


class SilentMessageEventDefinition(VariablesMessageEventDefinition):
    """The message of a throw or end event: throwing it does nothing (Camunda 7)."""

    def throw(self, my_task):
        """Nothing is sent; a message reaches an instance only by correlation."""


def message_definition(definition, throwing: bool) -> VariablesMessageEventDefinition:
    """Our message definition for a parsed one: silent when the element throws it."""
    dialect_class = SilentMessageEventDefinition if throwing else VariablesMessageEventDefinition
    return dialect_class(
        definition.name,
        definition.correlation_properties,
        definition.expression,
        definition.result_var,
        description=definition.description,
    )


def start_at_once(task, node: etree._Element) -> None:
    """Make a process's own message start event start it without waiting (its message name
    stays in ``start_message``); an event subprocess's message start keeps waiting."""
    definition = task.event_definition
    if not isinstance(definition, MessageEventDefinition):
        return
    if etree.QName(node.getparent()).localname == "process":
        task.start_message = definition.name
        task.event_definition = NoneEventDefinition()

"""Message events as Camunda 7 runs them.

- A caught message's variables become process variables (correlation with variables).
- A message intermediate throw or end event with no implementation does nothing: in Camunda 7
  it is a service task that calls nobody, and it never delivers to other instances (nor to
  this one). Implementations (Java, beans, external workers) are refused at deploy.
- A receive task with a ``messageRef`` waits for that message like a message catch event.
"""

from __future__ import annotations

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

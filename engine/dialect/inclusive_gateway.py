"""Inclusive gateways as Camunda 7 runs them.

Diverging, Camunda takes every outgoing flow whose condition is true, and a flow without a
condition always (its inclusive gateway behaviour evaluates only the conditions there are); the
default flow is taken only when no other is. SpiffWorkflow 3.2 refuses a flow without a
condition as it would on an exclusive gateway. Converging, the gateway waits for every token
that can still reach it (SpiffWorkflow's rule, which is Camunda's), and like our parallel
gateway it leaves the work of other tokens that passed it alone.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.task_parsers import ConditionalGatewayParser
from SpiffWorkflow.bpmn.specs.defaults import InclusiveGateway
from SpiffWorkflow.operators import Operator
from SpiffWorkflow.util.task import TaskState

from .gateways import join_tokens_safely


class AlwaysTaken(Operator):
    """The condition of an outgoing flow that has none: it is always taken."""

    def __init__(self):
        super().__init__("always")

    def _matches(self, task):
        return True


class InclusiveGatewayParser(ConditionalGatewayParser):
    """A non-default outgoing flow without a condition is always taken."""

    def connect_outgoing(self, outgoing_task, sequence_flow_node, is_default):
        if not is_default and self.parse_condition(sequence_flow_node) is None:
            self.task.connect_if(AlwaysTaken(), outgoing_task)
        else:
            super().connect_outgoing(outgoing_task, sequence_flow_node, is_default)


class TokenSafeInclusiveGateway(InclusiveGateway):
    def _run_hook(self, my_task):
        join_tokens_safely(self, my_task)
        matches, defaults = self._get_matching_outputs(my_task)
        if not matches and not defaults:
            raise WorkflowTaskException(
                "no outgoing flow's condition is true and the gateway has no default flow",
                task=my_task,
            )
        my_task._sync_children(matches or defaults, TaskState.FUTURE)
        for child in my_task.children:
            child.task_spec._predict(child, mask=TaskState.FUTURE | TaskState.PREDICTED_MASK)
        return True

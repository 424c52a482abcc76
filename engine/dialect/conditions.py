"""Sequence-flow conditions as Camunda 7 judges them: true or false, and nothing else.

Camunda fails the step with "condition expression returns non-Boolean" when a condition gives
text, a number or nothing; SpiffWorkflow would take any truthy value. A condition that gives
something else fails with a ProcessError naming the sequence flow and what it gave.
"""

from __future__ import annotations

import ast

from SpiffWorkflow.bpmn.specs.bpmn_task_spec import _BpmnCondition

from ..errors import ProcessError
from ..expressions import ExpressionError, translate

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


class BooleanCondition(_BpmnCondition):
    """A flow's condition that must give true or false; ``flow_id`` names the flow."""

    flow_id: str | None = None
    flow_line: int | None = None

    def _matches(self, task):
        value = super()._matches(task)
        if _word_logic(self.args[0]):
            value = _el_boolean(value)
        if isinstance(value, bool):
            return value
        gateway = task.task_spec.bpmn_id
        raise ProcessError(
            f"the condition {self.args[0]} of sequence flow '{self.flow_id}' leaving "
            f"'{gateway}' gave {type(value).__name__} {value!r:.60}, not true or false "
            "(Camunda: condition expression returns non-Boolean); write a comparison, "
            "e.g. ${not empty name} or ${name == 'value'}",
            self.flow_id or gateway,
            self.flow_line,
        )


def _word_logic(text: str) -> bool:
    """Whether the condition's outermost operator is ``and``/``or``: in EL they give true or
    false, reading each side as EL does, while the Python words give back a side (``None``)."""
    try:
        return isinstance(ast.parse(translate(text), mode="eval").body, ast.BoolOp)
    except (SyntaxError, ExpressionError):
        return False


def _el_boolean(value):
    """EL's coercion to Boolean: null and "" are false, text is true only when it says so."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.lower() == "true"
    return value


def boolean_conditions(process_node, task_specs) -> None:
    """Make every flow condition among ``task_specs`` a BooleanCondition (in place)."""
    for task_spec in task_specs:
        for condition, target in getattr(task_spec, "cond_task_specs", ()):
            if type(condition) is _BpmnCondition:
                condition.__class__ = BooleanCondition
                flow = _flow(process_node, task_spec.name, target, condition)
                if flow is not None:
                    condition.flow_id, condition.flow_line = flow.get("id"), flow.sourceline


def _flow(process_node, source: str, target: str, condition):
    for flow in process_node.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        if flow.get("sourceRef") == source and flow.get("targetRef") == target:
            expression = flow.find(f"{{{BPMN_NS}}}conditionExpression")
            if expression is None or (expression.text or "").strip() == condition.args[0]:
                return flow
    return None

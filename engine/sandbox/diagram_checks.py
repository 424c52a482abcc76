"""Deploy-time checks for every piece of diagram text SpiffWorkflow 3.2 would evaluate.

``engine.validation`` checks the elements our processes use every day (conditions, timers,
user-task attributes, scripts). This module covers the rest of what SpiffWorkflow evaluates —
loop and multi-instance expressions, conditional events, message payloads
(``camunda:expression``) and our convention properties holding ``${...}`` — and refuses, with
file, element and line, the two constructs Camunda 7 does not run and SpiffWorkflow would
evaluate outside any engine hook: ad-hoc subprocesses and message correlation properties.
"""

from __future__ import annotations

from lxml import etree

from ..dialect.conventions import CONVENTION_KEYS
from ..errors import Problem
from ..validation import CAMUNDA_NS, NS, expression_problem, problem_at

# (xpath, what the text is) for BPMN text SpiffWorkflow evaluates outside engine.validation
EVALUATED_TEXT = (
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", "loop cardinality"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition", "completion condition"),
    (".//bpmn:standardLoopCharacteristics/bpmn:loopCondition", "loop condition"),
    (".//bpmn:conditionalEventDefinition/bpmn:condition", "event condition"),
)
REFUSED = (
    (
        ".//bpmn:adHocSubProcess",
        "ad-hoc subprocesses are not supported: Camunda 7 does not run them; model the optional "
        "steps with an inclusive or event-based gateway",
    ),
    (
        ".//bpmn:correlationProperty | .//bpmn:correlationKey | .//bpmn:correlationSubscription",
        "message correlation properties are not supported: Camunda 7 correlates a message by "
        "its name and the business key; remove the correlation property",
    ),
)
# our camunda:properties conventions: values holding ${...} are evaluated when the element runs
CONVENTION_PROPERTIES = (
    ".//camunda:property[" + " or ".join(f"@name='{key}'" for key in CONVENTION_KEYS) + "]"
)
MESSAGE_PAYLOADS = ".//bpmn:messageEventDefinition[@camunda:expression]"


def check_evaluated_text(tree: etree._Element, filename: str) -> list[Problem]:
    """Problems in a BPMN document's loop, event and refused elements (empty when fine)."""
    problems = []
    for path, message in REFUSED:
        problems += [
            problem_at(filename, node, message) for node in tree.xpath(path, namespaces=NS)
        ]
    for path, what in EVALUATED_TEXT:
        for node in tree.xpath(path, namespaces=NS):
            text = (node.text or "").strip()
            if not text:
                problems.append(problem_at(filename, node, f"the {what} is empty"))
            elif message := expression_problem(text):
                problems.append(problem_at(filename, node, f"{what}: {message}"))
    return problems + _attribute_problems(tree, filename)


def _attribute_problems(tree: etree._Element, filename: str) -> list[Problem]:
    """Message payloads (``camunda:expression``) and convention properties with ``${...}``."""
    found = [
        (node, node.get(f"{{{CAMUNDA_NS}}}expression"), "message payload")
        for node in tree.xpath(MESSAGE_PAYLOADS, namespaces=NS)
    ]
    found += [
        (node, node.get("value"), f"property '{node.get('name')}'")
        for node in tree.xpath(CONVENTION_PROPERTIES, namespaces=NS)
        if "${" in (node.get("value") or "")
    ]
    return [
        problem_at(filename, node, f"{what}: {message}")
        for node, text, what in found
        if (message := expression_problem(text, template=True))
    ]

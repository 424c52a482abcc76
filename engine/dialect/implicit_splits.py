"""Camunda 7's implicit split: an activity with several outgoing sequence flows.

Camunda 7 leaves an activity by every outgoing flow without a condition and every flow whose
condition holds (its default flow only when none does): a parallel split when no flow has a
condition, an inclusive one otherwise. SpiffWorkflow lets a task have one outgoing flow, so
before a diagram is parsed such an activity gets that gateway drawn right after it.
"""

from __future__ import annotations

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import full_tag

ACTIVITIES = {
    full_tag(tag)
    for tag in (
        "task",
        "userTask",
        "serviceTask",
        "scriptTask",
        "sendTask",
        "receiveTask",
        "manualTask",
        "businessRuleTask",
        "callActivity",
        "subProcess",
        "transaction",
    )
}
SCOPES = (full_tag("process"), full_tag("subProcess"), full_tag("transaction"))


def add_implicit_splits(tree: etree._Element) -> None:
    """Draw a gateway after each activity in ``tree`` that leaves by several sequence flows."""
    for scope in tree.iter(*SCOPES):
        flows = scope.findall(full_tag("sequenceFlow"))
        for activity in [node for node in scope if node.tag in ACTIVITIES]:
            outgoing = [f for f in flows if f.get("sourceRef") == activity.get("id")]
            if len(outgoing) > 1:
                _split_after(scope, activity, outgoing)


def _split_after(scope, activity, outgoing: list) -> None:
    conditional = any(f.find(full_tag("conditionExpression")) is not None for f in outgoing)
    kind = "inclusiveGateway" if conditional else "parallelGateway"
    split_id = f"{activity.get('id')}_split"
    split = etree.SubElement(scope, full_tag(kind), id=split_id)
    if activity.get("default"):
        split.set("default", activity.attrib.pop("default"))
    for flow in outgoing:
        flow.set("sourceRef", split_id)
    etree.SubElement(
        scope,
        full_tag("sequenceFlow"),
        id=f"{activity.get('id')}_to_split",
        sourceRef=activity.get("id"),
        targetRef=split_id,
    )

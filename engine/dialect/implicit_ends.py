"""Camunda 7's implicit end in an embedded subprocess drawn without an end event.

Camunda 7 ends a path where a flow node has no outgoing sequence flow, and completes the
subprocess when every path has ended. SpiffWorkflow needs an end event in a subprocess, so
before the subprocess is parsed each such node gets its own end event (and a flow to it).
"""

from __future__ import annotations

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import full_tag

from .implicit_splits import ACTIVITIES

FLOW_NODES = ACTIVITIES | {
    full_tag(tag)
    for tag in (
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "startEvent",
    )
}


def add_implicit_ends(subprocess: etree._Element) -> None:
    """Give each path of ``subprocess`` that just stops an end event, when it has none drawn."""
    if subprocess.find(full_tag("endEvent")) is not None:
        return
    sources = {flow.get("sourceRef") for flow in subprocess.iterfind(full_tag("sequenceFlow"))}
    dangling = [
        node
        for node in subprocess
        if node.tag in FLOW_NODES
        and node.get("id") not in sources
        and node.get("triggeredByEvent") != "true"
    ]
    for node in dangling:
        end_id = f"{node.get('id')}_implicit_end"
        etree.SubElement(subprocess, full_tag("endEvent"), id=end_id)
        etree.SubElement(
            subprocess,
            full_tag("sequenceFlow"),
            id=f"{node.get('id')}_to_implicit_end",
            sourceRef=node.get("id"),
            targetRef=end_id,
        )

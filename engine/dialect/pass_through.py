"""Elements Camunda 7 passes straight through: untyped tasks, manual tasks and link events.

SpiffWorkflow makes ``bpmn:task`` and ``bpmn:manualTask`` manual (they wait for someone to
complete them, though nobody is offered them), and does not know link events at all.
"""

from __future__ import annotations

from lxml import etree
from SpiffWorkflow.bpmn.specs.defaults import ManualTask, NoneTask

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
LINK_DEFINITION = f"{{{BPMN_NS}}}linkEventDefinition"
LINK_CATCH = f"{{{BPMN_NS}}}intermediateCatchEvent"


class PassThroughTask(NoneTask):
    """``bpmn:task``: completes as soon as it is reached, as in Camunda 7."""

    def __init__(self, wf_spec, bpmn_id, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


class PassThroughManualTask(ManualTask):
    """``bpmn:manualTask``: done outside the engine, so Camunda 7 passes straight through."""

    def __init__(self, wf_spec, bpmn_id, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


def link_name(event: etree._Element) -> str | None:
    """The name of the event's link event definition, or None when it is not a link event."""
    definition = event.find(LINK_DEFINITION)
    return None if definition is None else (definition.get("name") or "")


def link_catches(scope: etree._Element, name: str) -> list[etree._Element]:
    """The link catch events called ``name`` directly in ``scope`` (a process or subprocess)."""
    return [event for event in scope.iterchildren(LINK_CATCH) if link_name(event) == name]


class LinkThrowing:
    """Mixin for the intermediate throw event parser: a link throw event continues at the link
    catch event of the same name in the same process or subprocess (Camunda 7's "go to")."""

    def parse_node(self):
        spec = super().parse_node()
        name = link_name(self.node)
        if name is not None:
            for catch in link_catches(self.node.getparent(), name)[:1]:
                spec.connect(self.process_parser.parse_node(catch))
        return spec

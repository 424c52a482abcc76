"""Lanes as candidate groups: an opt-in, because Camunda 7 gives lanes no meaning.

With the process extension property ``lanes_are_groups`` = ``true``, a user task without
``camunda:candidateGroups`` is offered to the group its lane names (``practitioner``,
``police:manager``). Without it, as in Camunda, a lane is only a drawing.
"""

from __future__ import annotations

from lxml import etree

from .extensions import property_text

LANES_ARE_GROUPS = "lanes_are_groups"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def owning_process(element: etree._Element) -> etree._Element | None:
    """The ``bpmn:process`` an element is drawn in (through any subprocesses)."""
    node = element
    while node is not None and node.tag != f"{{{BPMN_NS}}}process":
        node = node.getparent()
    return node


def lanes_are_groups(element: etree._Element) -> bool:
    """Whether the process around ``element`` opts in to lanes naming candidate groups."""
    process = owning_process(element)
    return process is not None and property_text(process, LANES_ARE_GROUPS) == "true"

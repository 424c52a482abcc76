"""What SpiffWorkflow's parser raises at deploy, told as a problem a process owner can act on.

Our own deploy checks (``engine.validation.check_bpmn``) refuse what we know first; this is the
safety net for the rest: it names the element and line the parser was reading and replaces
SpiffWorkflow's wording (or a Python exception) with what to change in Camunda Modeler.
"""

from __future__ import annotations

import re

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException

from ..errors import Problem
from ..resources import parse_xml
from ..validation import CAMUNDA_NS

ADVICE = {  # the start of SpiffWorkflow's message -> what to tell the process owner
    "A SubWorkflow Must contain an End event": "the subprocess has no end event: add one",
    "Multiple outgoing flows are not supported": (
        "the task has several outgoing sequence flows: draw a gateway after it"
    ),
    "No start event found": "the process has no start event: add one",
    "Exactly one start event is required": "the subprocess needs exactly one none start event",
    "A multiinstance task must specify a cardinality or a collection": (
        "the multi-instance activity needs a collection (camunda:collection) or a loop "
        "cardinality: set one under Multi-instance in Camunda Modeler"
    ),
    "Non-default exclusive outgoing sequence flow without condition": (
        "the sequence flow out of the exclusive gateway has no condition and is not its default "
        "flow: give it a condition, or make it the default flow (Camunda 7 would take it "
        "whenever the flows checked before it do not apply)"
    ),
    "Conditional event definition with missing condition": (
        "the conditional event has no condition: write one"
    ),
    "Data Store with name": "data stores cannot be used here: remove the data store",
    "When looking for a task spec, we found two items": (
        "a sequence flow points at an id used twice or at no element: check the ids"
    ),
    "Time Specification Error": "the timer has no valid date, duration or cycle",
    "Expected an error node": "the error reference names no declared error",
    "Expected an Escalation node": "the escalation reference names no declared escalation",
    "Expected a Message node": "the message reference names no declared message",
    "Expected a Signal node": "the signal reference names no declared signal",
}
UNREADABLE = "this diagram could not be read here"
# the keys lxml's ``node.attrib[...]`` raises for a missing attribute the parser needs
ATTRIBUTE_KEY = re.compile(r"^(\{[^}\s]+\}[A-Za-z_][\w.-]*|id|name)$")
PYTHON_REPR = re.compile(r"^\w+(Error|Exception)\(")  # SpiffWorkflow wraps some errors as repr


def parse_problem(filename: str, source: str, error: Exception) -> Problem:
    """The problem ``error`` (raised while parsing ``filename``) means for the process owner."""
    node = _node_being_parsed(error)
    element_id = getattr(error, "id", None) or (node.get("id") if node is not None else None)
    line = getattr(error, "line_number", None) or (node.sourceline if node is not None else None)
    if element_id and not line:
        line = _line_of(source, element_id)
    file_name = getattr(error, "file_name", None) or filename
    return Problem(file_name, _message(error, element_id), element_id or None, line or None)


def _message(error: Exception, element_id: str | None) -> str:
    text = str(error).split("\n")[0].strip()
    where = f" (at '{element_id}')" if element_id else ""
    for start, advice in ADVICE.items():
        if text.startswith(start):
            return advice
    if isinstance(error, KeyError) and error.args and ATTRIBUTE_KEY.match(str(error.args[0])):
        return f"{UNREADABLE}{where}: an element lacks the attribute '{_attribute(error)}'"
    if isinstance(error, SpiffWorkflowException) and text and not PYTHON_REPR.match(text):
        return f"{UNREADABLE}{where}: {text}"
    return f"{UNREADABLE}{where}: please report it with the file"


def _attribute(error: KeyError) -> str:
    name = etree.QName(error.args[0])
    return f"camunda:{name.localname}" if name.namespace == CAMUNDA_NS else name.localname


def _node_being_parsed(error: Exception):
    """The innermost BPMN element the parser held when ``error`` was raised, if any."""
    node = getattr(error, "node", None) if isinstance(error, ValidationException) else None
    if isinstance(node, etree._Element):
        return node
    found, trace = None, error.__traceback__
    while trace is not None:
        frame_locals = trace.tb_frame.f_locals
        candidate = frame_locals.get("node")
        owner = frame_locals.get("self")
        if not isinstance(candidate, etree._Element):
            candidate = getattr(owner, "node", None)
        if isinstance(candidate, etree._Element) and candidate.get("id"):
            found = candidate
        trace = trace.tb_next
    return found


def _line_of(source: str, element_id: str) -> int | None:
    nodes = parse_xml(source).xpath("//*[@id=$id]", id=element_id)
    return nodes[0].sourceline if nodes else None

"""Deploy checks for Camunda 7 extension elements: call-activity mappings, input/output
parameters, and what needs Java or a script language (listeners, connectors), which is refused.

Each problem names the file, element and line (``engine.validation.problem_at``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from ..dialect.io_mappings import IO_CONTAINERS
from ..errors import Problem
from ..expressions import is_expression
from ..validation import NS, expression_problem, problem_at

CALLERS_KEY = re.compile(r"^\s*[#$]\{\s*execution\.(processBusinessKey|businessKey)\s*\}\s*$")
VERSION_PINS = ("calledElementVersion", "calledElementVersionTag", "calledElementTenantId")
LISTENERS = {
    "executionListener": "an execution listener",
    "taskListener": "a task listener",
}
LISTENER_ADVICE = (
    "cannot run here: JoinedUp runs no listeners (Java classes, delegate expressions, scripts "
    "or expressions); do the work in a script task or a service task with camunda:properties "
    "conventions on the flow instead"
)
CONNECTOR_MESSAGE = (
    "camunda:connector (HTTP/SOAP connectors) cannot run here; use a service task with "
    "camunda:properties conventions (notify, record, ...) instead"
)
SCRIPT_PARAMETER_MESSAGE = (
    "a camunda:script value in an input/output parameter cannot run here; write the value as "
    "text, ${...}, camunda:list or camunda:map"
)


def check_extensions(tree: etree._Element, filename: str) -> Iterator[Problem]:
    """Every problem with call mappings, input/output parameters, listeners and connectors."""
    yield from _call_mappings(tree, filename)
    yield from _input_output(tree, filename)
    yield from _listeners(tree, filename)
    for connector in tree.iterfind(".//camunda:connector", NS):
        yield problem_at(filename, connector, CONNECTOR_MESSAGE)


def _call_mappings(tree, filename) -> Iterator[Problem]:
    for call in tree.iterfind(".//bpmn:callActivity", NS):
        if message := _call_target_problem(call):
            yield problem_at(filename, call, message)
        for direction in ("in", "out"):
            for mapping in call.iterfind(f"bpmn:extensionElements/camunda:{direction}", NS):
                if message := _mapping_problem(mapping, direction):
                    yield problem_at(filename, mapping, message)


def _call_target_problem(call) -> str | None:
    """What the call activity asks for that JoinedUp cannot do, or None."""
    called = call.get("calledElement") or ""
    if "${" in called or "#{" in called:
        return (
            f"calledElement '{called}' is an expression; name the called process's id (an "
            "exclusive gateway can choose between call activities)"
        )
    for attribute in ("variableMappingClass", "variableMappingDelegateExpression"):
        if call.get(f"{{{NS['camunda']}}}{attribute}"):
            return f"camunda:{attribute} needs Java, which cannot run here; use camunda:in/out"
    if call.get(f"{{{NS['camunda']}}}caseRef") or call.get("calledElement") is None:
        return "the call activity must name a process in calledElement (CMMN cases cannot run)"
    binding = (call.get(f"{{{NS['camunda']}}}calledElementBinding") or "latest").strip()
    pinned = [a for a in VERSION_PINS if call.get(f"{{{NS['camunda']}}}{a}")]
    if binding != "latest" or pinned:
        asked = f"calledElementBinding='{binding}'" if binding != "latest" else pinned[0]
        return (
            f"camunda:{asked} is not supported here: the called process is always its latest "
            "version deployed when the caller's instance starts"
        )
    return None


def _mapping_problem(mapping, direction: str) -> str | None:
    local = mapping.get("local")
    if local is not None and local.strip() not in ("true", "false"):
        return f"camunda:{direction} local='{local}' must be 'true' or 'false'"
    if mapping.get("variables") is not None:
        if mapping.get("variables") != "all":
            return f"camunda:{direction} variables='{mapping.get('variables')}' must be 'all'"
        return None
    if mapping.get("businessKey") is not None and direction == "in":
        return _business_key_problem(mapping.get("businessKey"))
    expression = mapping.get("sourceExpression")
    if not mapping.get("target") or not (mapping.get("source") or expression):
        return (
            f"camunda:{direction} needs a source (or sourceExpression) and a target, "
            'or variables="all"'
        )
    if expression and is_expression(expression):
        return expression_problem(expression, template=True)
    return None


def _business_key_problem(text: str) -> str | None:
    """A called process runs inside its caller's instance: it can only have the caller's key."""
    if CALLERS_KEY.match(text):
        return None
    return (
        f"camunda:in businessKey='{text}' cannot give the called process a business key of its "
        "own: it runs inside the caller's instance, under the caller's key; write "
        "#{execution.processBusinessKey} or remove the mapping"
    )


def _input_output(tree, filename) -> Iterator[Problem]:
    for mapping in tree.iterfind(".//camunda:inputOutput", NS):
        if etree.QName(mapping.getparent()).localname == "connector":
            continue  # the connector itself is refused
        kind = etree.QName(mapping.getparent().getparent()).localname
        if kind not in IO_CONTAINERS:
            yield problem_at(
                filename,
                mapping,
                f"camunda:inputOutput on {kind} elements is not supported here; put the "
                f"mapping on a task, subprocess or call activity ({', '.join(IO_CONTAINERS)})",
            )
            continue
        for parameter in mapping:
            if isinstance(parameter.tag, str) and not (parameter.get("name") or "").strip():
                yield problem_at(filename, parameter, "the input/output parameter has no name")
        yield from _parameter_values(mapping, filename)


def _parameter_values(mapping, filename) -> Iterator[Problem]:
    for script in mapping.iterfind(".//camunda:script", NS):
        yield problem_at(filename, script, SCRIPT_PARAMETER_MESSAGE)
    for entry in mapping.iterfind(".//camunda:entry", NS):
        if not (entry.get("key") or "").strip():
            yield problem_at(filename, entry, "a camunda:map entry has no key")
    for node in mapping.iter():
        if not isinstance(node.tag, str) or len(node):
            continue
        text = (node.text or "").strip()
        if text and is_expression(text) and (message := expression_problem(text, True)):
            yield problem_at(filename, node, message)


def _listeners(tree, filename) -> Iterator[Problem]:
    for tag, description in LISTENERS.items():
        for listener in tree.iterfind(f".//camunda:{tag}", NS):
            yield problem_at(filename, listener, f"camunda:{tag} ({description}) {LISTENER_ADVICE}")

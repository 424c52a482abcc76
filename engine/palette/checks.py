"""Deploy checks for the palette: unknown or refused elements and extensions, multiple events,
script languages, link events, start forms and files with several executable processes."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from ..dialect.pass_through import link_catches, link_name
from ..errors import Problem
from ..validation import BPMN_NS, CAMUNDA_NS, NS, expression_problem, problem_at
from .table import ANYWHERE, BPMN_ELEMENTS, CAMUNDA_ATTRIBUTES, CAMUNDA_ELEMENTS, DRAWING_NAMESPACES

# (element, implementation attributes) that need Java or an external task worker
JAVA_IMPLEMENTATIONS = (
    ("businessRuleTask", ("class", "delegateExpression", "expression", "type", "topic")),
    ("messageEventDefinition", ("class", "delegateExpression", "type", "topic")),
)
SCRIPT_FORMATS = ("python",)  # assignments in JoinedUp's expression language
CONDITION_LANGUAGES = (None, "juel", *SCRIPT_FORMATS)  # evaluated as ${...} expressions
NOT_SUPPORTED = "is not supported by JoinedUp"


def check_palette(tree: etree._Element, filename: str) -> list[Problem]:
    """Every palette problem in one BPMN document (empty when everything is known)."""
    checks = (
        _elements,
        _camunda_attributes,
        _java_implementations,
        _multiple_events,
        _scripts,
        _script_conditions,
        _links,
        _start_forms,
        _executable_processes,
        _call_bindings,
    )
    return [problem for check in checks for problem in check(tree, filename)]


def _running(tree, path: str) -> Iterator[etree._Element]:
    """Elements at ``path`` except those in a process that is not executable: Camunda 7
    ignores such a pool whatever it holds (it documents another party's side)."""
    for element in tree.iterfind(path, NS):
        process = next(element.iterancestors(f"{{{BPMN_NS}}}process"), None)
        if process is None or process.get("isExecutable") == "true":
            yield element


def _refusal(what: str, reason: str) -> str:
    return f"{what} {NOT_SUPPORTED}: {reason}"


def _elements(tree, filename) -> Iterator[Problem]:
    pending = [tree]
    while pending:
        element = pending.pop()
        if element.tag == f"{{{BPMN_NS}}}process" and element.get("isExecutable") != "true":
            continue  # ignored by Camunda 7, whatever it holds
        message = _element_problem(element)
        if message:
            yield problem_at(filename, element, message)
        else:
            pending.extend(reversed([child for child in element if isinstance(child.tag, str)]))


def _element_problem(element) -> str | None:
    qname = etree.QName(element)
    if qname.namespace == BPMN_NS:
        table, what = BPMN_ELEMENTS, f"bpmn:{qname.localname}"
    elif qname.namespace == CAMUNDA_NS:
        table, what = CAMUNDA_ELEMENTS, f"camunda:{qname.localname}"
    elif _is_foreign_extension(element, qname):
        why = "it is not a Camunda 7 extension (drawn for Camunda 8 or another tool?); remove it"
        name = f"{element.prefix}:{qname.localname}" if element.prefix else element.tag
        return _refusal(f"the extension {name}", why)
    else:
        return None
    if qname.localname not in table:
        why = "it is not part of the Camunda 7 palette JoinedUp runs; remove it"
        return _refusal(what, why)
    return _refusal(what, table[qname.localname]) if table[qname.localname] else None


def _is_foreign_extension(element, qname) -> bool:
    parent = element.getparent()
    return (
        parent is not None
        and parent.tag == f"{{{BPMN_NS}}}extensionElements"
        and qname.namespace not in DRAWING_NAMESPACES
    )


def _camunda_attributes(tree, filename) -> Iterator[Problem]:
    for element in _running(tree, ".//bpmn:*"):
        local = etree.QName(element).localname
        for attribute in element.attrib:
            name = etree.QName(attribute)
            if name.namespace != CAMUNDA_NS:
                continue
            if message := _attribute_problem(name.localname, local):
                yield problem_at(filename, element, message)


def _attribute_problem(attribute: str, element: str) -> str | None:
    what = f"camunda:{attribute}"
    allowed = CAMUNDA_ATTRIBUTES.get(attribute)
    if allowed is None:
        return _refusal(what, "it is not a Camunda 7 attribute JoinedUp knows (a typo?); remove it")
    if isinstance(allowed, str):
        return _refusal(what, allowed)
    if allowed != ANYWHERE and element not in allowed:
        where = ", ".join(f"bpmn:{name}" for name in allowed)
        return _refusal(f"{what} on a bpmn:{element}", f"Camunda 7 reads it only on {where}")
    return None


def _java_implementations(tree, filename) -> Iterator[Problem]:
    for tag, attributes in JAVA_IMPLEMENTATIONS:
        for element in _running(tree, f".//bpmn:{tag}"):
            for attribute in attributes:
                if element.get(f"{{{CAMUNDA_NS}}}{attribute}"):
                    why = "Java delegates and external tasks cannot run here"
                    what = f"camunda:{attribute} on a bpmn:{tag}"
                    yield problem_at(filename, element, _refusal(what, why))


def _multiple_events(tree, filename) -> Iterator[Problem]:
    for event in _running(tree, ".//bpmn:*"):
        definitions = [
            child
            for child in event.iterchildren(f"{{{BPMN_NS}}}*")
            if etree.QName(child).localname.endswith(("EventDefinition", "eventDefinitionRef"))
        ]
        if event.get("parallelMultiple") == "true":
            why = "Camunda 7 does not run them; draw one event per trigger"
            yield problem_at(filename, event, _refusal("A parallel multiple event", why))
        elif len(definitions) > 1:
            why = "Camunda 7 does not run them; draw one event per trigger, or an event gateway"
            yield problem_at(
                filename, event, _refusal("A multiple event (several triggers on one event)", why)
            )


def _scripts(tree, filename) -> Iterator[Problem]:
    for task in _running(tree, ".//bpmn:scriptTask"):
        language = task.get("scriptFormat")
        if language not in SCRIPT_FORMATS:
            why = (
                "JoinedUp runs only inline scripts in its own expression language: set Format "
                "to 'python' and write assignments such as risk_level = 3"
            )
            shown = f"scriptFormat '{language}'" if language else "A script task without a Format"
            yield problem_at(filename, task, _refusal(shown, why))
        if task.get(f"{{{CAMUNDA_NS}}}resource"):
            why = "write the script inline in the diagram (Script type: Inline script)"
            yield problem_at(filename, task, _refusal("An external script (camunda:resource)", why))
        if task.get(f"{{{CAMUNDA_NS}}}resultVariable") and _not_one_expression(task):
            yield problem_at(
                filename,
                task,
                "with camunda:resultVariable the script must be one expression, whose value "
                "is stored (e.g. risk > 2); put assignments in a script task without one",
            )


def _not_one_expression(task) -> bool:
    script = task.find("bpmn:script", NS)
    text = (script.text or "").strip() if script is not None else ""
    return bool(text) and expression_problem(text) is not None


def _script_conditions(tree, filename) -> Iterator[Problem]:
    for condition in _running(tree, ".//bpmn:conditionExpression"):
        language = condition.get("language")
        if condition.get(f"{{{CAMUNDA_NS}}}resource") or language not in CONDITION_LANGUAGES:
            why = "choose Condition type Expression and write it as ${...}"
            what = f"A condition written as a script ({language or 'external resource'})"
            yield problem_at(filename, condition, _refusal(what, why))


def _links(tree, filename) -> Iterator[Problem]:
    for definition in _running(tree, ".//bpmn:linkEventDefinition"):
        event = definition.getparent()
        kind = etree.QName(event).localname
        name, scope = link_name(event), event.getparent()
        if kind not in ("intermediateThrowEvent", "intermediateCatchEvent"):
            why = "a link is an intermediate throw event and a catch event of the same name"
            yield problem_at(filename, event, _refusal(f"A link on a bpmn:{kind}", why))
        elif not name:
            yield problem_at(filename, event, "the link event has no name; name the link")
        elif kind == "intermediateThrowEvent" and not link_catches(scope, name):
            yield problem_at(
                filename,
                event,
                f"no link catch event called '{name}' in the same process or subprocess: "
                "add one, or correct the link's name",
            )
        elif kind == "intermediateCatchEvent" and len(link_catches(scope, name)) > 1:
            yield problem_at(
                filename,
                event,
                f"several link catch events are called '{name}' in the same process or "
                "subprocess; give each a different name",
            )


def _start_forms(tree, filename) -> Iterator[Problem]:
    for start in _running(tree, ".//bpmn:startEvent"):
        has_form = start.find("bpmn:extensionElements/camunda:formData", NS) is not None
        for attribute in ("formKey", "formRef"):
            has_form = has_form or bool(start.get(f"{{{CAMUNDA_NS}}}{attribute}"))
        if has_form:
            why = (
                "processes start from a case page or another process, without a form; ask "
                "the questions in a first user task"
            )
            yield problem_at(filename, start, _refusal("A start form", why))


def _executable_processes(tree, filename) -> Iterator[Problem]:
    """The file's process is its first executable one; another may only be one it calls
    (Camunda 7 would also let it be started by key, which JoinedUp cannot)."""
    executable = [p for p in tree.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true"]
    called = {call.get("calledElement") for call in tree.iterfind(".//bpmn:callActivity", NS)}
    uncalled = [p for p in executable[1:] if p.get("id") not in called]
    if uncalled:
        ids = ", ".join(process.get("id") for process in executable)
        why = (
            f"this file has {len(executable)} ({ids}); JoinedUp deploys one process per file, "
            "with the processes it calls: untick 'Executable' on the other pools, or save each "
            "process in its own file"
        )
        for process in uncalled:
            what = "A file with several executable processes"
            yield problem_at(filename, process, _refusal(what, why))


def _call_bindings(tree, filename) -> Iterator[Problem]:
    for call in _running(tree, ".//bpmn:callActivity"):
        binding = call.get(f"{{{CAMUNDA_NS}}}calledElementBinding") or "latest"
        if binding != "latest":
            why = "a call starts the latest version of the called process; set Binding to latest"
            yield problem_at(filename, call, _refusal(f"calledElementBinding '{binding}'", why))

"""Deploy-time warnings: every user task should have a deadline and a next step when it passes.

A user task is fine when it has a ``camunda:dueDate`` and an escalation: the ``escalate_to``
property (``engine.escalation``), or a boundary timer whose path tells someone (an element with
``notify``/``notify_users`` or ``escalate_to``, or a user task: its candidates are told it is
waiting). Anything else is a **warning**, not an error: ``joinedup validate`` prints it with the
file, element and line, and a deploy still goes ahead.
"""

from __future__ import annotations

from lxml import etree

from .errors import Problem
from .validation import NS, extension_property, problem_at

ESCALATE_TO = "escalate_to"
_TELLS = ("notify", "notify_users", ESCALATE_TO)
_MAX_STEPS = 200  # a path is followed this far (a loop back is not followed twice anyway)


def deadline_warnings(tree: etree._Element, filename: str) -> list[Problem]:
    """One warning per user task without a due date, or without an escalation."""
    warnings = []
    for task in tree.iterfind(".//bpmn:userTask", NS):
        due = (task.get(f"{{{NS['camunda']}}}dueDate") or "").strip()
        if not due:
            warnings.append(problem_at(filename, task, "the user task has no due date"))
        if not _escalates(task):
            warnings.append(
                problem_at(
                    filename,
                    task,
                    "the user task has no escalation: set escalate_to (the "
                    "'Deadline and escalation' template) or a boundary timer that tells someone",
                )
            )
    return warnings


def _escalates(task: etree._Element) -> bool:
    prop = extension_property(task, ESCALATE_TO)
    if prop is not None and (prop.get("value") or "").strip():
        return True
    process = task.getparent()
    timers = process.xpath(
        "./bpmn:boundaryEvent[@attachedToRef=$id][bpmn:timerEventDefinition]",
        namespaces=NS,
        id=task.get("id"),
    )
    return any(_path_tells(process, timer) for timer in timers)


def _path_tells(process: etree._Element, start: etree._Element) -> bool:
    """Whether anything reachable from ``start`` in its process tells a person."""
    by_id = {node.get("id"): node for node in process if node.get("id")}
    seen, queue = set(), [start.get("id")]
    while queue and len(seen) < _MAX_STEPS:
        element_id = queue.pop()
        if element_id in seen or element_id not in by_id:
            continue
        seen.add(element_id)
        node = by_id[element_id]
        if node is not start and _tells(node):
            return True
        queue += [
            flow.get("targetRef")
            for flow in process.iterfind("bpmn:sequenceFlow", NS)
            if flow.get("sourceRef") == element_id
        ]
    return False


def _tells(node: etree._Element) -> bool:
    if etree.QName(node).localname == "userTask":
        return True
    return any(
        (prop.get("value") or "").strip()
        for name in _TELLS
        if (prop := extension_property(node, name)) is not None
    )

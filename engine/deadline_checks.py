"""Deploy-time warnings: every user task should have a deadline and a next step when it passes.

A user task is fine when it has a ``camunda:dueDate`` and an escalation: the ``escalate_to``
property (``engine.escalation``), or a boundary timer whose path tells someone (an element with
``notify``/``notify_users`` or ``escalate_to``, or a user task: its candidates are told it is
waiting). Anything else is a **warning**, not an error: ``joinedup validate`` prints it with the
file, element and line, and a deploy still goes ahead.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from .dialect.timers import MILESTONE
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
    """``escalate_to`` on the task, or a telling boundary timer on the task or on a subprocess
    around it (a stage's time limit covers every task in the stage)."""
    prop = extension_property(task, ESCALATE_TO)
    if prop is not None and (prop.get("value") or "").strip():
        return True
    activity = task
    while activity is not None:
        container = activity.getparent()
        timers = container.xpath(
            "./bpmn:boundaryEvent[@attachedToRef=$id][bpmn:timerEventDefinition]",
            namespaces=NS,
            id=activity.get("id"),
        )
        if any(_path_tells(container, timer) for timer in timers):
            return True
        kind = etree.QName(container).localname
        activity = container if kind in ("subProcess", "transaction") else None
    return False


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


def check_properties(tree: etree._Element, filename: str) -> Iterator[Problem]:
    """Errors (the deploy is refused): ``escalate_to`` and ``escalate_after_days`` only on a
    user task, their ``${...}`` compiling, a literal ``escalate_after_days`` a whole number
    within bounds; ``milestone`` only on a boundary timer, ``true`` or ``false``."""
    from .escalation import ESCALATE_AFTER_DAYS, MAX_ESCALATE_AFTER_DAYS
    from .validation import expression_problem

    names = (ESCALATE_TO, ESCALATE_AFTER_DAYS, MILESTONE)
    path = ".//camunda:property[" + " or ".join(f"@name='{name}'" for name in names) + "]"
    for prop in tree.xpath(path, namespaces=NS):
        name, value = prop.get("name"), (prop.get("value") or "").strip()
        owner = prop.getparent().getparent().getparent()
        kind = etree.QName(owner).localname
        if name == MILESTONE:
            if kind != "boundaryEvent" or owner.find("bpmn:timerEventDefinition", NS) is None:
                yield problem_at(filename, prop, f"{MILESTONE} belongs on a boundary timer")
            elif value.lower() not in ("true", "false"):
                yield problem_at(filename, prop, f"{MILESTONE} is 'true' or 'false', not '{value}'")
        elif kind != "userTask":
            yield problem_at(filename, prop, f"{name} belongs on a user task")
        elif "${" in value:
            if message := expression_problem(value, template=True):
                yield problem_at(filename, prop, f"property '{name}': {message}")
        elif (
            name == ESCALATE_AFTER_DAYS
            and value
            and (not value.isdigit() or int(value) > MAX_ESCALATE_AFTER_DAYS)
        ):
            yield problem_at(
                filename,
                prop,
                f"{ESCALATE_AFTER_DAYS} '{value}' is not a whole number of working days from 0 "
                f"to {MAX_ESCALATE_AFTER_DAYS}",
            )

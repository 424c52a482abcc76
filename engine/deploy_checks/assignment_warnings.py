"""Deploy-time warnings about who a user task reaches: a task nobody is offered, and a lane
(with ``lanes_are_groups``) naming a group no one can hold.

Like ``engine.deadline_checks``, these are warnings, not errors: ``joinedup validate`` prints
them with the file, element and line, and a deploy still goes ahead.
"""

from __future__ import annotations

from lxml import etree

from ..agencies import AGENCIES, ROLES
from ..dialect.lanes import lanes_are_groups
from ..dialect.resource_assignment import resource_assignment
from ..errors import Problem
from ..validation import NS, problem_at

CANDIDATE_ATTRIBUTES = ("assignee", "candidateGroups", "candidateUsers")
UNOFFERED = (
    "the user task has no assignee or candidates: it reaches nobody's inbox and no one can "
    "claim it or be given it (it shows only on its instance's page); set "
    "camunda:candidateGroups or camunda:assignee"
)


def known_group(name: str) -> bool:
    """A group someone can hold: a role (``practitioner``) or an agency's role
    (``police:manager``)."""
    agency, _, role = name.rpartition(":")
    return role in ROLES and (not agency or agency in AGENCIES)


def assignment_warnings(tree: etree._Element, filename: str) -> list[Problem]:
    """One warning per user task offered to nobody, and per opted-in lane naming no group."""
    lane_of = _lanes(tree)
    warnings = []
    for task in tree.iterfind(".//bpmn:userTask", NS):
        if _offered(task):
            continue
        lane = lane_of.get(task.get("id"))
        if lane is None or not lanes_are_groups(task):
            warnings.append(problem_at(filename, task, UNOFFERED))
    for lane in tree.iterfind(".//bpmn:lane", NS):
        name = (lane.get("name") or "").strip()
        if lanes_are_groups(lane) and not known_group(name):
            warnings.append(
                problem_at(
                    filename,
                    lane,
                    f"the lane '{name}' names no group anyone can hold (a role such as "
                    "'practitioner' or an agency's role such as 'police:manager'): its user "
                    "tasks without candidate groups reach nobody's inbox",
                )
            )
    return warnings


def _offered(task: etree._Element) -> bool:
    """Whether the task names an assignee or candidates (Camunda's or BPMN's own way)."""
    camunda = (task.get(f"{{{NS['camunda']}}}{name}") for name in CANDIDATE_ATTRIBUTES)
    return any((value or "").strip() for value in camunda) or any(
        resource_assignment(task).__dict__.values()
    )


def _lanes(tree: etree._Element) -> dict[str, etree._Element]:
    """Each flow node id in a lane, and the innermost lane holding it."""
    found = {}
    for lane in tree.iterfind(".//bpmn:lane", NS):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            found[(ref.text or "").strip()] = lane
    return found

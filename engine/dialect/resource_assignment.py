"""BPMN's own resource assignment on a user task, as Camunda 7 reads it.

``humanPerformer`` gives the assignee; ``potentialOwner`` the candidates: ``user(sam)`` a
candidate user, ``group(police)`` a candidate group, and a plain name a group. Each formal
expression may hold JUEL (``group(${lead_agency})``), evaluated when the task opens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# Comma-separated items; a comma inside ${...} belongs to the expression.
_ITEM = re.compile(r"(?:\$\{[^}]*\}|#\{[^}]*\}|[^,])+")
_KIND = re.compile(r"^(user|group)\((.*)\)$", re.DOTALL)


@dataclass(frozen=True)
class ResourceAssignment:
    """Assignee and candidates written as humanPerformer/potentialOwner (raw text)."""

    assignee: str | None = None
    candidate_groups: str | None = None
    candidate_users: str | None = None


def resource_assignment(user_task) -> ResourceAssignment:
    """The humanPerformer and potentialOwner of a ``<userTask>`` element."""
    performers = _expressions(user_task, "humanPerformer")
    users: list[str] = []
    groups: list[str] = []
    for text in _expressions(user_task, "potentialOwner"):
        for item in _ITEM.findall(text):
            kind, name = _kind_of(item.strip())
            if name:
                (users if kind == "user" else groups).append(name)
    return ResourceAssignment(
        assignee=performers[0] if performers else None,
        candidate_groups=", ".join(groups) or None,
        candidate_users=", ".join(users) or None,
    )


def _expressions(user_task, tag: str) -> list[str]:
    path = f"{{{BPMN_NS}}}{tag}/{{{BPMN_NS}}}resourceAssignmentExpression/*"
    texts = [(node.text or "").strip() for node in user_task.findall(path)]
    return [text for text in texts if text]


def _kind_of(item: str) -> tuple[str, str]:
    match = _KIND.match(item)
    if match:
        return match.group(1), match.group(2).strip()
    return "group", item

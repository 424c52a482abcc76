"""The ``milestones`` a process declares, read once when its diagram is parsed.

On the process: ``milestones`` = ``Name=due_variable@element_id`` items separated by ``;``, e.g.
``Referral by 16 weeks=referral_due@refer``: the milestone is due at the date (or time) the
process keeps in ``due_variable`` and reached when the element ``element_id`` (a task, call
activity or subprocess) completes. A partnership that changes a timescale changes the variable,
so the milestone follows without editing the diagram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..dialect.extensions import property_text

MILESTONES = "milestones"
_ITEM = re.compile(r"^(?P<name>[^=@;]+)=\s*(?P<due>[A-Za-z_]\w*)\s*@\s*(?P<element>[\w.-]+)$")


@dataclass(frozen=True)
class MilestoneSpec:
    """One declared milestone: its name, the variable holding its due date, the element."""

    name: str
    due_variable: str
    element_id: str


def parse_milestones(text: str | None) -> tuple[list[MilestoneSpec], list[str]]:
    """The milestones in a ``milestones`` value, and a message for each item that is not
    ``Name=due_variable@element_id``."""
    found, problems = [], []
    for item in (part.strip() for part in (text or "").split(";")):
        if not item:
            continue
        match = _ITEM.match(item)
        if match is None:
            problems.append(
                f"'{item}' is not a milestone: write Name=due_variable@element_id, "
                "e.g. Referral by 16 weeks=referral_due@refer"
            )
            continue
        name, due, element = (match.group(k).strip() for k in ("name", "due", "element"))
        found.append(MilestoneSpec(name[:255], due, element))
    return found, problems


def declared_milestones(process: etree._Element) -> list[MilestoneSpec]:
    """The process element's well-formed milestones (the deploy check reports the rest)."""
    return parse_milestones(property_text(process, MILESTONES))[0]

"""Deploy-time check of the ``milestones`` property (file, element and line named)."""

from __future__ import annotations

from collections.abc import Iterator

from .declarations import MILESTONES, parse_milestones

REACHABLE = ("userTask", "callActivity", "subProcess", "transaction", "manualTask", "task")


def check_milestones(tree, filename: str) -> Iterator:
    """``milestones`` only on a process; every item well formed and naming an element of that
    process that can complete (a task, call activity or subprocess)."""
    from ..validation import NS, problem_at

    for prop in tree.xpath(f".//camunda:property[@name='{MILESTONES}']", namespaces=NS):
        owner = prop.getparent().getparent().getparent()
        if owner.tag.rpartition("}")[2] != "process":
            yield problem_at(filename, prop, f"{MILESTONES} belongs on the process")
            continue
        found, problems = parse_milestones(prop.get("value"))
        for message in problems:
            yield problem_at(filename, prop, f"{MILESTONES}: {message}")
        for milestone in found:
            element = owner.xpath(f".//*[@id='{milestone.element_id}']")
            if not element or element[0].tag.rpartition("}")[2] not in REACHABLE:
                yield problem_at(
                    filename,
                    prop,
                    f"{MILESTONES}: '{milestone.name}' is reached at '{milestone.element_id}', "
                    "which is no task, call activity or subprocess of this process",
                )

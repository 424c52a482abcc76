"""Deploy-time checks of the decision-page properties (file, element and line named)."""

from __future__ import annotations

from collections.abc import Iterator

from .properties import STAGE, STAGES, SUMMARY, USER_TASK_ONLY, declared_stages

STAGED = ("userTask", "callActivity", "subProcess", "transaction")


def check_properties(tree, filename: str) -> Iterator:
    """``stages`` only on a process; ``stage`` a whole number within the process's stages, on
    a user task, call activity or subprocess; the page properties only on user tasks
    (``summary`` on the process too); every ``${...}`` in a ``summary`` compiles."""
    from ..validation import NS, expression_problem, problem_at

    bpmn = NS["bpmn"]
    names = (STAGES, STAGE, *USER_TASK_ONLY)
    path = ".//camunda:property[" + " or ".join(f"@name='{name}'" for name in names) + "]"
    for prop in tree.xpath(path, namespaces=NS):
        name, value = prop.get("name"), (prop.get("value") or "").strip()
        owner = prop.getparent().getparent().getparent()
        kind = owner.tag.rpartition("}")[2]
        if name == STAGES:
            if kind != "process":
                yield problem_at(
                    filename, prop, f"{STAGES} belongs on the process, not on one element"
                )
            elif not declared_stages(owner):
                yield problem_at(
                    filename, prop, f"{STAGES} names no stages (separate them with ';')"
                )
        elif name == STAGE and value:  # an empty stage (a template left blank) is no stage
            yield from _stage_problems(filename, prop, owner, kind, value, problem_at, bpmn)
        elif name == SUMMARY and kind == "process":
            yield from _summary_problems(filename, prop, value, expression_problem, problem_at)
        elif kind != "userTask":
            yield problem_at(filename, prop, f"{name} belongs on a user task")
        elif name == SUMMARY:
            yield from _summary_problems(filename, prop, value, expression_problem, problem_at)


def _summary_problems(filename, prop, value, expression_problem, problem_at) -> Iterator:
    """A ``summary`` on a user task or the process: its ``${...}`` must compile."""
    if "${" in value and (message := expression_problem(value, template=True)):
        yield problem_at(filename, prop, f"property '{SUMMARY}': {message}")


def _stage_problems(filename, prop, owner, kind, value, problem_at, bpmn) -> Iterator:
    if kind not in STAGED:
        yield problem_at(
            filename, prop, f"{STAGE} belongs on a user task, call activity or subprocess"
        )
        return
    process = next(owner.iterancestors(f"{{{bpmn}}}process"), None)
    count = len(declared_stages(process)) if process is not None else 0
    if not count:
        yield problem_at(
            filename, prop, f"{STAGE} needs the process's {STAGES} (e.g. 'Practitioners;Managers')"
        )
    elif not value.isdigit() or not 1 <= int(value) <= count:
        yield problem_at(
            filename, prop, f"{STAGE} '{value}' must be a whole number from 1 to {count}"
        )

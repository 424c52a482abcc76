"""Deploy checks for DMN files and business rule tasks: what we cannot run is refused here,
with the file, the element (the nearest one with an id) and the line."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from ..errors import Problem
from ..validation import CAMUNDA_NS, NS, expression_problem, problem_at
from .model import DecisionProblem, declared_language, is_feel, read_decision
from .results import MAPPINGS

EVALUATED = (
    ("dmn:decisionTable/dmn:input/dmn:inputExpression/dmn:text", "input expression"),
    ("dmn:decisionTable/dmn:rule/dmn:outputEntry/dmn:text", "output entry"),
    ("dmn:literalExpression/dmn:text", "literal expression"),
)


def check_dmn(tree: etree._Element, filename: str) -> list[Problem]:
    """Every problem in a DMN document that would stop its decisions running as in Camunda 7."""
    ns = {"dmn": etree.QName(tree).namespace}
    decisions = tree.findall("dmn:decision", ns)
    problems = [problem for node in decisions for problem in _decision_problems(node, ns, filename)]
    return problems + list(_requirement_problems(decisions, ns, filename))


def _decision_problems(node, ns: dict, filename: str) -> list[Problem]:
    try:
        read_decision(node, ns)
    except DecisionProblem as problem:
        return [problem_at(filename, problem.node, str(problem))]
    problems = []
    for path, what in EVALUATED:  # JUEL and FEEL both run in our expression language
        for text_node in node.iterfind(path, ns):
            language = declared_language(text_node.getparent())
            if language and not is_feel(language) and language.lower() != "juel":
                message = (
                    f"expression language '{language}' is not supported: write the expression "
                    "in JUEL or FEEL (scripts do not run here)"
                )
            else:
                message = expression_problem((text_node.text or "").strip())
            if message:
                problems.append(problem_at(filename, text_node.getparent(), f"{what}: {message}"))
    return problems


def _requirement_problems(decisions: list, ns: dict, filename: str) -> Iterator[Problem]:
    known = {node.get("id"): node for node in decisions}
    needs = {}
    for node in decisions:
        for requirement in node.iterfind("dmn:informationRequirement/dmn:requiredDecision", ns):
            target = (requirement.get("href") or "").lstrip("#")
            needs.setdefault(node.get("id"), []).append(target)
            if target not in known:
                yield problem_at(
                    filename,
                    requirement,
                    f"requires decision '{target}', which is not in this file: a decision "
                    "requirements graph must be drawn in one DMN file",
                )
    for decision_id in _in_cycles(needs):
        yield problem_at(
            filename,
            known[decision_id],
            "the decision is part of, or requires, a requirement cycle (it requires itself)",
        )


def _in_cycles(needs: dict[str, list[str]]) -> list[str]:
    """Decisions that can never be evaluated: what is left once every decision whose
    requirements are all evaluable has been removed, again and again."""
    pending = {decision: set(required) & set(needs) for decision, required in needs.items()}
    while True:
        ready = [decision for decision, required in pending.items() if not required]
        if not ready:
            return sorted(pending)
        for decision in ready:
            del pending[decision]
        for required in pending.values():
            required.difference_update(ready)


def check_business_rule_tasks(tree: etree._Element, filename: str) -> Iterator[Problem]:
    """Business rule tasks name a decision, and map its result as Camunda 7 can."""
    for task in tree.iterfind(".//bpmn:businessRuleTask", NS):
        message = _task_problem(task)
        if message:
            yield problem_at(filename, task, message)


def _task_problem(task) -> str | None:
    attribute = lambda name: task.get(f"{{{CAMUNDA_NS}}}{name}")  # noqa: E731
    for name in ("class", "expression", "delegateExpression", "type"):
        if attribute(name):
            return (
                f"camunda:{name} (Java delegates, external tasks) cannot run here; "
                "name a DMN decision in camunda:decisionRef"
            )
    reference = attribute("decisionRef")
    if not reference:
        return "a business rule task needs camunda:decisionRef, the id of a DMN decision"
    if "${" in reference or "#{" in reference:
        return "camunda:decisionRef must be a decision id, not an expression"
    if (attribute("decisionRefBinding") or "latest") != "latest":
        return (
            f"camunda:decisionRefBinding '{attribute('decisionRefBinding')}' is not supported: "
            "a business rule task uses the latest decision deployed when the instance started"
        )
    mapping = attribute("mapDecisionResult")
    if mapping and mapping not in MAPPINGS:
        return f"camunda:mapDecisionResult '{mapping}' is not one of {', '.join(MAPPINGS)}"
    return None

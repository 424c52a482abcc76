"""Evaluating a decision as Camunda 7's DMN engine does, required decisions first.

Expressions (input expressions, output entries, literal expressions, names in input entries)
are evaluated by the caller's ``evaluate(text, extra_variables)``, i.e. in our sandboxed
expression language; input entries are matched as parsed FEEL tests (``engine.decisions.feel``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .model import Decision, Rule, Table
from .types import ConversionError, convert

Evaluate = Callable[[str, dict], Any]
Result = list[dict[str, Any]]  # one map of output name to value per matched rule


class DecisionError(ValueError):
    """A decision that cannot give a result (hit policy broken, aggregation of non-numbers)."""


def evaluate_decision(
    graph: Mapping[str, Decision], decision_id: str, evaluate: Evaluate
) -> Result:
    """The decision's result list, the decisions it requires evaluated first, each once.

    As in Camunda 7, a required decision's outputs reach the decisions evaluated after it as
    variables named by the output names (a list of values when it may match several rules).
    """
    extra: dict[str, Any] = {}
    bound = lambda text, more=None: evaluate(text, {**extra, **(more or {})})  # noqa: E731
    for required in evaluation_order(graph, decision_id)[:-1]:
        extra.update(result_variables(graph[required], _decide(graph[required], bound)))
    return _decide(graph[decision_id], bound)


def evaluation_order(graph: Mapping[str, Decision], decision_id: str) -> list[str]:
    """Every decision ``decision_id`` requires, required ones first, each once, then itself."""
    order: list[str] = []
    seen: set[str] = set()
    stack = [(decision_id, False)]
    while stack:
        current, finished = stack.pop()
        if finished:
            order.append(current)
        elif current not in seen:
            seen.add(current)
            stack.append((current, True))
            stack += [(required, False) for required in reversed(graph[current].required)]
    return order


def _decide(decision: Decision, evaluate: Evaluate) -> Result:
    if decision.table is None:
        value = evaluate(decision.expression, {})
        return [{decision.variable: typed(value, decision.variable_type, decision, "the result")}]
    return table_result(decision, decision.table, evaluate)


def typed(value: Any, type_ref: str | None, decision: Decision, what: str) -> Any:
    """``value`` converted to its declared ``typeRef``, or a DecisionError naming ``what``."""
    try:
        return convert(value, type_ref)
    except ConversionError as error:
        raise DecisionError(f"decision '{decision.name}', {what}: {error}") from None


def result_variables(decision: Decision, result: Result) -> dict[str, Any]:
    """A required decision's result as the variables the requiring decision sees."""
    table = decision.table
    collected = table is not None and table.hit_policy == "COLLECT" and not table.aggregation
    many = collected or (table is not None and table.hit_policy == "RULE ORDER")
    if not result:
        return {}
    if len(result) == 1 and not many:
        return dict(result[0])
    names = dict.fromkeys(name for row in result for name in row)
    return {name: [row[name] for row in result if name in row] for name in names}


def table_result(decision: Decision, table: Table, evaluate: Evaluate) -> Result:
    """The result of a decision table under its hit policy."""
    types = table.input_types or (None,) * len(table.inputs)
    values = [
        typed(evaluate(text, {}), type_ref, decision, f"input {number} ({text})")
        for number, (text, type_ref) in enumerate(zip(table.inputs, types, strict=True), 1)
    ]
    lookup = lambda name: evaluate(name, {})  # noqa: E731
    matched = [
        rule
        for rule in table.rules
        if all(test.matches(value, lookup) for test, value in zip(rule.tests, values, strict=True))
    ]
    rows = [_outputs(decision, rule, table, evaluate) for rule in matched]
    policy = table.hit_policy
    if policy == "UNIQUE" and len(rows) > 1:
        raise DecisionError(
            f"decision '{decision.name}' (hit policy UNIQUE): rules "
            f"{_numbers(matched)} all match, but only one may"
        )
    if policy == "ANY" and any(row != rows[0] for row in rows):
        raise DecisionError(
            f"decision '{decision.name}' (hit policy ANY): rules {_numbers(matched)} match "
            "with different outputs"
        )
    if policy in ("FIRST", "ANY", "UNIQUE"):
        return rows[:1]
    if table.aggregation:
        return _aggregate(decision, table, rows)
    return rows


def _outputs(decision: Decision, rule: Rule, table: Table, evaluate: Evaluate) -> dict[str, Any]:
    """A matched rule's outputs; an empty output entry gives no output, as in Camunda 7."""
    types = table.output_types or (None,) * len(table.outputs)
    where = f"rule {rule.number}, output"
    return {
        name: typed(evaluate(text, {}), type_ref, decision, f"{where} {name or ''}".strip())
        for name, text, type_ref in zip(table.outputs, rule.outputs, types, strict=True)
        if text is not None
    }


def _numbers(rules: list[Rule]) -> str:
    return ", ".join(str(rule.number) for rule in rules)


def _aggregate(decision: Decision, table: Table, rows: Result) -> Result:
    name = table.outputs[0]
    values = [row[name] for row in rows if row.get(name) is not None]
    if table.aggregation == "COUNT":
        return [{name: len(values)}]
    if not values:
        return []
    if not all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in values):
        raise DecisionError(
            f"decision '{decision.name}' (COLLECT {table.aggregation}): the outputs "
            f"{values} are not all numbers"
        )
    combine = {"SUM": sum, "MIN": min, "MAX": max}[table.aggregation]
    return [{name: combine(values)}]

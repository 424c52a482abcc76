"""``camunda:mapDecisionResult``: how a business rule task stores a decision's result."""

from __future__ import annotations

from typing import Any

from .evaluation import DecisionError, Result

MAPPINGS = ("singleEntry", "singleResult", "collectEntries", "resultList")
DEFAULT_MAPPING = "resultList"


def map_result(result: Result, mapping: str | None) -> Any:
    """The value stored in ``camunda:resultVariable``, as Camunda 7 maps it.

    ``singleEntry``: the one output of the one matched rule (None when none matched);
    ``singleResult``: the outputs of the one matched rule as a map (None when none matched);
    ``collectEntries``: the one output of every matched rule, as a list;
    ``resultList`` (the default): a map of outputs per matched rule.
    """
    mapping = mapping or DEFAULT_MAPPING
    if mapping == "resultList":
        return [dict(row) for row in result]
    if mapping == "collectEntries":
        return [_single_entry(row, mapping) for row in result if row]
    if len(result) > 1:
        raise DecisionError(
            f"mapDecisionResult {mapping} expects at most one matching rule, but "
            f"{len(result)} matched: use collectEntries or resultList"
        )
    if not result:
        return None
    return _single_entry(result[0], mapping) if mapping == "singleEntry" else dict(result[0])


def _single_entry(row: dict, mapping: str) -> Any:
    if len(row) > 1:
        raise DecisionError(
            f"mapDecisionResult {mapping} expects one output per rule, but a rule gave "
            f"{', '.join(row)}: use singleResult or resultList"
        )
    return next(iter(row.values()), None)

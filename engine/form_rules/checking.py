"""Checking a submission against its form's rules, on the task's data with the answers."""

from __future__ import annotations

from datetime import date
from typing import Any

from .vocabulary import AFTER, BEFORE, DIFFERS_FROM, REQUIRED_IF, Rule, read_rules

_EMPTY = (None, "", [])


def form_rules(camunda_form, fields: list) -> list[Rule]:
    """Every rule of a Camunda Form's inputs, or of a generated form's fields."""
    if camunda_form is not None:
        return [
            rule
            for component in camunda_form.inputs()
            for rule in read_rules(component.key, component.label, dict(component.properties))
        ]
    return [
        rule for field in fields for rule in read_rules(field.id, field.label, _properties(field))
    ]


def _properties(field) -> dict:
    return {prop.id: prop.value for prop in getattr(field, "properties", None) or []}


def broken_rules(rules: list[Rule], data: dict, labels: dict[str, str]) -> dict[str, str]:
    """Field → message for each rule ``data`` (the task's data with the cleaned answers)
    breaks; the first broken rule of a field speaks for it."""
    errors: dict[str, str] = {}
    for rule in rules:
        if rule.field not in errors and _broken(rule, data):
            errors[rule.field] = rule.message or _default_message(rule, labels)
    return errors


def _broken(rule: Rule, data: dict) -> bool:
    value, other = data.get(rule.field), data.get(rule.other)
    if rule.kind == REQUIRED_IF:
        applies = _truthy(other) if rule.expected is None else _text(other) == rule.expected
        return applies and value in _EMPTY
    if value in _EMPTY or other in _EMPTY:
        return False
    if rule.kind == DIFFERS_FROM:
        return _text(value) == _text(other)
    ordered = _ordered(value), _ordered(other)
    if None in ordered or type(ordered[0]) is not type(ordered[1]):
        return False  # not comparable: the field's own type check speaks for it
    return ordered[0] <= ordered[1] if rule.kind == AFTER else ordered[0] >= ordered[1]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip() if value is not None else ""


def _truthy(value: Any) -> bool:
    return value not in _EMPTY and value is not False and _text(value) not in ("false", "no")


def _ordered(value: Any) -> date | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return float(value)
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _default_message(rule: Rule, labels: dict[str, str]) -> str:
    other = labels.get(rule.other, rule.other)
    if rule.kind == DIFFERS_FROM:
        return f"'{rule.label}' must be different from '{other}'"
    if rule.kind == AFTER:
        return f"'{rule.label}' must be after '{other}'"
    if rule.kind == BEFORE:
        return f"'{rule.label}' must be before '{other}'"
    return f"Answer '{rule.label}'"

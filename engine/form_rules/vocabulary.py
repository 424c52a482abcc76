"""The rule vocabulary and how a field's properties are read into rules (or refused)."""

from __future__ import annotations

import re
from dataclasses import dataclass

DIFFERS_FROM, AFTER, BEFORE, REQUIRED_IF = "differs_from", "after", "before", "required_if"
RULES = (AFTER, BEFORE, DIFFERS_FROM, REQUIRED_IF)
MESSAGE_SUFFIX = "_message"
ORDERED = (AFTER, BEFORE)
ORDERED_TYPES = frozenset({"date", "long", "number"})
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ADVICE = (
    f"the rules a form field may state are {', '.join(RULES)}, each with an optional "
    f"<rule>{MESSAGE_SUFFIX}"
)


@dataclass(frozen=True)
class Rule:
    """One rule on one field: ``kind`` compares ``field`` with ``other`` (a field or variable);
    ``expected`` is required_if's VALUE (None: "when ``other`` is true or answered")."""

    kind: str
    field: str
    label: str
    other: str
    expected: str | None = None
    message: str | None = None


def rule_problems(field_id: str, field_type: str | None, properties: dict) -> list[str]:
    """Why a field's properties are not rules we can check (empty when they all are)."""
    problems = []
    for name, value in properties.items():
        kind = name.removesuffix(MESSAGE_SUFFIX)
        if kind not in RULES:
            problems.append(f"field '{field_id}' has property '{name}': {ADVICE}")
        elif name != kind:
            if kind not in properties:
                problems.append(f"field '{field_id}' has '{name}' but no '{kind}' rule")
            elif not (value or "").strip():
                problems.append(f"field '{field_id}': '{name}' is empty; write the message")
        elif problem := _target_problem(field_id, field_type, kind, value):
            problems.append(f"field '{field_id}', rule '{kind}': {problem}")
    return problems


def _target_problem(field_id: str, field_type: str | None, kind: str, value) -> str | None:
    other, _, expected = str(value or "").strip().partition("=")
    other = other.strip()
    if not _NAME.match(other):
        return f"'{value or ''}' is not the name of a field or variable, like raiser_agency" + (
            " (or NAME=VALUE)" if kind == REQUIRED_IF else ""
        )
    if other == field_id:
        return "a field cannot be compared with itself; name another field or variable"
    if expected and kind != REQUIRED_IF:
        return f"'{value}': only required_if takes NAME=VALUE; write just the name"
    if kind in ORDERED and (field_type or "string") not in ORDERED_TYPES:
        return "after and before compare dates or numbers; this field holds text"
    return None


def read_rules(field_id: str, label: str, properties: dict) -> list[Rule]:
    """The rules of one field whose properties ``rule_problems`` found nothing wrong with."""
    found = []
    for kind in RULES:
        if kind not in properties:
            continue
        other, has_value, expected = str(properties[kind]).strip().partition("=")
        found.append(
            Rule(
                kind,
                field_id,
                label or field_id,
                other.strip(),
                expected.strip() if has_value else None,
                (properties.get(kind + MESSAGE_SUFFIX) or "").strip() or None,
            )
        )
    return found

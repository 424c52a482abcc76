"""Checking submitted task data against the task's Camunda generated form (``camunda:formData``).

Values arrive as JSON or as HTML form strings; each field is coerced to its declared type
(string, long, boolean, date, enum) and checked against its constraints (required, minlength,
maxlength, min, max, readonly). Every error is collected so a page can show them all at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from .errors import InvalidSubmission

FIELD_TYPES = frozenset({"string", "long", "boolean", "date", "enum"})
VALIDATION_CONSTRAINTS = frozenset({"required", "minlength", "maxlength", "min", "max", "readonly"})
_TRUE = {"true", "on", "yes", "1"}
_FALSE = {"false", "off", "no", "0"}


class FieldError(ValueError):
    """A value that does not fit its field; the message is shown next to the field."""


def validate_submission(form, submitted: Mapping[str, Any], current: Mapping[str, Any]) -> dict:
    """Cleaned values for every field of ``form``, or InvalidSubmission listing each problem.

    A task without form fields accepts any JSON values, as Camunda's complete call does.
    """
    fields = list(getattr(form, "fields", []) or [])
    if not fields:
        return dict(submitted)
    known = {field.id for field in fields}
    errors = {key: "is not a field of this form" for key in submitted if key not in known}
    cleaned: dict[str, Any] = {}
    for field in fields:
        if has_constraint(field, "readonly"):
            cleaned[field.id] = current.get(field.id, _default(field))
            continue
        try:
            cleaned[field.id] = _clean_field(field, submitted.get(field.id))
        except FieldError as error:
            errors[field.id] = str(error)
    if errors:
        raise InvalidSubmission(errors, dict(submitted))
    return cleaned


def has_constraint(field, name: str) -> bool:
    """True when the field declares constraint ``name``.

    SpiffWorkflow's ``has_validation`` looks at the constraint's config, which ``required`` and
    ``readonly`` do not have, so it would report them missing.
    """
    return any(rule.name == name for rule in field.validation)


def _default(field) -> Any:
    try:
        return coerce(field, field.default_value)
    except FieldError:
        return None


def _clean_field(field, raw: Any) -> Any:
    value = coerce(field, raw)
    if value is None and raw in (None, ""):
        value = _default(field)
    if value is None:
        if has_constraint(field, "required"):
            verb = "Choose an option for" if field.type in ("enum", "boolean") else "Enter"
            raise FieldError(f"{verb} '{field.label or field.id}'")
        return None
    _check_bounds(field, value)
    return value


def coerce(field, raw: Any) -> Any:
    """``raw`` as the field's type; None for empty input."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = field.type or "string"
    if kind == "long":
        return _to_int(raw)
    if kind == "boolean":
        return _to_bool(raw)
    if kind == "date":
        return parse_date(raw)
    if kind == "enum":
        options = [option.id for option in getattr(field, "options", [])]
        if str(raw) not in options:
            raise FieldError(f"Choose one of: {', '.join(options)}")
        return str(raw)
    return raw.strip() if isinstance(raw, str) else str(raw)


def _to_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise FieldError("Enter a whole number")
    if isinstance(raw, int):
        return raw
    text = str(raw).strip().replace(",", "")
    if not text.lstrip("-").isdigit():
        raise FieldError("Enter a whole number, like 3")
    return int(text)


def _to_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError("Choose yes or no")


def parse_date(raw: Any) -> date:
    """A date from a date, an ISO string (2026-03-27) or Camunda's dd/MM/yyyy."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise FieldError("Enter a real date, like 27/03/2026")


def _check_bounds(field, value: Any) -> None:
    if isinstance(value, str):
        shortest, longest = field.get_validation("minlength"), field.get_validation("maxlength")
        if shortest is not None and len(value) < int(shortest):
            raise FieldError(f"Must be at least {shortest} characters")
        if longest is not None and len(value) > int(longest):
            raise FieldError(f"Must be {longest} characters or fewer")
    if isinstance(value, int | date) and not isinstance(value, bool):
        to_bound = parse_date if isinstance(value, date) else _to_int
        lowest, highest = field.get_validation("min"), field.get_validation("max")
        if lowest is not None and value < to_bound(lowest):
            raise FieldError(f"Must be {lowest} or more")
        if highest is not None and value > to_bound(highest):
            raise FieldError(f"Must be {highest} or less")

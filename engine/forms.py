"""Checking submitted task data against the task's form: generated (``camunda:formData``) or a
Camunda Form (form-js, ``camunda:formRef``).

Values arrive as JSON or as HTML form strings; each field is coerced to its declared type
(string, long, boolean, date, enum) and checked against its constraints (required, minlength,
maxlength, min, max, readonly). Every error is collected so a page can show them all at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import partial
from typing import Any

from .camunda_forms import CamundaForm, Component
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
    entries = [
        (field.id, has_constraint(field, "readonly"), _default(field), partial(_clean_field, field))
        for field in fields
    ]
    return _clean_all(entries, submitted, current)


def _clean_all(entries: list[tuple], submitted: Mapping, current: Mapping) -> dict:
    """``entries`` are (key, read-only, default, clean) per field, in page order.

    Read-only fields keep their current value; every problem is collected, then raised at once.
    """
    known = {key for key, *_rest in entries}
    errors = {key: "is not a field of this form" for key in submitted if key not in known}
    cleaned: dict[str, Any] = {}
    for key, readonly, default, clean in entries:
        if readonly:
            cleaned[key] = current.get(key, default)
            continue
        try:
            cleaned[key] = clean(submitted.get(key))
        except FieldError as error:
            errors[key] = str(error)
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


# --- Camunda Forms (form-js) ------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


def validate_form_submission(
    form: CamundaForm, submitted: Mapping[str, Any], current: Mapping[str, Any]
) -> dict:
    """Cleaned values for every input of a Camunda Form, checked as form-js checks them."""
    entries = [(c.key, c.readonly, c.default, partial(_clean_component, c)) for c in form.inputs()]
    return _clean_all(entries, submitted, current)


def _clean_component(component: Component, raw: Any) -> Any:
    value = _coerce_component(component, raw)
    empty = value in (None, "", []) or (component.type == "checkbox" and value is False)
    if empty and component.required:
        verb = "Enter" if component.type in ("textfield", "textarea", "number") else "Choose"
        if component.type == "checkbox":
            raise FieldError(f"Tick '{component.label}'")
        raise FieldError(f"{verb} '{component.label}'")
    if empty:
        return value
    if isinstance(value, str):
        _check_text(component, value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if component.minimum is not None and value < component.minimum:
            raise FieldError(f"Must be {_plain(component.minimum)} or more")
        if component.maximum is not None and value > component.maximum:
            raise FieldError(f"Must be {_plain(component.maximum)} or less")
    return value


def _coerce_component(component: Component, raw: Any) -> Any:
    kind = component.type
    if kind == "checkbox":
        return False if raw in (None, "") else _to_bool(raw)
    if kind == "checklist":
        chosen = [str(item) for item in (raw if isinstance(raw, list) else [raw]) if item]
        allowed = [choice.value for choice in component.choices]
        if any(item not in allowed for item in chosen):
            raise FieldError(f"Choose from: {', '.join(c.label for c in component.choices)}")
        return chosen
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if kind in ("radio", "select"):
        if str(raw) not in [choice.value for choice in component.choices]:
            raise FieldError(f"Choose one of: {', '.join(c.label for c in component.choices)}")
        return str(raw)
    if kind == "number":
        return _to_number(raw)
    if kind == "datetime":
        return _to_moment(component.subtype, raw)
    return raw.strip() if isinstance(raw, str) else str(raw)


def _to_number(raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise FieldError("Enter a number")
    if isinstance(raw, int | float):
        return raw
    text = str(raw).strip().replace(",", "")
    try:
        number = float(text)
    except ValueError:
        raise FieldError("Enter a number, like 3 or 2.5") from None
    if not math.isfinite(number):
        raise FieldError("Enter a number, like 3 or 2.5")
    return int(number) if number.is_integer() and "." not in text else number


def _to_moment(subtype: str | None, raw: Any) -> date | str:
    if subtype == "date":
        return parse_date(raw)
    text = str(raw).strip()
    if subtype == "time":
        if not _TIME.match(text):
            raise FieldError("Enter a time in 24-hour format, like 14:30")
        return text
    day, _, time = text.partition("T")
    if not _TIME.match(time):
        raise FieldError("Enter a date and a time, like 27 3 2026 and 14:30")
    return f"{parse_date(day).isoformat()}T{time}"


def _check_text(component: Component, value: str) -> None:
    if component.min_length is not None and len(value) < component.min_length:
        raise FieldError(f"Must be at least {component.min_length} characters")
    if component.max_length is not None and len(value) > component.max_length:
        raise FieldError(f"Must be {component.max_length} characters or fewer")
    if component.pattern and not re.search(component.pattern, value):
        raise FieldError(f"'{component.label}' is not in the expected format")
    if component.validation_type == "email" and not _EMAIL.match(value):
        raise FieldError("Enter an email address, like name@example.gov.uk")
    if component.validation_type == "phone" and not _PHONE.match(value):
        raise FieldError("Enter a phone number, like 01632 960 001")


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)

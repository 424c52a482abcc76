"""``typeRef`` on inputs, outputs and literal expression variables, as Camunda 7 converts.

A value is converted to the declared type or the decision fails: ``string`` takes anything,
``boolean`` a boolean or the text true/false, ``integer``/``long`` a whole number or its text,
``double`` a number or its text, ``date`` a date and time or its ISO text (a date alone, as our
forms send it, is read as midnight). Any other type, or none, leaves the value as it is.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any


class ConversionError(ValueError):
    """A value that is not of, and cannot become, the declared type."""


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ConversionError


def _whole(value: Any) -> int:
    if isinstance(value, str):
        return int(value.strip())
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if value == int(value):
            return int(value)
    raise ConversionError


def _double(value: Any) -> float:
    if isinstance(value, str) or (
        isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    ):
        return float(value)
    raise ConversionError


def _moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        return datetime.fromisoformat(value.strip())
    raise ConversionError


CONVERTERS = {
    "string": _text,
    "boolean": _boolean,
    "integer": _whole,
    "long": _whole,
    "double": _double,
    "date": _moment,
}


def convert(value: Any, type_ref: str | None) -> Any:
    """``value`` as ``type_ref`` says; ConversionError when it cannot be one."""
    converter = CONVERTERS.get((type_ref or "").strip().lower())
    if value is None or converter is None:
        return value
    try:
        return converter(value)
    except (ValueError, TypeError, ArithmeticError):
        raise ConversionError(f"{value!r} is not of type {type_ref}") from None

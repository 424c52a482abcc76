"""Camunda 7's REST variable format, ``{"name": {"value": v, "type": "Integer"}}``, as process data.

Values are converted the way Camunda's REST API converts them (its JSON mapper accepts ``"5"``
for an Integer and ``"true"`` for a Boolean), so a start from Camunda Modeler sees the same
types here as it would in Camunda. Dates use Camunda's REST format
``yyyy-MM-dd'T'HH:mm:ss.SSSZ`` and become timezone-aware datetimes (UTC); ``Json`` is parsed.
Java-only types (``Object``, ``Bytes``, ``File``, ``Xml``) are refused: nothing here runs Java
deserialisation. A value without a ``type`` is taken as it is (plain JSON).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ..errors import InvalidVariables

CAMUNDA_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"  # Camunda's yyyy-MM-dd'T'HH:mm:ss.SSSZ
DATE_EXAMPLE = "2026-12-01T09:00:00.000+0000"
WHOLE_RANGES = {
    "Short": (-(2**15), 2**15 - 1),
    "Integer": (-(2**31), 2**31 - 1),
    "Long": (-(2**63), 2**63 - 1),
}
JAVA_ONLY = ("Object", "Bytes", "File", "Xml")


class _NotConvertible(ValueError):
    """The value cannot be read as its declared type."""


def from_camunda(variables: Any) -> dict[str, Any]:
    """Camunda-typed (or plain) variables as process data; InvalidVariables names each bad one."""
    if variables is None:
        return {}
    if not isinstance(variables, dict):
        raise InvalidVariables({"variables": "must be a JSON object of name: value"})
    converted, errors = {}, {}
    for name, value in variables.items():
        try:
            converted[name] = typed_value(value)
        except _NotConvertible as error:
            errors[str(name)] = str(error)
    if errors:
        raise InvalidVariables(errors)
    return converted


def typed_value(value: Any) -> Any:
    """One variable: ``{"value", "type"}`` converted by its type, anything else as it is."""
    if not (isinstance(value, dict) and "value" in value):
        return value
    kind, plain = _type_name(value.get("type")), value["value"]
    if kind is None:
        return plain
    if kind in JAVA_ONLY:
        raise _NotConvertible(
            f"type '{kind}' needs Java serialisation, which is not supported; "
            "send the value as Json or as plain values"
        )
    converter = CONVERTERS.get(kind)
    if converter is None:
        known = ", ".join(CONVERTERS)
        raise _NotConvertible(f"Unsupported value type '{value['type']}' (known: {known})")
    if plain is None:
        return None  # Camunda accepts a null value of any type
    return converter(kind, plain)


def _type_name(name: Any) -> str | None:
    """Camunda reads ``integer`` as ``Integer`` (only the first letter's case is free)."""
    if name is None or name == "":
        return None
    text = str(name)
    return text[:1].upper() + text[1:]


def _cannot(kind: str, plain: Any, hint: str = "") -> _NotConvertible:
    return _NotConvertible(f"Cannot convert value '{plain}' to type {kind}{hint}")


def _whole(kind: str, plain: Any) -> int:
    if isinstance(plain, bool):
        raise _cannot(kind, plain)
    if isinstance(plain, float) and plain.is_integer():
        plain = int(plain)
    if isinstance(plain, str):
        try:
            plain = int(plain.strip())
        except ValueError:
            raise _cannot(kind, plain) from None
    if not isinstance(plain, int):
        raise _cannot(kind, plain)
    low, high = WHOLE_RANGES[kind]
    if not low <= plain <= high:
        raise _cannot(kind, plain, f": {kind} holds whole numbers from {low} to {high}")
    return plain


def _double(kind: str, plain: Any) -> float:
    if isinstance(plain, bool) or not isinstance(plain, int | float | str):
        raise _cannot(kind, plain)
    try:
        number = float(plain)
    except ValueError:
        raise _cannot(kind, plain) from None
    if not math.isfinite(number):
        raise _cannot(kind, plain, ": the number must be finite")
    return number


def _boolean(kind: str, plain: Any) -> bool:
    if isinstance(plain, bool):
        return plain
    if isinstance(plain, str) and plain.strip().lower() in ("true", "false"):
        return plain.strip().lower() == "true"
    raise _cannot(kind, plain, ": use true or false")


def _date(kind: str, plain: Any) -> datetime:
    try:
        return datetime.strptime(str(plain).strip(), CAMUNDA_DATE_FORMAT).astimezone(UTC)
    except ValueError:
        raise _cannot(kind, plain, f": write dates like {DATE_EXAMPLE}") from None


def _string(kind: str, plain: Any) -> str:
    if isinstance(plain, dict | list):
        raise _cannot(kind, plain)
    if isinstance(plain, bool):
        return "true" if plain else "false"
    return str(plain)


def _json(kind: str, plain: Any) -> Any:
    if not isinstance(plain, str):
        return plain
    try:
        return json.loads(plain)
    except ValueError:
        raise _cannot(kind, plain, ": the text is not valid JSON") from None


CONVERTERS: dict[str, Callable[[str, Any], Any]] = {
    "String": _string,
    "Boolean": _boolean,
    "Short": _whole,
    "Integer": _whole,
    "Long": _whole,
    "Double": _double,
    "Date": _date,
    "Json": _json,
    "Null": lambda _kind, _plain: None,
}

"""What JUEL expressions do when they run: EL 2.2 comparisons and the Java methods we offer.

Comparisons follow the EL 2.2 specification (sections 1.8 and 1.9, coercions in 1.18): ``==``
and ``!=`` are false against null; if either side is a number the other is coerced to a
number (text that is not a number is an error, as in Camunda), else if either side is
true/false the other is coerced ("true" in any case is true), else if either side is text
the other is compared as text. ``<``, ``>``, ``<=``, ``>=`` are false against null, coerce to
numbers or to text the same way, and otherwise order values of one kind (dates, durations).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from ..sandbox import limits
from ..sandbox.limits import text_of

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
# two values of one of these types compare in EL exactly as in Python
_SAME_AS_PYTHON = frozenset({int, float, str, bool})
_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,300}")


class ELError(ValueError):
    """An expression that cannot be evaluated as EL 2.2 says (Camunda raises too)."""


def kind_of(value: Any) -> str:
    """A name for the kind of ``value`` that a process owner recognises."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple | set | frozenset):
        return "a list"
    if isinstance(value, Mapping):
        return "a map"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, timedelta):
        return "a duration"
    return type(value).__name__


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def to_number(value: Any, whole: bool) -> int | float:
    """EL coercion to a number: null and "" are 0; other text must be a number."""
    if value is None or value == "":
        return 0
    if _is_number(value):
        return int(value) if whole and isinstance(value, float) else value
    if isinstance(value, str):
        text = value.strip()
        if whole and _WHOLE_NUMBER.fullmatch(text):
            return int(text)
        if not whole:
            try:
                return float(text)
            except ValueError:
                pass
        raise ELError(f"cannot compare the text '{value[:40]}' with a number")
    raise ELError(f"cannot compare {kind_of(value)} with a number")


def to_boolean(value: Any) -> bool:
    """EL coercion to true/false: null and "" are false, text is true only if "true"."""
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() == "true"
    raise ELError(f"cannot compare {kind_of(value)} with true/false")


def truth(value: Any) -> bool:
    """An operand of ``&&``, ``||`` or ``!`` read as true/false, as EL reads it."""
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() == "true"
    raise ELError(
        f"{kind_of(value)} cannot be read as true/false by &&, || or !; compare it instead "
        "(count > 0, not empty list)"
    )


def to_text(value: Any) -> str:
    """EL coercion to text: null is "", true/false are "true"/"false"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return text_of(value)


def _coerced(left: Any, right: Any) -> tuple[Any, Any] | None:
    """Both sides coerced to the type EL compares them as (None: compare as they are)."""
    if isinstance(left, float) or isinstance(right, float):
        return to_number(left, whole=False), to_number(right, whole=False)
    if _is_number(left) or _is_number(right):
        wholes = (to_number(left, whole=True), to_number(right, whole=True))
        return wholes
    return None


def equals(left: Any, right: Any) -> bool:
    """EL's ``==``."""
    if left is right:
        return True
    if left is None or right is None:
        return False
    if (numbers := _coerced(left, right)) is not None:
        return numbers[0] == numbers[1]
    if isinstance(left, bool) or isinstance(right, bool):
        return to_boolean(left) == to_boolean(right)
    if isinstance(left, str) or isinstance(right, str):
        return to_text(left) == to_text(right)
    return left == right


def compare(symbol: str, left: Any, right: Any) -> bool:
    """EL's ``==``, ``!=``, ``<``, ``>``, ``<=`` or ``>=`` of ``left`` and ``right``."""
    if type(left) is type(right) and type(left) in _SAME_AS_PYTHON:
        return _ORDER[symbol](left, right)
    if symbol == "==":
        return equals(left, right)
    if symbol == "!=":
        return not equals(left, right)
    if left is None or right is None:
        return False
    pair = _coerced(left, right)
    if pair is None and (isinstance(left, str) or isinstance(right, str)):
        pair = to_text(left), to_text(right)
    left, right = pair or (left, right)
    try:
        return _ORDER[symbol](left, right)
    except TypeError:
        raise ELError(f"cannot order {kind_of(left)} and {kind_of(right)}") from None


_GROWING = frozenset({"+", "*", "%"})  # checked by the sandbox before the work is done
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "-": operator.sub,
    "/": operator.truediv,
    "//": operator.floordiv,
}


def as_number(value: Any) -> int | float | None:
    """EL's reading of null or text as a number ("2" is 2, "2.5" is 2.5); None for text
    that is not a number."""
    if value is None or value == "":
        return 0
    text = value.strip()
    if _WHOLE_NUMBER.fullmatch(text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return None


def arithmetic(symbol: str, left: Any, right: Any) -> Any:
    """``left symbol right``; beside a number, null and text holding a number are read as
    numbers (EL), else Python's meaning (text and lists join, "ab" * 2 repeats, dates move
    by durations)."""
    if _is_number(left) and isinstance(right, str | None):
        right = _operand(symbol, right)
    elif _is_number(right) and isinstance(left, str | None):
        left = _operand(symbol, left)
    if symbol in _GROWING:
        return limits.guarded_binop(symbol, left, right)
    return _ARITHMETIC[symbol](left, right)


def _operand(symbol: str, value: str | None) -> Any:
    number = as_number(value)
    if number is not None:
        return number
    if symbol in _GROWING:
        return value  # Python's meaning: "ab" * 2 repeats, the sandbox refuses "%d" % n
    raise ELError(f"cannot use the text '{value[:40]}' as a number")


def property_of(value: Any, name: str) -> Any:
    """``value.name``: a map's entry (null when absent, as Camunda's map resolver), else the
    value's own attribute (``due.year``)."""
    if isinstance(value, Mapping):
        return value.get(name)
    if value is None:
        raise ELError(f"cannot read '{name}' of null (a variable that is not set)")
    return getattr(value, name)

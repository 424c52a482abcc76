"""The Java methods Camunda users call in expressions, on our values (text, lists, maps).

Each is checked at deploy for its name and number of arguments; at run time a method called
on a value of another kind (``size()`` on text) or on null is an error naming the method,
as Camunda's is. Python methods of text, lists, maps and dates stay available (shipped
diagrams use ``split``, ``strip``, ``get``); anything else is refused at deploy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from .runtime import ELError, kind_of, to_text

_LISTS = (list, tuple, set, frozenset)
_SIZED = (str, list, tuple, set, frozenset, dict)


def _need(value: Any, kinds: tuple[type, ...], name: str) -> None:
    if not isinstance(value, kinds) or isinstance(value, bool):
        raise ELError(f"{name}() cannot be called on {kind_of(value)}")


def _equals(value: Any, other: Any) -> bool:
    """Java's equals: no coercion, so text never equals a number; numbers by value."""
    if isinstance(value, bool) != isinstance(other, bool):
        return False
    if isinstance(value, int | float) and isinstance(other, int | float):
        return value == other
    return type(value) is type(other) and value == other


def _size(value: Any) -> int:
    _need(value, _LISTS + (dict,), "size")
    return len(value)


def _length(value: Any) -> int:
    _need(value, (str,), "length")
    return len(value)


def _is_empty(value: Any) -> bool:
    _need(value, _SIZED, "isEmpty")
    return len(value) == 0


def _contains(value: Any, item: Any) -> bool:
    if isinstance(value, str):
        _need(item, (str,), "contains")
        return item in value
    _need(value, _LISTS, "contains")
    return item in value


def _get(value: Any, key: Any, *default: Any) -> Any:
    if isinstance(value, Mapping):
        return value.get(key, *default)
    _need(value, (list, tuple), "get")
    if default:
        raise ELError("get() on a list takes one argument, the position")
    if not isinstance(key, int) or isinstance(key, bool) or not 0 <= key < len(value):
        raise ELError(f"get({key!r}) is outside the list of {len(value)} items")
    return value[key]


def _index_of(value: Any, item: Any) -> int:
    if isinstance(value, str):
        _need(item, (str,), "indexOf")
        return value.find(item)
    _need(value, (list, tuple), "indexOf")
    return value.index(item) if item in value else -1


def _text(name: str, action: Callable[..., Any]) -> Callable[..., Any]:
    def method(value: Any, *args: Any) -> Any:
        _need(value, (str,), name)
        for argument in args:
            if not isinstance(argument, str | int) or isinstance(argument, bool):
                raise ELError(f"{name}() takes text, not {kind_of(argument)}")
        return action(value, *args)

    return method


def _substring(text: str, begin: int, end: int | None = None) -> str:
    end = len(text) if end is None else end
    if not 0 <= begin <= end <= len(text):
        raise ELError(f"substring({begin}, {end}) is outside text of {len(text)} characters")
    return text[begin:end]


# name: (function of the value and the arguments, fewest arguments, most arguments)
JAVA_METHODS: dict[str, tuple[Callable[..., Any], int, int]] = {
    "equals": (_equals, 1, 1),
    "equalsIgnoreCase": (
        _text("equalsIgnoreCase", lambda s, other: s.casefold() == other.casefold()),
        1,
        1,
    ),
    "size": (_size, 0, 0),
    "length": (_length, 0, 0),
    "isEmpty": (_is_empty, 0, 0),
    "contains": (_contains, 1, 1),
    "containsKey": (lambda m, key: _need(m, (dict,), "containsKey") or key in m, 1, 1),
    "containsValue": (
        lambda m, item: _need(m, (dict,), "containsValue") or item in m.values(),
        1,
        1,
    ),
    "get": (_get, 1, 2),  # map.get(key, default) as in Python
    "indexOf": (_index_of, 1, 1),
    "startsWith": (_text("startsWith", str.startswith), 1, 1),
    "endsWith": (_text("endsWith", str.endswith), 1, 1),
    "toLowerCase": (_text("toLowerCase", str.lower), 0, 0),
    "toUpperCase": (_text("toUpperCase", str.upper), 0, 0),
    "trim": (_text("trim", str.strip), 0, 0),
    "substring": (_text("substring", _substring), 1, 2),
    "toString": (lambda value: to_text(value), 0, 0),
}
# Python methods that change a value in place: refused (values are never changed in place)
IN_PLACE_METHODS = frozenset(
    {"append", "extend", "insert", "remove", "pop", "popitem", "clear", "sort", "reverse"}
    | {"update", "setdefault", "add", "discard", "put", "putAll", "set"}
    | {"intersection_update", "difference_update", "symmetric_difference_update"}
)
_VALUE_TYPES = (str, bytes, int, float, list, tuple, dict, set, frozenset)
PYTHON_METHODS = (
    frozenset(
        name
        for kind in (*_VALUE_TYPES, date, datetime, timedelta, relativedelta)
        for name in dir(kind)
        if not name.startswith("_") and callable(getattr(kind, name))
    )
    - IN_PLACE_METHODS
)


def call_method(value: Any, name: str, *args: Any) -> Any:
    """``value.name(*args)`` as Java would answer it (``name`` is in JAVA_METHODS)."""
    if value is None:
        raise ELError(f"{name}() was called on null (a variable that is not set)")
    function, _, _ = JAVA_METHODS[name]
    return function(value, *args)

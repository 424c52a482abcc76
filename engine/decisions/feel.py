"""FEEL simple unary tests: the input entries of a Camunda 7 decision table.

Parsed once at deploy into plain Python objects and matched without evaluating any text:

- ``-`` (or an empty cell) matches anything;
- a value ``"share"``, ``18``, ``-2.5``, ``true``, ``null``, ``date("2026-01-01")``,
  ``date and time("2026-01-01T09:00:00")`` or a variable name matches an equal input;
- a comparison ``< 10``, ``<= 10``, ``> 10``, ``>= 10``;
- a range ``[1..10]``, ``]1..10[``, ``(1..10)`` (a round or outward bracket excludes the end);
- several tests separated by commas match when any does; ``not(...)`` negates them.

As in FEEL, values of different types are never equal and never compare (a string input never
matches ``< 10``); a date input given as ISO text is read as a date, because form and REST
variables carry dates as text, and a date and time compared with ``date(...)`` compares its day
(Camunda's ``date`` typeRef makes every date input a date and time).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

Lookup = Callable[[str], Any]  # reads a variable an endpoint names


class FeelError(ValueError):
    """Text that is not a FEEL simple unary test, with the reason."""


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"(?:[^"\\]|\\.)*")
     |(?P<number>\d+(?:\.\d+)?|\.\d+)
     |(?P<range>\.\.)
     |(?P<datetime>date\s+and\s+time)
     |(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
     |(?P<op><=|>=|<|>|\[|\]|\(|\)|,|-)
     |(?P<other>\S)
    )""",
    re.VERBOSE,
)
_LITERAL_WORDS = {"true": True, "false": False, "null": None}
_TEMPORAL = {"date": date.fromisoformat, "date and time": datetime.fromisoformat}


@dataclass(frozen=True)
class Endpoint:
    """A literal value, or the name of a variable read when the rule is checked."""

    value: Any = None
    name: str | None = None

    def resolve(self, lookup: Lookup) -> Any:
        """The endpoint's value (a named variable's value read through ``lookup``)."""
        return lookup(self.name) if self.name else self.value


@dataclass(frozen=True)
class Test:
    """One test: ``operator`` is ``=``, ``<``, ``<=``, ``>``, ``>=`` or ``range``."""

    operator: str
    low: Endpoint
    high: Endpoint | None = None
    closed: tuple[bool, bool] = (True, True)

    def matches(self, value: Any, lookup: Lookup) -> bool:
        """Whether ``value`` passes this test."""
        low = self.low.resolve(lookup)
        if self.operator == "=":
            return _equal(value, low)
        if self.operator == "range":
            high = self.high.resolve(lookup)
            lower = _compare(value, ">=" if self.closed[0] else ">", low)
            return lower and _compare(value, "<=" if self.closed[1] else "<", high)
        return _compare(value, self.operator, low)


@dataclass(frozen=True)
class UnaryTests:
    """A parsed input entry: any of ``tests`` (all inputs when empty), negated or not."""

    tests: tuple[Test, ...] = ()
    negated: bool = False

    def matches(self, value: Any, lookup: Lookup) -> bool:
        """Whether an input ``value`` satisfies the entry."""
        if not self.tests:
            return True
        found = any(test.matches(value, lookup) for test in self.tests)
        return found != self.negated

    @property
    def names(self) -> list[str]:
        """The variables the entry's endpoints name."""
        endpoints = [e for t in self.tests for e in (t.low, t.high) if e is not None]
        return [e.name for e in endpoints if e.name]


def parse_unary_tests(text: str | None) -> UnaryTests:
    """Parse an input entry; FeelError says why text is not a simple unary test."""
    text = (text or "").strip()
    if text in ("", "-"):
        return UnaryTests()
    tokens = _Tokens(text)
    negated = tokens.peek() == ("name", "not")
    if negated:
        tokens.next()
        tokens.expect("(")
    tests = [_test(tokens)]
    while tokens.accept(","):
        tests.append(_test(tokens))
    if negated:
        tokens.expect(")")
    tokens.expect_end()
    return UnaryTests(tuple(tests), negated)


def parse_literal(text: str) -> Any:
    """A FEEL literal (string, number, boolean, null, date) as a value; FeelError if not one."""
    tokens = _Tokens(text.strip())
    endpoint = _endpoint(tokens)
    tokens.expect_end()
    if endpoint.name:
        raise FeelError(f"'{text}' is a name, not a literal value")
    return endpoint.value


class _Tokens:
    def __init__(self, text: str):
        self.text = text
        self.items: list[tuple[str, str]] = []
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup
            if kind == "other":
                raise FeelError(f"unexpected '{match.group(kind)}'")
            if kind:
                self.items.append((kind, match.group(kind)))
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.position] if self.position < len(self.items) else None

    def next(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise FeelError("the test ends too early")
        self.position += 1
        return token

    def accept(self, symbol: str) -> bool:
        token = self.peek()
        if token is not None and token[1] == symbol and token[0] in ("op", "range"):
            self.position += 1
            return True
        return False

    def expect(self, symbol: str) -> None:
        if not self.accept(symbol):
            found = self.peek()
            raise FeelError(f"expected '{symbol}' but found {_shown(found)}")

    def expect_end(self) -> None:
        if self.peek() is not None:
            raise FeelError(f"unexpected {_shown(self.peek())} (is a comma missing?)")


def _shown(token: tuple[str, str] | None) -> str:
    return "the end" if token is None else f"'{token[1]}'"


def _test(tokens: _Tokens) -> Test:
    token = tokens.peek()
    if token in (("op", "<"), ("op", "<="), ("op", ">"), ("op", ">=")):
        tokens.next()
        return Test(token[1], _endpoint(tokens))
    if token in (("op", "["), ("op", "("), ("op", "]")):
        tokens.next()
        low = _endpoint(tokens)
        tokens.expect("..")
        high = _endpoint(tokens)
        closing = tokens.next()
        if closing[1] not in ("]", ")", "["):
            raise FeelError(f"a range ends with ']', ')' or '[', not '{closing[1]}'")
        return Test("range", low, high, (token[1] == "[", closing[1] == "]"))
    return Test("=", _endpoint(tokens))


def _endpoint(tokens: _Tokens) -> Endpoint:
    kind, text = tokens.next()
    if kind == "string":
        return Endpoint(_unescape(text[1:-1]))
    if kind == "number" or (kind, text) == ("op", "-"):
        return Endpoint(_number(tokens, text))
    if kind == "datetime" or text in ("date", "time", "duration"):
        return Endpoint(_temporal(tokens, re.sub(r"\s+", " ", text)))
    if kind == "name" and text in _LITERAL_WORDS:
        return Endpoint(_LITERAL_WORDS[text])
    if kind == "name" and text != "not":
        return Endpoint(name=text)
    raise FeelError(f"expected a value but found '{text}'")


def _number(tokens: _Tokens, text: str) -> int | Decimal:
    if text == "-":
        kind, text = tokens.next()
        if kind != "number":
            raise FeelError(f"expected a number after '-' but found '{text}'")
        text = "-" + text
    return int(text) if re.fullmatch(r"-?\d+", text) else Decimal(text)


def _temporal(tokens: _Tokens, function: str) -> date | datetime:
    if function not in _TEMPORAL:
        raise FeelError(f"{function}(...) values are not supported; use date or date and time")
    tokens.expect("(")
    kind, text = tokens.next()
    tokens.expect(")")
    if kind != "string":
        raise FeelError(f'{function}(...) takes a quoted value, e.g. {function}("2026-01-01")')
    try:
        return _TEMPORAL[function](text[1:-1])
    except ValueError:
        raise FeelError(f"'{text[1:-1]}' is not a valid {function}") from None


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _kind(value: Any) -> str | None:
    """FEEL's type of a value: values compare only within one kind."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, datetime):
        return "date and time"
    for kind, python_type in (("date", date), ("string", str)):
        if isinstance(value, python_type):
            return kind
    return None


def _aligned(value: Any, other: Any) -> tuple[Any, Any]:
    """The input read as the endpoint's kind when it is ISO text for a date (or a day when the
    endpoint is a date); numbers as Decimal."""
    if isinstance(value, str) and _kind(other) in ("date", "date and time"):
        try:
            value = _TEMPORAL[_kind(other)](value)
        except ValueError:
            return value, other
    if isinstance(value, datetime) and _kind(other) == "date":
        return value.date(), other  # a date and time input against date(...): its day
    if isinstance(value, datetime) and isinstance(other, datetime):
        return _utc(value), _utc(other)
    if _kind(value) == _kind(other) == "number":
        return Decimal(str(value)), Decimal(str(other))
    return value, other


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _equal(value: Any, other: Any) -> bool:
    value, other = _aligned(value, other)
    if value is None or other is None:
        return value is other
    return _kind(value) == _kind(other) is not None and value == other


_COMPARISONS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _compare(value: Any, operator: str, other: Any) -> bool:
    value, other = _aligned(value, other)
    if _kind(value) in (None, "boolean") or _kind(value) != _kind(other):
        return False
    return _COMPARISONS[operator](value, other)

"""The functions expressions may call (and nothing else): dates, durations, working days."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from .agencies import agency_name
from .clock import Clock
from .sandbox.limits import MAX_ROUND_DIGITS, MAX_STRING, LimitExceeded, text_of
from .workdays import MAX_WORKING_DAYS, UK_TIME, WorkingDayCalendar, to_local


@dataclass(frozen=True)
class WorkingDays:
    """A duration counted in England & Wales working days; resolved against a start time."""

    count: int

    def __post_init__(self) -> None:
        if abs(self.count) > MAX_WORKING_DAYS:
            raise ValueError(
                f"{self.count:,} working days is too far; the limit is {MAX_WORKING_DAYS:,}"
            )

    def __neg__(self) -> WorkingDays:
        return WorkingDays(-self.count)

    def __str__(self) -> str:
        return f"{self.count} working day{'s' if abs(self.count) != 1 else ''}"


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        return to_local(value).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(text_of(value))


def _to_datetime(value: Any) -> datetime:
    if isinstance(value, datetime | date):
        return to_local(value)
    return to_local(datetime.fromisoformat(text_of(value)))


def _is_empty(value: Any) -> bool:
    return value is None or (hasattr(value, "__len__") and len(value) == 0)


def _sum(values: Any, start: int | float = 0) -> int | float:
    """Adds numbers only: summing lists or text would copy them once per item."""
    if not isinstance(start, int | float):
        raise TypeError("sum() adds numbers; join lists with +")
    return sum(values, start)


def _round(number: Any, ndigits: int | None = None) -> Any:
    """Python's round; ``round(n, -d)`` computes 10 ** d, so d is bounded like any number."""
    if ndigits is not None and abs(ndigits) > MAX_ROUND_DIGITS:
        raise LimitExceeded(f"round() to {ndigits:,} digits; the limit is {MAX_ROUND_DIGITS:,}")
    return round(number, ndigits)


def _agency_groups(agencies: Any, role: str) -> str:
    """``a:role, b:role`` for agencies [a, b]: candidate groups or recipients per agency."""
    suffix, groups, total = ":" + text_of(role), [], 0
    for agency in agencies or ():
        groups.append(text_of(agency) + suffix)
        total += len(groups[-1]) + 2
        if total > MAX_STRING:
            raise LimitExceeded(f"agency groups beyond the limit of {MAX_STRING:,} characters")
    return ", ".join(groups)


FUNCTION_NAMES = frozenset(
    {
        "var",
        "working_days",
        "add_working_days",
        "is_working_day",
        "days",
        "weeks",
        "hours",
        "minutes",
        "months",
        "years",
        "date",
        "datetime",
        "now",
        "today",
        "empty",
        "len",
        "min",
        "max",
        "abs",
        "int",
        "float",
        "str",
        "bool",
        "round",
        "sum",
        "sorted",
        "lower",
        "upper",
        "agency_groups",
        "agency_name",
    }
)


def library(clock: Clock, calendar: WorkingDayCalendar) -> dict[str, Callable[..., Any]]:
    """Every function by name, bound to one clock and calendar (see FUNCTION_NAMES)."""
    return {
        "working_days": lambda n: WorkingDays(int(n)),
        "add_working_days": lambda start, n: calendar.add(_to_datetime(start), int(n)),
        "is_working_day": lambda day: calendar.is_working_day(_to_date(day)),
        "days": lambda n: timedelta(days=n),
        "weeks": lambda n: timedelta(weeks=n),
        "hours": lambda n: timedelta(hours=n),
        "minutes": lambda n: timedelta(minutes=n),
        "months": lambda n: relativedelta(months=int(n)),
        "years": lambda n: relativedelta(years=int(n)),
        "date": _to_date,
        "datetime": _to_datetime,
        "now": lambda: clock.now().astimezone(UK_TIME),
        "today": lambda: clock.now().astimezone(UK_TIME).date(),
        "empty": _is_empty,
        "len": len,
        "min": min,
        "max": max,
        "abs": abs,
        "int": int,
        "float": float,
        "str": text_of,
        "bool": bool,
        "round": _round,
        "sum": _sum,
        "sorted": sorted,
        "lower": lambda s: text_of(s).lower(),
        "upper": lambda s: text_of(s).upper(),
        "agency_groups": _agency_groups,
        "agency_name": lambda code: agency_name(str(code or "")),  # for subjects in words
    }

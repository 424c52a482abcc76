"""The dashboard's filters: a period (from, to: UK dates, both inclusive) and an agency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..agencies import AGENCIES
from ..errors import InvalidSubmission
from ..workdays import UK_TIME

DEFAULT_DAYS = 365  # with no period given: the year up to today


@dataclass(frozen=True)
class Filters:
    """A checked period and agency; ``agency`` None means every agency."""

    start: date
    end: date
    agency: str | None = None

    @property
    def since(self) -> datetime:
        """The first moment of the period (UK midnight at its start)."""
        return datetime.combine(self.start, time(0), tzinfo=UK_TIME)

    @property
    def until(self) -> datetime:
        """The first moment after the period (UK midnight after its last day)."""
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=UK_TIME)

    def query_args(self) -> dict[str, str]:
        """The filters as the page's query string (for CSV links)."""
        args = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        return {**args, "agency": self.agency} if self.agency else args


def parse_filters(values: dict, today: date, fixed_agency: str | None = None) -> Filters:
    """Filters from the form's ``from``, ``to`` and ``agency`` (``fixed_agency`` overrides the
    last); InvalidSubmission naming each field that is wrong."""
    errors: dict[str, str] = {}
    start = _date(values.get("from"), "from", "Date from", errors)
    end = _date(values.get("to"), "to", "Date to", errors)
    agency = fixed_agency or (values.get("agency") or "").strip() or None
    if agency is not None and agency not in AGENCIES:
        errors["agency"] = "Choose an agency from the list, or all agencies"
    if errors:
        raise InvalidSubmission(errors, values)
    end = end or today
    start = start or end - timedelta(days=DEFAULT_DAYS)
    if start > end:
        raise InvalidSubmission({"from": "Date from must be the same as or before date to"}, values)
    return Filters(start, end, agency)


def _date(text, field: str, label: str, errors: dict) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = f"{label} must be a real date, like 2026-04-01"
        return None

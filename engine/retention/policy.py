"""The retention policy in force: how long ended instances and closed cases are kept.

- An ended instance is kept for its definition's ``camunda:historyTimeToLive``; a process
  without one for the partnership's default (``JOINEDUP_HISTORY_TTL_DAYS``), or for ever when
  no default is set.
- A closed case is kept for a number of whole years after it closed, by case type
  (``JOINEDUP_RETENTION_YEARS_FAMILY``, ``JOINEDUP_RETENTION_YEARS_ADULT``; "never" keeps that
  type for ever). The defaults follow the IRMS Local Government retention guidelines the
  councils' records managers use: children's social care files 25 years, adult social care
  files 8 years after the case closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ..cases import CASE_TYPES
from ..errors import SettingError

DEFAULT_CASE_YEARS = {"family": 25, "adult": 8}
NEVER = "never"


@dataclass(frozen=True)
class RetentionPolicy:
    """Days an ended instance is kept by default (None: for ever) and years a closed case of
    each type is kept (a type left out is kept for ever)."""

    default_ttl_days: int | None = None
    case_years: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_CASE_YEARS))

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RetentionPolicy:
        """The policy from ``JOINEDUP_HISTORY_TTL_DAYS`` and ``JOINEDUP_RETENTION_YEARS_<TYPE>``;
        ValueError naming the setting when one is not a whole number (or "never")."""
        years = {}
        for case_type in CASE_TYPES:
            name = f"JOINEDUP_RETENTION_YEARS_{case_type.upper()}"
            value = _whole(name, env.get(name, str(DEFAULT_CASE_YEARS.get(case_type, NEVER))))
            if value is not None:
                years[case_type] = value
        default = _whole("JOINEDUP_HISTORY_TTL_DAYS", env.get("JOINEDUP_HISTORY_TTL_DAYS", ""))
        return cls(default_ttl_days=default, case_years=years)

    def ttl_rule(self, ttl_days: int | None) -> tuple[int | None, str]:
        """The days an instance of a definition with this time to live is kept, and why."""
        if ttl_days is not None:
            return ttl_days, f"historyTimeToLive {ttl_days} days"
        if self.default_ttl_days is not None:
            return self.default_ttl_days, f"partnership default {self.default_ttl_days} days"
        return None, "kept for ever (no historyTimeToLive and no default)"

    def case_rule(self, case_type: str) -> str:
        """How long a closed case of this type is kept, in words."""
        years = self.case_years.get(case_type)
        if years is None:
            return f"{case_type} cases: kept for ever"
        return f"{case_type} cases: {years} years after closure"


def add_years(moment: datetime, years: int) -> datetime:
    """``moment`` plus whole calendar years (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def subtract_years(moment: datetime, years: int) -> datetime:
    """``moment`` minus whole calendar years: cases closed at or before it are due."""
    return add_years(moment, -years)


def _whole(name: str, text: str) -> int | None:
    text = (text or "").strip()
    if not text or text.lower() == NEVER:
        return None
    if not (text.isascii() and text.isdigit()):
        raise SettingError(f"{name} is '{text}': set it to a whole number, or '{NEVER}'")
    return int(text)

"""``camunda:historyTimeToLive`` as Camunda 7 reads it: whole days, ``180`` or ``P180D``.

Camunda 7's ``ParseUtil.parseHistoryTimeToLive`` accepts an integer number of days or an
ISO 8601 duration in days only; anything else fails the deploy. An instance's removal time is
its end time plus the time to live of the definition version it ran on.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

DAYS = re.compile(r"^\s*(?:(\d+)|P(\d+)D)\s*$")


def is_days(text: str) -> bool:
    """Whether ``text`` is a time to live Camunda 7 accepts (an empty one means none)."""
    return not text.strip() or DAYS.match(text) is not None


def ttl_days(text: str | None) -> int | None:
    """The number of days, or None when absent or empty (the deploy check refuses the rest)."""
    match = DAYS.match(text or "")
    if match is None:
        return None
    return int(match.group(1) or match.group(2))


def removal_time(ended_at: datetime, days: int) -> datetime:
    """When an instance that ended at ``ended_at`` is due to be removed."""
    return ended_at + timedelta(days=days)

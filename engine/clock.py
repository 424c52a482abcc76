"""The one clock all due-time arithmetic goes through.

Production code reads ``Clock.now()``; tests hand the engine a ``FrozenClock`` and move it
with ``advance`` instead of sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Wall-clock time, always timezone-aware UTC."""

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        return datetime.now(UTC)


class FrozenClock(Clock):
    """A clock that stands still until told to move; for tests and benchmarks."""

    def __init__(self, start: datetime | str):
        self._now = _aware(datetime.fromisoformat(start) if isinstance(start, str) else start)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime | str) -> None:
        """Jump to ``moment`` (naive values are taken as UTC)."""
        self._now = _aware(datetime.fromisoformat(moment) if isinstance(moment, str) else moment)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward by ``delta`` or by ``timedelta(**kwargs)``; returns the new time."""
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)

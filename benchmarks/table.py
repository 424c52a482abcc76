"""One table for ``make bench``: each benchmark module's ``rows(quick)`` returns ``Row``s;
``benchmarks/run.py`` prints them together and writes README's performance section."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    goal: str  # the issue-20 goal or area it belongs to, e.g. "1 engine step"
    measure: str  # what was measured, in words ("start -> 3 tasks -> end, SQLite")
    figure: str  # the measured value with its unit ("4.1 ms / instance")
    ratio: float | None = None  # figure divided by the baseline named in ``against``
    against: str | None = None  # the baseline ("bare Spiff + JSON per step")
    target: str | None = None  # what the goal asks ("<= 2x", ">= 300 / s", "<= 1.5x")
    met: bool | None = None  # None when there is no target


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"

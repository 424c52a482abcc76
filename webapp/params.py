"""Query-string parameters, parsed in one place: a 400 with a message when one does not fit."""

from __future__ import annotations

from collections.abc import Iterable

from flask import request
from werkzeug.exceptions import BadRequest

MAX_PAGE = 10_000  # deeper than anyone pages; far below what an OFFSET can hold


def int_arg(name: str, default: int | None = None, low: int = 1, high: int = 2**31 - 1):
    """``?name=`` as a whole number from ``low`` to ``high``, or ``default`` when absent."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10):
        raise BadRequest(f"'{name}' must be a whole number, not '{raw[:20]}'")
    value = int(raw)
    if not low <= value <= high:
        raise BadRequest(f"'{name}' must be from {low} to {high}, not {value}")
    return value


def page_arg() -> int:
    """``?page=``: 1 when absent, at most MAX_PAGE."""
    return int_arg("page", 1, high=MAX_PAGE)


def choice_arg(name: str, choices: Iterable[str], default: str) -> str:
    """``?name=`` as one of ``choices``, or ``default`` when absent."""
    raw = request.args.get(name) or default
    allowed = list(choices)
    if raw not in allowed:
        raise BadRequest(f"'{name}' must be one of {', '.join(allowed)}, not '{raw[:40]}'")
    return raw

"""Query-string parameters, parsed in one place: a 400 with a message when one does not fit."""

from __future__ import annotations

from collections.abc import Iterable

from flask import request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from engine.inbox import Cursor, InvalidCursor

MAX_PAGE = 10_000  # deeper than anyone pages; far below what an OFFSET can hold
MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds; larger ones cannot exist


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes: an id beyond any database id is a 404, not a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def has_nul(*texts: str) -> bool:
    """Does any text hold a NUL character (which PostgreSQL text cannot store or compare)?"""
    return any("\x00" in text for text in texts)


def int_arg(name: str, default: int | None = None, low: int = 1, high: int = MAX_ID):
    """``?name=`` as a whole number from ``low`` to ``high``, or ``default`` when absent."""
    return whole_number(name, request.args.get(name, ""), default, low, high)


def form_int(name: str, default: int | None = None, low: int = 1, high: int = MAX_ID):
    """Posted field ``name`` as a whole number from ``low`` to ``high`` (as ``int_arg``)."""
    return whole_number(name, request.form.get(name, ""), default, low, high)


def whole_number(name: str, raw: str, default: int | None, low: int, high: int):
    """``raw`` as a whole number from ``low`` to ``high``; BadRequest naming ``name`` if not."""
    raw = raw.strip()
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


def cursor_arg(name: str) -> Cursor | None:
    """``?name=`` as a cursor a list gave out (``after``, ``before``), or None when absent."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return Cursor.decode(raw)
    except InvalidCursor:
        raise BadRequest(
            f"'{name}' must be a cursor from a list's next or previous link, not '{raw[:40]}'"
        ) from None


def list_position() -> dict:
    """Where a keyset-paged list starts: ``after`` or ``before`` a cursor, or numbered
    ``page`` (older links). BadRequest when more than one is given."""
    after, before, page = cursor_arg("after"), cursor_arg("before"), page_arg()
    if sum((after is not None, before is not None, page > 1)) > 1:
        raise BadRequest("Give one of 'after', 'before' or 'page', not several")
    return {"after": after, "before": before, "page": page}


def choice_arg(name: str, choices: Iterable[str], default: str) -> str:
    """``?name=`` as one of ``choices``, or ``default`` when absent."""
    raw = request.args.get(name) or default
    allowed = list(choices)
    if raw not in allowed:
        raise BadRequest(f"'{name}' must be one of {', '.join(allowed)}, not '{raw[:40]}'")
    return raw


def json_object() -> dict:
    """The JSON body as an object (``{}`` when there is none); BadRequest when it does not
    parse, nests deeper than a parser can follow, is not an object or holds a NUL."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise BadRequest("The JSON body is nested too deeply") from None
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise BadRequest("Send a JSON object: {...}")
    if _json_has_nul(body):
        raise BadRequest("Text must not contain NUL characters")
    return body


def _json_has_nul(value) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
        elif isinstance(item, str) and has_nul(item):
            return True
    return False

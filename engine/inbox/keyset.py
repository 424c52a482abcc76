"""Keyset paging over several index ranges at once.

A list (an inbox tab) is the union of *sources*: queries each of which one index answers in
(key, id) order - the tasks a person holds in one status, the tasks offered to one of their
groups. Each source is read from the cursor onwards and cut at one page, so a page costs the
same however many rows the tables hold; the union of those few rows is sorted and cut again.
Rows without a key (no due date) come after those with one, on both databases, by reading
them as a second range of each source (key IS NULL, by id).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, bindparam, select, tuple_, union
from sqlalchemy.sql.elements import ColumnElement

from .cursor import Cursor


@dataclass(frozen=True)
class Source:
    """A query selecting (id, key) whose WHERE and (key, id) order one index serves."""

    query: Select
    id: ColumnElement
    key: ColumnElement


@dataclass(frozen=True)
class Walk:
    """Which way to read a list: its order (``descending`` keys, for newest first), whether
    rows without a key belong in it, and whether we read back from the cursor (``backward``)."""

    descending: bool = False
    with_unkeyed: bool = True
    backward: bool = False

    @property
    def down(self) -> bool:
        """Read keys from high to low?"""
        return self.descending != self.backward


def page_query(sources: list[Source], walk: Walk, at: str | None, limit: int, skip: int = 0):
    """Ids and keys of the next ``limit`` rows after the cursor (before it, walking backward),
    in reading order, skipping ``skip`` (old numbered pages; costs grow with it). ``at`` says
    where the cursor lies - None (no cursor), KEYED or UNKEYED - and its values are bound as
    ``cursor_key`` and ``cursor_id`` (``cursor_params``). None when nothing can lie beyond."""
    parts = [
        _cut(part, source, walk, limit + skip)
        for source in sources
        for part in _ranges(source, walk, at)
    ]
    if not parts:
        return None
    merged = union(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    row_id, key = merged.c.id, merged.c.key
    unkeyed_order = key.is_(None).desc() if walk.backward else key.is_(None)
    order = (key.desc(), row_id.desc()) if walk.down else (key, row_id)
    return select(row_id, key).order_by(unkeyed_order, *order).limit(limit).offset(skip)


KEYED, UNKEYED = "keyed", "unkeyed"


def where_is(cursor: Cursor | None) -> str | None:
    """Where a cursor lies: among the rows with a key, those without, or nowhere (None)."""
    if cursor is None:
        return None
    return KEYED if cursor.key is not None else UNKEYED


def cursor_params(cursor: Cursor | None) -> dict:
    return {} if cursor is None else {"cursor_key": cursor.key, "cursor_id": cursor.id}


def _ranges(source: Source, walk: Walk, at: str | None) -> list[Select]:
    """The source's keyed and unkeyed ranges that lie beyond the cursor, in reading order."""
    keyed = source.query.where(source.key.is_not(None))
    unkeyed = source.query.where(source.key.is_(None)) if walk.with_unkeyed else None
    cursor_id = bindparam("cursor_id")
    if at == KEYED:
        after = tuple_(source.key, source.id)
        mark = tuple_(bindparam("cursor_key", type_=source.key.type), cursor_id)
        keyed = keyed.where(after < mark if walk.down else after > mark)
        unkeyed = None if walk.backward else unkeyed
    elif at == UNKEYED:
        if unkeyed is not None:
            unkeyed = unkeyed.where(source.id < cursor_id if walk.down else source.id > cursor_id)
        keyed = keyed if walk.backward else None
    ranges = [keyed, unkeyed] if not walk.backward else [unkeyed, keyed]
    return [query for query in ranges if query is not None]


def _cut(query: Select, source: Source, walk: Walk, limit: int):
    """One range, read in index order and cut at ``limit`` rows."""
    if walk.down:
        query = query.order_by(source.key.desc(), source.id.desc())
    else:
        query = query.order_by(source.key, source.id)
    inner = query.limit(limit).subquery()
    return select(inner.c[0].label("id"), inner.c[1].label("key"))

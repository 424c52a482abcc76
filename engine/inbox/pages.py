"""One page of an inbox tab, keyset-paged: what the page and the API list show."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..actors import Actor
from ..models import HumanTask
from .cursor import Cursor
from .keyset import cursor_params, page_query, where_is
from .tabs import Shape, shape_of, tab_sources, values_of


@dataclass
class InboxPage:
    """One page of a tab. ``next_cursor`` reads on after its last task (None: nothing
    follows); ``previous_cursor`` reads back before its first, and when ``has_previous`` is
    true without one, the previous page is the first."""

    tab: str
    tasks: list[HumanTask]
    page: int
    has_next: bool
    next_cursor: str | None = None
    has_previous: bool = False
    previous_cursor: str | None = None


def inbox(
    session: Session,
    actor: Actor,
    tab: str = "mine",
    *,
    now=None,
    process_key: str | None = None,
    case_ref: str | None = None,
    page: int = 1,
    per_page: int = 25,
    after: Cursor | None = None,
    before: Cursor | None = None,
) -> InboxPage:
    """One page of a tab: ``mine`` (assigned to me), ``team`` (unclaimed, offered to my
    groups), ``overdue`` (either, past due), ``all`` (mine and team), ``completed`` (by me,
    newest first), ``approvals`` (approval tasks held or offered); the page after ``after``
    or before ``before`` (cursors a page gave out), or numbered ``page`` (older links; it
    reads every row before it)."""
    shape = shape_of(tab, actor, process_key, case_ref)
    values = values_of(actor, now, process_key, case_ref)
    page = max(page, 1)
    if before is not None:
        keys = _keys(session, shape, True, before, per_page + 1, 0, values)
        if len(keys) <= per_page:  # we are back at the start: show a whole first page
            keys = _keys(session, shape, False, None, per_page + 1, 0, values)
            more, keys = len(keys) > per_page, keys[:per_page]
            return _page(session, tab, keys, 1, has_next=more, has_previous=False)
        keys = keys[:per_page][::-1]
        return _page(session, tab, keys, 1, has_next=True, has_previous=True)
    skip = (page - 1) * per_page if after is None else 0
    keys = _keys(session, shape, False, after, per_page + 1, skip, values)
    more, keys = len(keys) > per_page, keys[:per_page]
    earlier = after is not None or page > 1
    return _page(session, tab, keys, page, has_next=more, has_previous=earlier)


@lru_cache(maxsize=512)
def page_statement(shape: Shape, backward: bool, at: str | None, limit: int, skip: int):
    """A tab's page query for one shape and cursor position, built once (``tabs``)."""
    sources, walk = tab_sources(shape)
    walk = replace(walk, backward=backward)
    return page_query(sources, walk, at, limit, skip)


def _keys(session, shape, backward, cursor, limit, skip, values) -> list[Cursor]:
    query = page_statement(shape, backward, where_is(cursor), limit, skip)
    if query is None:
        return []
    rows = session.execute(query, {**values, **cursor_params(cursor)})
    return [Cursor(key, row_id) for row_id, key in rows]


def _page(session, tab: str, keys: list[Cursor], number: int, *, has_next, has_previous):
    """The page's tasks, read in full only now, and the cursors either side of them."""
    ids = [key.id for key in keys]
    rows = {row.id: row for row in session.scalars(select(HumanTask).where(HumanTask.id.in_(ids)))}
    return InboxPage(
        tab,
        [rows[task_id] for task_id in ids if task_id in rows],
        number,
        has_next=has_next,
        next_cursor=keys[-1].encode() if has_next and keys else None,
        has_previous=has_previous,
        previous_cursor=keys[0].encode() if has_previous and keys else None,
    )

"""The inbox's tabs as keyset sources: which index ranges make up each tab for a person.

Every source is an equality on the leading columns of an index whose next columns are the
sort key and the id (``human_task (status, assignee, due_at, id)``, ``human_task_candidate
(kind, value, offered, due_at, human_task_id)``, ``human_task (completed_by, completed_at,
id)``), so a page reads about one page of rows from each, never the whole table.

A tab's statement depends only on its *shape* (the tab, how many groups the person holds,
which filters apply); the person's name, groups, agency and filters are bound parameters,
so each shape is built once and reused (building it costs more than running it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import bindparam, or_, select, true

from ..actors import Actor
from ..agencies import PARTNERSHIP
from ..cases import CaseInvolvement
from ..models import ACTIVE_TASK_STATES, HumanTask, TaskCandidate
from .keyset import Source, Walk

TABS = ("mine", "team", "overdue", "completed")
API_TABS = (*TABS, "all")  # the API also lists held and offered tasks together
APPROVALS = "approvals"  # a manager's decisions: held and offered approval tasks (own page)


@dataclass(frozen=True)
class Shape:
    """What a tab's statement depends on, values aside."""

    tab: str
    groups: int = 0
    restricted: bool = False  # by the agency's involvement in each task's case
    by_process: bool = False
    by_case: bool = False


def shape_of(tab: str, actor: Actor, process_key=None, case_ref=None) -> Shape:
    """The shape of ``tab`` for ``actor``; ValueError for an unknown tab."""
    if tab not in (*API_TABS, APPROVALS):
        raise ValueError(f"unknown inbox tab '{tab}' (tabs: {', '.join(TABS)})")
    # the partnership's people are not restricted: a task held by or offered to one of them
    # is itself work given to them on its case (``engine.partnership``)
    restricted = not (actor.system or actor.agency in (None, PARTNERSHIP))
    return Shape(tab, len(actor.groups), restricted, bool(process_key), bool(case_ref))


def values_of(actor: Actor, now, process_key=None, case_ref=None) -> dict:
    """The bound values every shape may ask for."""
    groups = {f"group_{n}": group for n, group in enumerate(sorted(actor.groups))}
    return {
        "user": actor.user_id,
        "agency": actor.agency,
        "now": now,
        "process_key": process_key,
        "case_ref": case_ref,
        **groups,
    }


def _filtered(query, table, restricted: bool, process_key, case_ref, agency=None):
    if restricted:
        # a probe of (agency, case_ref) per row read, not the agency's every case per range
        involved = select(CaseInvolvement.id).where(
            CaseInvolvement.agency == (agency or bindparam("agency")),
            CaseInvolvement.case_ref == table.case_ref,
        )
        query = query.where(or_(table.case_ref.is_(None), involved.exists()))
    if case_ref is not None:
        query = query.where(table.case_ref == case_ref)
    if process_key is not None:
        if table is TaskCandidate:
            query = query.join(HumanTask, HumanTask.id == TaskCandidate.human_task_id)
        query = query.where(HumanTask.process_key == process_key)
    return query


def _filters(shape: Shape) -> dict:
    return {
        "process_key": bindparam("process_key") if shape.by_process else None,
        "case_ref": bindparam("case_ref") if shape.by_case else None,
    }


def held(shape: Shape) -> list[Source]:
    """Active tasks the person holds: one range per active status (never restricted)."""
    return [
        Source(
            _filtered(
                select(HumanTask.id, HumanTask.due_at).where(
                    HumanTask.status == status, HumanTask.assignee == bindparam("user")
                ),
                HumanTask,
                False,
                **_filters(shape),
            ),
            HumanTask.id,
            HumanTask.due_at,
        )
        for status in ACTIVE_TASK_STATES
    ]


def offered(shape: Shape) -> list[Source]:
    """Unclaimed tasks offered to the person by name or to one of their groups: one range each."""
    names = [("user", "user"), *(("group", f"group_{n}") for n in range(shape.groups))]
    return [
        Source(
            _filtered(
                select(TaskCandidate.human_task_id, TaskCandidate.due_at).where(
                    TaskCandidate.kind == kind,
                    TaskCandidate.value == bindparam(value),
                    TaskCandidate.offered == true(),  # "= true", which an index can serve
                ),
                TaskCandidate,
                shape.restricted,
                **_filters(shape),
            ),
            TaskCandidate.human_task_id,
            TaskCandidate.due_at,
        )
        for kind, value in names
    ]


def completed(shape: Shape) -> list[Source]:
    """Tasks the person completed (never restricted)."""
    query = select(HumanTask.id, HumanTask.completed_at).where(
        HumanTask.completed_by == bindparam("user")
    )
    query = _filtered(query, HumanTask, False, **_filters(shape))
    return [Source(query, HumanTask.id, HumanTask.completed_at)]


def overdue(sources: list[Source]) -> list[Source]:
    """The same ranges, only past their due date."""
    now = bindparam("now", type_=HumanTask.due_at.type)
    return [Source(s.query.where(s.key < now), s.id, s.key) for s in sources]


def approvals_only(sources: list[Source]) -> list[Source]:
    """The same ranges, only approval tasks: each read from its partial index, which holds
    approval tasks alone (``models.HELD_APPROVALS``, ``OFFERED_APPROVALS``), so the page reads
    as few rows however many other tasks the person holds or is offered."""
    return [
        Source(
            s.query.where(
                TaskCandidate.approval == true()
                if s.id is TaskCandidate.human_task_id
                else HumanTask.approval.is_not(None)
            ),
            s.id,
            s.key,
        )
        for s in sources
    ]


@lru_cache(maxsize=256)
def tab_sources(shape: Shape) -> tuple[list[Source], Walk]:
    """The sources of a tab and the order it reads in (soonest due first; completed: newest
    first)."""
    if shape.tab == "completed":
        return completed(shape), Walk(descending=True, with_unkeyed=False)
    if shape.tab == "mine":
        return held(shape), Walk()
    if shape.tab == "team":
        return offered(shape), Walk()
    if shape.tab == "all":
        return held(shape) + offered(shape), Walk()
    if shape.tab == APPROVALS:
        return approvals_only(held(shape) + offered(shape)), Walk()
    return overdue(held(shape) + offered(shape)), Walk(with_unkeyed=False)

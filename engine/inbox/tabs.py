"""The inbox's tabs as keyset sources: which index ranges make up each tab for a person.

Every source is an equality on the leading columns of an index whose next columns are the
sort key and the id (``human_task (status, assignee, due_at, id)``, ``human_task_candidate
(kind, value, offered, due_at, human_task_id)``, ``human_task (completed_by, completed_at,
id)``), so a page reads about one page of rows from each, never the whole table.
"""

from __future__ import annotations

from sqlalchemy import or_, select, true

from ..actors import Actor
from ..agencies import PARTNERSHIP
from ..cases import involved_cases
from ..models import ACTIVE_TASK_STATES, HumanTask, TaskCandidate
from .keyset import Source, Walk

TABS = ("mine", "team", "overdue", "completed")
API_TABS = (*TABS, "all")  # the API also lists held and offered tasks together


def restrict(query, table, actor: Actor, process_key, case_ref, own: bool = False):
    """Only cases the actor's agency is involved in (unless ``own``: tasks the actor holds or
    completed, which stay theirs after their agency leaves a case), and the chosen
    process/case. The partnership's people are not restricted here: a task held by or offered
    to one of them is itself work given to them on its case (``engine.partnership``)."""
    if not (own or actor.system or actor.agency in (None, PARTNERSHIP)):
        query = query.where(
            or_(table.case_ref.is_(None), table.case_ref.in_(involved_cases(actor)))
        )
    if case_ref:
        query = query.where(table.case_ref == case_ref)
    if process_key:
        if table is TaskCandidate:
            query = query.join(HumanTask, HumanTask.id == TaskCandidate.human_task_id)
        query = query.where(HumanTask.process_key == process_key)
    return query


def held(actor: Actor, process_key=None, case_ref=None) -> list[Source]:
    """Active tasks the actor holds: one range per active status."""
    return [
        Source(
            restrict(
                select(HumanTask.id, HumanTask.due_at).where(
                    HumanTask.status == status, HumanTask.assignee == actor.user_id
                ),
                HumanTask,
                actor,
                process_key,
                case_ref,
                own=True,
            ),
            HumanTask.id,
            HumanTask.due_at,
        )
        for status in ACTIVE_TASK_STATES
    ]


def offered(actor: Actor, process_key=None, case_ref=None) -> list[Source]:
    """Unclaimed tasks offered to the actor by name or to one of their groups: one range each."""
    names = [("user", actor.user_id), *(("group", group) for group in sorted(actor.groups))]
    return [
        Source(
            restrict(
                select(TaskCandidate.human_task_id, TaskCandidate.due_at).where(
                    TaskCandidate.kind == kind,
                    TaskCandidate.value == value,
                    TaskCandidate.offered == true(),  # "= true", which an index can serve
                ),
                TaskCandidate,
                actor,
                process_key,
                case_ref,
            ),
            TaskCandidate.human_task_id,
            TaskCandidate.due_at,
        )
        for kind, value in names
    ]


def completed(actor: Actor, process_key=None, case_ref=None) -> list[Source]:
    """Tasks the actor completed."""
    query = select(HumanTask.id, HumanTask.completed_at).where(
        HumanTask.completed_by == actor.user_id
    )
    query = restrict(query, HumanTask, actor, process_key, case_ref, own=True)
    return [Source(query, HumanTask.id, HumanTask.completed_at)]


def overdue(sources: list[Source], now) -> list[Source]:
    """The same ranges, only past their due date."""
    return [Source(s.query.where(s.key < now), s.id, s.key) for s in sources]


def tab_sources(tab: str, actor: Actor, now, **filters) -> tuple[list[Source], Walk]:
    """The sources of a tab and the order it reads in (soonest due first; completed: newest
    first). ValueError for an unknown tab."""
    if tab == "completed":
        return completed(actor, **filters), Walk(descending=True, with_unkeyed=False)
    if tab == "mine":
        return held(actor, **filters), Walk()
    if tab == "team":
        return offered(actor, **filters), Walk()
    if tab == "all":
        return held(actor, **filters) + offered(actor, **filters), Walk()
    if tab == "overdue":
        both = held(actor, **filters) + offered(actor, **filters)
        return overdue(both, now), Walk(with_unkeyed=False)
    raise ValueError(f"unknown inbox tab '{tab}' (tabs: {', '.join(TABS)})")

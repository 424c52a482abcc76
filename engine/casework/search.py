"""Searching cases by reference, family name or a member's name (case-insensitive, partial),
only among the cases the person may see (``cases.visible_cases``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from ..actors import Actor
from ..cases import FamilyCase, FamilyMember, visible_cases

PAGE_SIZE = 25
MAX_QUERY = 100


@dataclass
class CasePage:
    """One page of cases, newest first, and whether there are more."""

    cases: list[FamilyCase]
    query: str
    page: int
    has_next: bool


def search(session: Session, actor: Actor, query: str = "", page: int = 1) -> CasePage:
    """The actor's visible cases matching ``query`` (all of them when it is empty)."""
    words = " ".join((query or "").split())[:MAX_QUERY]
    select_cases = select(FamilyCase)
    if not (actor.system or actor.agency is None):
        select_cases = select_cases.where(visible_cases(session, actor))
    if words:
        select_cases = select_cases.where(_matches(words.lower()))
    rows = session.scalars(
        select_cases.order_by(FamilyCase.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    return CasePage(list(rows[:PAGE_SIZE]), words, page, len(rows) > PAGE_SIZE)


def _matches(words: str):
    # autoescape: a % or _ typed by a person is a character to find, not a wildcard
    def like(column):
        return func.lower(column).contains(words, autoescape=True)

    member = exists().where(FamilyMember.case_id == FamilyCase.id, like(FamilyMember.name))
    return or_(like(FamilyCase.reference), like(FamilyCase.family_name), member)

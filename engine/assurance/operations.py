"""Assurance operations of the engine (a mixin of ``Engine``): who sees the dashboard, and its
figures for them.

The partnership's chair and business manager oversee every agency; a Head of Service is one
agency's (DOMAIN.md section 10, "Head of Service (per agency)"), so their figures are always
their own agency's. Anyone else is told the dashboard does not exist (NotFound).
"""

from __future__ import annotations

from ..actors import Actor
from ..errors import NotFound
from ..workdays import to_local
from .backfill import Filled, backfill
from .export import as_csv
from .figures import Table, all_tables
from .filters import Filters, parse_filters

PARTNERSHIP_ROLES = ("board-chair", "partnership-business-manager")
AGENCY_ROLES = ("head-of-service",)


def may_see(actor: Actor) -> bool:
    """Whether the person holds a role the dashboard is for (not the engine itself)."""
    return not actor.system and actor.has_role(*PARTNERSHIP_ROLES, *AGENCY_ROLES)


def fixed_agency(actor: Actor) -> str | None:
    """The one agency a Head of Service sees; None for the partnership roles (every agency)."""
    if actor.has_role(*PARTNERSHIP_ROLES):
        return None
    return actor.agency or "unknown"


class AssuranceOperations:
    """The partnership assurance dashboard's figures, read from the fact tables alone."""

    def may_see_assurance(self, actor: Actor) -> bool:
        """Whether to offer the dashboard to this person (the navigation asks)."""
        return may_see(actor)

    def assurance_agency(self, actor: Actor) -> str | None:
        """The one agency whose figures the person sees (None: every agency)."""
        return fixed_agency(actor)

    def assurance_filters(self, actor: Actor, values: dict) -> Filters:
        """The checked filters (InvalidSubmission naming each wrong field; NotFound for anyone
        the dashboard is not for)."""
        if not may_see(actor):
            raise NotFound("No such page")
        today = to_local(self.clock.now()).date()
        return parse_filters(values, today, fixed_agency(actor))

    def assurance_tables(self, actor: Actor, filters: Filters) -> list[Table]:
        """Every figure for ``filters`` (NotFound for anyone the dashboard is not for)."""
        if not may_see(actor):
            raise NotFound("No such page")
        agency = fixed_agency(actor)
        if agency is not None and filters.agency != agency:
            raise NotFound("No such page")
        with self.db.reading() as session:
            return all_tables(session, filters, self.clock.now())

    def assurance_csv(self, actor: Actor, filters: Filters, slug: str) -> str:
        """One table of the dashboard as CSV (NotFound for an unknown table or person)."""
        for table in self.assurance_tables(actor, filters):
            if table.slug == slug:
                return as_csv(table)
        raise NotFound("No such table")

    def backfill_assurance(self) -> Filled:
        """Facts for instances that ran before the fact tables existed, a batch per
        transaction (``engine.assurance.backfill``); safe to run again."""
        total, last = Filled(), 0
        while last is not None:
            with self.db.unit_of_work() as session:
                filled, last = backfill(session, last)
            total.deadlines += filled.deadlines
            total.stages += filled.stages
            total.outcomes += filled.outcomes
        return total

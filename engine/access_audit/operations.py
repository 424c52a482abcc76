"""Access-audit operations of the engine (a mixin of ``Engine``): record a look, read the trail."""

from __future__ import annotations

from ..actors import Actor
from . import ACCESS_EXPORTED, ACCESS_VIEWED, record_look
from .trail import TrailPage, as_csv, case_trail, ensure_may_see_trail

TRAIL_PAGE = "Who has seen this case"


class AccessAuditOperations:
    """Looks are recorded by the service methods that serve pages and API reads."""

    audit_looks: bool = True  # off only to measure its cost (benchmarks/web.py)

    def record_look(self, actor: Actor, event_type: str, **where) -> None:
        """One row for a person's successful look, in a short transaction of its own."""
        if actor.system or not self.audit_looks:
            return
        with self.db.unit_of_work() as session:
            record_look(session, actor, event_type, self.clock.now(), **where)

    def case_access(self, reference: str, actor: Actor, page: int = 1) -> TrailPage:
        """Who has looked at or changed a case, newest first (NotFound unless permitted)."""
        with self.db.reading() as session:
            ensure_may_see_trail(session, reference, actor)
            trail = case_trail(session, reference, page)
        self.record_look(actor, ACCESS_VIEWED, case_ref=reference, what=TRAIL_PAGE)
        return trail

    def case_access_csv(self, reference: str, actor: Actor) -> str:
        """The whole trail of a case as CSV (NotFound unless permitted); the download is a look."""
        with self.db.reading() as session:
            ensure_may_see_trail(session, reference, actor)
            entries = case_trail(session, reference, page=None).entries
        self.record_look(actor, ACCESS_EXPORTED, case_ref=reference, what=TRAIL_PAGE)
        return as_csv(entries)

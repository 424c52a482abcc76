"""Involvement operations of the engine (a mixin of ``Engine``): one transaction each."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..access_audit import CASE_VIEWED
from ..accounts import User
from ..actors import Actor
from ..agencies import AGENCIES, PARTNERSHIP
from ..cases import CaseInvolvement, ensure_visible
from . import rules, service, workers
from .models import InvolvementPeriod


@dataclass
class InvolvementPanel:
    """What the case page shows about involvement: the history and, for those who may
    change it, the agencies that could be added or released and the people who could be
    named or removed as named workers."""

    history: list[InvolvementPeriod]
    may_change: bool
    addable: list[str]
    removable: list[str]
    nameable: list[User] = field(default_factory=list)
    named: list[CaseInvolvement] = field(default_factory=list)


class InvolvementOperations:
    """Add and release agencies on a case; read its involvement history."""

    def involve(self, reference: str, agency: str, reason: str, actor: Actor) -> None:
        """Involve ``agency`` in the case (NotFound / NotPermitted / Conflict / 422)."""
        with self.db.unit_of_work() as session:
            case = rules.ensure_may_change(session, reference, actor)
            service.join(session, case, agency, self._change(actor, reason))

    def name_worker(
        self, reference: str, username: str, reason: str, actor: Actor, agency: str | None = None
    ) -> str:
        """Name an active user of an involved agency (``agency``, when given, must be theirs)
        on the case; their display name. 422 on the ``worker`` field for anyone else."""
        with self.db.unit_of_work() as session:
            case = rules.ensure_may_change(session, reference, actor)
            user = workers.checked_worker(session, username, agency)
            workers.name(session, case, user, self._change(actor, reason))
            return user.display_name

    def release_worker(
        self, reference: str, agency: str, username: str, reason: str, actor: Actor
    ) -> str:
        """Remove a named worker from the case (their name); their agency stays involved."""
        with self.db.unit_of_work() as session:
            case = rules.ensure_may_change(session, reference, actor)
            return workers.unname(session, case, agency, username, self._change(actor, reason))

    def release(self, reference: str, agency: str, reason: str, actor: Actor) -> None:
        """Release ``agency`` from the case: it no longer sees the case or its new tasks."""
        with self.db.unit_of_work() as session:
            case = rules.ensure_may_change(session, reference, actor)
            service.leave(session, case, agency, self._change(actor, reason))

    def involvement(self, reference: str, actor: Actor, look: bool = False) -> InvolvementPanel:
        """The case's involvement history (NotFound unless the actor may see the case); a
        look at the case when ``look`` (the API; the case page records its own)."""
        with self.db.reading() as session:
            case = ensure_visible(session, reference, actor)
            current = service.current_agencies(session, case)
            panel = InvolvementPanel(
                history=service.history(session, case),
                may_change=rules.may_change(actor),
                addable=[a for a in AGENCIES if a not in current and a != PARTNERSHIP],
                removable=current if len(current) > 1 else [],
                named=workers.named(session, case),
            )
            if panel.may_change:
                panel.nameable = workers.nameable(session, case)
        if look:
            self.record_look(actor, CASE_VIEWED, case_ref=reference, what="Involvement history")
        return panel

    def _change(self, actor: Actor, reason: str) -> service.Change:
        return service.Change(by=actor.user_id, at=self.clock.now(), reason=reason, via=actor.via)

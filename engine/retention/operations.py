"""Retention operations of the engine (a mixin of ``Engine``); one transaction each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from ..access_audit import RECORD_VIEWED
from ..actors import Actor
from ..cases import ensure_visible
from ..errors import NotFound, NotPermitted
from ..models import AuditEvent
from . import corrections, holds
from .candidates import Due
from .models import EntryCorrection, LegalHold, PurgeItem, PurgeRun
from .policy import RetentionPolicy
from .purge import SCHEDULED, Purge, PurgeResult, due_now

UPCOMING_DAYS = 30  # how far ahead the administrators' page looks


@dataclass
class RetentionOverview:
    """What /admin/retention shows: the policy, what goes soon, holds and past runs."""

    policy: RetentionPolicy
    upcoming: list[Due]
    holds: list[LegalHold]
    runs: list[PurgeRun]
    days_ahead: int = UPCOMING_DAYS
    items: dict[int, list[PurgeItem]] = field(default_factory=dict)


class RetentionOperations:
    """Purge by policy, legal holds and corrections of recorded entries."""

    retention_policy: RetentionPolicy = RetentionPolicy()  # engine.config sets it from the env

    def purge(self, actor: Actor | None = None, dry_run: bool = False) -> PurgeResult:
        """Remove (or, dry, list) what the policy says is due; by the scheduled job when no
        actor is given, else by an administrator (NotFound for anyone else)."""
        if actor is not None:
            holds.ensure_administrator(actor)
        purge = Purge(self.db, self.clock, self.retention_policy)
        if dry_run:
            return purge.dry_run()
        return purge.run(actor.user_id if actor is not None else SCHEDULED)

    def retention_overview(self, actor: Actor) -> RetentionOverview:
        """The policy, what is due within ``UPCOMING_DAYS``, holds and the last runs."""
        holds.ensure_administrator(actor)
        with self.db.reading() as session:
            until = self.clock.now() + timedelta(days=UPCOMING_DAYS)
            runs = list(session.scalars(select(PurgeRun).order_by(PurgeRun.id.desc()).limit(20)))
            return RetentionOverview(
                policy=self.retention_policy,
                upcoming=due_now(session, self.retention_policy, until, 100),
                holds=holds.holds_in_force(session),
                runs=runs,
            )

    def purge_report(self, run_id: int, actor: Actor) -> tuple[PurgeRun, list[PurgeItem]]:
        """One run and what it purged (administrators only)."""
        holds.ensure_administrator(actor)
        with self.db.reading() as session:
            run = session.get(PurgeRun, run_id)
            if run is None:
                raise NotFound("Page not found")
            items = session.scalars(
                select(PurgeItem).where(PurgeItem.run_id == run_id).order_by(PurgeItem.id)
            )
            return run, list(items)

    def place_legal_hold(self, case_ref: str, reason: str, actor: Actor) -> LegalHold:
        """Hold a case so neither it nor its instances are purged (administrators)."""
        with self.db.unit_of_work() as session:
            return holds.place_hold(session, actor, case_ref, reason, self.clock.now())

    def lift_legal_hold(self, case_ref: str, reason: str, actor: Actor) -> LegalHold:
        """Lift the hold on a case, with a reason (administrators)."""
        with self.db.unit_of_work() as session:
            return holds.lift_hold(session, actor, case_ref, reason, self.clock.now())

    def legal_hold(self, case_ref: str, actor: Actor) -> LegalHold | None:
        """The hold on a case the actor may see (administrators: any case), or None."""
        with self.db.reading() as session:
            if not (actor.system or actor.has_role(holds.ADMIN_ROLE)):
                ensure_visible(session, case_ref, actor)
            return holds.active_hold(session, case_ref)

    def correct_entry(
        self, entry_id: int, name: str, value: str, reason: str, actor: Actor
    ) -> EntryCorrection:
        """Correct one field of a recorded entry; the original is kept beside it."""
        with self.db.unit_of_work() as session:
            return corrections.correct_entry(
                session, actor, entry_id, name, value, reason, self.clock.now()
            )

    def entry_for_correction(
        self, entry_id: int, actor: Actor
    ) -> tuple[AuditEvent, corrections.Corrections]:
        """An entry the actor may correct, with its corrections (opening it is a look)."""
        with self.db.reading() as session:
            entry = corrections.visible_entry(session, entry_id, actor)
            found = corrections.corrections_of(session, [entry], actor)
        if entry.id not in found.correctable:
            raise NotPermitted(corrections.ONLY_RECORDER)
        self.record_look(
            actor, RECORD_VIEWED, case_ref=entry.case_ref, instance_id=entry.instance_id,
            what=f"Case record: {entry.task_name or entry.details.get('entry')}",
        )  # fmt: skip
        return entry, found

    def entry_corrections(self, entries: list, actor: Actor) -> corrections.Corrections:
        """The corrections of entries already shown to the actor (a timeline)."""
        with self.db.reading() as session:
            return corrections.corrections_of(session, entries, actor)

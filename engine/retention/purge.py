"""The purge: remove what the retention policy says is due, one transaction per item.

A run reads what is due in batches from indexed columns (``candidates``), then removes each
item in its own transaction, writing its report row (``purge_item``) in the same commit: the
report lists exactly what went. Before removing, the item is read again under a lock, so a hold
placed or a case reopened since the batch was read wins. A run ends with one ``audit_event``
row (``retention_purge``) giving its counts. A dry run writes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..audit import record
from ..cases import CASE_CLOSED, FamilyCase
from ..clock import Clock
from ..db import Database, is_postgres
from ..errors import EngineError
from ..models import ProcessInstance
from .candidates import CASE, FINISHED, INSTANCE, Due, due_cases, due_instances
from .holds import active_hold
from .models import PurgeItem, PurgeRun
from .policy import RetentionPolicy
from .removal import remove_case, remove_instance

log = logging.getLogger(__name__)
PURGED = "retention_purge"
SCHEDULED = "system:retention"  # who the scheduled job's runs are by


@dataclass
class PurgeResult:
    """What a run removed (or, dry, would remove); ``run_id`` is None for a dry run."""

    run_id: int | None
    items: list[Due] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for item in self.items if item.kind == kind)


def due_now(session: Session, policy: RetentionPolicy, until: datetime, limit: int) -> list[Due]:
    """Cases first (their instances go with them), then instances, up to ``limit`` of each."""
    return due_cases(session, policy, until, limit) + due_instances(session, policy, until, limit)


class Purge:
    """Runs of the purge over one database, clock and policy."""

    def __init__(self, db: Database, clock: Clock, policy: RetentionPolicy, batch: int = 200):
        self.db, self.clock, self.policy, self.batch = db, clock, policy, batch

    def dry_run(self) -> PurgeResult:
        """What a run now would remove; nothing is written."""
        with self.db.reading() as session:
            return PurgeResult(None, due_now(session, self.policy, self.clock.now(), 100_000))

    def run(self, by: str) -> PurgeResult:
        """Remove everything due, batch by batch; the report and one audit row record it."""
        with self.db.unit_of_work() as session:
            run = PurgeRun(started_at=self.clock.now(), run_by=by)
            session.add(run)
            session.flush()
            result = PurgeResult(run.id)
        skipped: set[tuple[str, int]] = set()
        while True:
            with self.db.reading() as session:
                batch = due_now(session, self.policy, self.clock.now(), self.batch)
            batch = [due for due in batch if (due.kind, due.id) not in skipped]
            if not batch:
                break
            for due in batch:
                removed = self._attempt(result.run_id, due)
                result.items += removed
                if not removed:
                    skipped.add((due.kind, due.id))
        self._finish(result, by)
        return result

    def _attempt(self, run_id: int, due: Due) -> list[Due]:
        """Remove one item (a case with its instances) and report it; [] if it stays."""
        try:
            with self.db.unit_of_work() as session:
                removed = _remove(session, due)
                session.add_all(
                    PurgeItem(
                        run_id=run_id, kind=item.kind, key=item.key, ended_at=item.ended_at,
                        rule=item.rule, purged_at=self.clock.now(),
                    )
                    for item in removed
                )  # fmt: skip
                return removed
        except EngineError as error:  # one item that cannot go must not stop the run
            log.warning("purge of %s %s failed: %s", due.kind, due.key, error)
            return []

    def _finish(self, result: PurgeResult, by: str) -> None:
        with self.db.unit_of_work() as session:
            run = session.get(PurgeRun, result.run_id)
            run.finished_at = self.clock.now()
            run.instances, run.cases = result.count(INSTANCE), result.count(CASE)
            details = {"run_id": run.id, "instances": run.instances, "cases": run.cases}
            record(session, PURGED, by, run.finished_at, details=details)


def _locked(session: Session, query):
    return query.with_for_update() if is_postgres(session) else query


def _remove(session: Session, due: Due) -> list[Due]:
    """Remove one due item if it is still due under a lock: what went (a case's instances
    with it), or [] when it no longer is due."""
    if due.kind == INSTANCE:
        query = select(ProcessInstance.id, ProcessInstance.case_ref).where(
            ProcessInstance.id == due.id, ProcessInstance.status.in_(FINISHED)
        )  # indexed columns only: the serialized workflow is never read
        row = session.execute(_locked(session, query)).first()
        if row is None or (row.case_ref and active_hold(session, row.case_ref)):
            return []
        remove_instance(session, row.id)
        return [due]
    query = select(FamilyCase).where(FamilyCase.id == due.id, FamilyCase.status == CASE_CLOSED)
    case = session.scalars(_locked(session, query)).first()
    if case is None or active_hold(session, case.reference) or _unfinished(session, case):
        return []
    rule = f"with case {case.reference}"
    return [due] + [
        Due(INSTANCE, instance_id, f"{instance_id} {key}", ended_at, due.removal_at, rule)
        for instance_id, key, ended_at in remove_case(session, case)
    ]


def _unfinished(session: Session, case: FamilyCase) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    ProcessInstance.case_ref == case.reference,
                    ProcessInstance.status.not_in(FINISHED),
                )
            )
        )
    )

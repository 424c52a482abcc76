"""The timer sweep: fire due timers by reading the indexed ``timer`` table only.

Safe to run from several nodes at once: on PostgreSQL the instances with due timers are claimed
with ``FOR UPDATE SKIP LOCKED`` (another node skips them rather than firing them twice); on
SQLite writers are serialised. One broken instance never blocks the sweep: its failure is
recorded on the timer row and in the audit trail and retried later with back-off; when its
retries are used up an incident is opened (``engine.incidents``) and the sweep leaves it alone.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import bindparam, exists, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from .assurance.facts import read_batch_outcomes
from .audit import record, savepoint
from .clock import Clock
from .db import Database, claiming
from .errors import EngineError
from .events.event_tables import SignalDelivery, StartTimer
from .incidents.models import TIMER
from .incidents.opening import JOB_RETRIES, exhausted, open_incident
from .live_workflows import read_batch_rows
from .models import RUNNING, ProcessInstance, Timer
from .runtime import LOCKED, InstanceRuntime, run_safely
from .step_errors import process_error_from

log = logging.getLogger(__name__)
SYSTEM = "system:timer"
MAX_BACKOFF = timedelta(hours=6)
BATCH = 20  # instances per transaction: fewer commits, yet a short hold on their locks (and on
# SQLite the write lock), so a person stepping one of them waits a fraction of a second at most


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes between retries (failing timers, undelivered mail), at most 6 h."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


_WHAT_IS_DUE = select(
    exists().where(Timer.fire_at <= bindparam("now")),
    exists().where(StartTimer.fire_at <= bindparam("now")),
    exists().where(SignalDelivery.fire_at <= bindparam("now")),
)


def what_is_due(db: Database, now) -> tuple[bool, bool, bool]:
    """Whether a timer, a timer start event or a signal delivery is due: one round trip, so a
    sweep that finds nothing to do reads one statement in one transaction, not one of each."""
    with db.reading() as session:
        return tuple(session.execute(_WHAT_IS_DUE, {"now": now}).one())


def attempt(fire, row_id: int, on_failure, what: str) -> int:
    """``fire(row_id)`` in its own transaction; an EngineError is logged and handed to
    ``on_failure`` (to retry later), so one broken row never stops a sweep."""
    try:
        return fire(row_id)
    except EngineError as error:
        log.warning("%s %s failed: %s", what, row_id, error)
        on_failure(row_id, error)
        return 0


def retry_later(row, error: Exception, now) -> None:
    """Count a failed attempt on a timer-like row (``attempts``, ``last_error``, ``fire_at``)
    and set it to be tried again after the back-off."""
    row.attempts += 1
    row.last_error = str(error)
    row.fire_at = now + backoff(row.attempts)


class _RunApart(Exception):
    """An instance failed in a batch run together: roll back and run it apart."""


def _or_run_apart(instance_id: int | None, step, *args, **kwargs):
    """``step(*args, **kwargs)`` in a batch run together: any failure but the database's own
    becomes ``_RunApart`` (roll back, run the batch again an instance at a time)."""
    # an earlier instance's writes may fail in an autoflush during this one's step
    what = f"stepping instance {instance_id}" if instance_id else "saving a timer batch"
    try:
        return step(*args, **kwargs)
    except (DBAPIError, PoolTimeout):
        raise  # the database itself: the whole batch waits for the next sweep
    except EngineError as error:
        log.info("%s failed (%s): its batch runs apart", what, error)
        raise _RunApart from error
    except Exception as error:
        log.warning("%s failed: its batch runs apart", what, exc_info=True)
        raise _RunApart from error


class TimerSweep:
    """Finds due timers and fires them, a batch of instances per transaction.

    A batch's instances commit together. When one fails, the batch is run again with each
    instance inside its own SAVEPOINT: the failing one rolls back alone, its failure is recorded
    in the same transaction (retry later, or an incident), and the others commit. A batch
    costs one BEGIN/COMMIT and two claiming queries instead of a transaction, a timer query and
    a lock per instance.
    """

    def __init__(
        self,
        db: Database,
        runtime: InstanceRuntime,
        clock: Clock,
        retries: int = JOB_RETRIES,
        batch: int = BATCH,
    ):
        self.db = db
        self.runtime = runtime
        self.clock = clock
        self.retries = retries
        self.batch = batch

    def due_instance_ids(self, limit: int) -> list[int]:
        """Instances with a timer due now, earliest first (one indexed range scan)."""
        now = self.clock.now()
        with self.db.reading() as session:
            rows = session.execute(
                select(Timer.instance_id)
                .where(Timer.fire_at <= now)
                .order_by(Timer.fire_at)
                .limit(limit)
            )
            return list(dict.fromkeys(row[0] for row in rows))

    def fire_due(self, limit: int = 100) -> int:
        """Fire what is due; returns the number of timers fired."""
        ids = self.due_instance_ids(limit)
        return sum(
            self.fire_batch(ids[start : start + self.batch])
            for start in range(0, len(ids), self.batch)
        )

    def fire_instance(self, instance_id: int) -> int:
        """Fire the due timers of one instance; 0 if another node has them or it failed."""
        return self.fire_batch([instance_id])

    def fire_batch(self, instance_ids: list[int]) -> int:
        """Fire the due timers of these instances in one transaction; returns how many fired.

        Most batches fail nowhere, so a batch first runs with no SAVEPOINT per instance (two
        round trips each fewer). When an instance fails, that transaction rolls back and the
        batch runs again with each instance in its own SAVEPOINT: the failure is recorded once
        and the others fire.
        """
        if len(instance_ids) > 1:
            try:
                return self._run_batch(instance_ids, together=True)
            except _RunApart:
                pass  # rolled back; the run apart logs and records the failure
        return self._run_batch(instance_ids, together=False)

    def _run_batch(self, instance_ids: list[int], together: bool) -> int:
        with self.db.unit_of_work() as session:
            now = self.clock.now()
            claimed = self._claim(session, instance_ids, now)
            if not together:
                return sum(self._fire_or_record(session, *claim, now) for claim in claimed)
            fired = sum(
                _or_run_apart(instance.id, self._fire, session, instance, due, now, flush=False)
                for instance, due in claimed
            )
            _or_run_apart(None, session.flush)  # the whole batch's rows in one round of writes
            return fired

    def _claim(self, session: Session, instance_ids: list[int], now):
        """(locked instance, its due timers) for the instances no other node holds.

        Locking the instance rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) claims their
        timers: every change to an instance's timers runs under its lock, so a node that gets
        the lock after another fired them reads no due timer. A busy instance waits for the
        next sweep rather than holding up the batch. The batch's index rows are read here at
        once (``live_workflows.batch_read``), and so are the outcome facts an ending instance checks
        (``assurance.facts.read_batch_outcomes``): no instance's save reads them again.
        """
        query = select(ProcessInstance).where(ProcessInstance.id.in_(instance_ids))
        query = claiming(session, query).execution_options(populate_existing=True)
        instances = {instance.id: instance for instance in session.scalars(query)}
        if not instances:
            return []
        session.info.setdefault(LOCKED, set()).update(instances)  # a cached workflow may serve
        rows = read_batch_rows(session, list(instances))
        read_batch_outcomes(session, list(instances))
        due = {
            key: [timer for timer in rows[key].timers.values() if timer.fire_at <= now]
            for key in instances
        }
        return [(instances[key], due[key]) for key in instance_ids if due.get(key)]

    def _fire_or_record(self, session: Session, instance, due: list[Timer], now) -> int:
        try:
            with savepoint(session):
                return self._fire(session, instance, due, now)
        except EngineError as error:
            log.warning("timer on instance %s failed: %s", instance.id, error)
            self._record_failure(session, instance.id, error, now)
            return 0
        except DBAPIError:
            raise  # the database itself: the whole batch waits for the next sweep
        except Exception as error:  # a fault of ours: this instance's job fails, as in Camunda
            log.exception("timer on instance %s failed unexpectedly", instance.id)
            self._record_failure(session, instance.id, process_error_from(error), now)
            return 0

    def _fire(self, session: Session, instance, due: list[Timer], now, flush: bool = True) -> int:
        if instance.status != RUNNING:
            for timer in due:
                session.delete(timer)
            return 0
        workflow = self.runtime.load(session, instance)
        run_safely(workflow, workflow.refresh_timers)
        for timer in due:
            record(
                session,
                "timer_fired",
                SYSTEM,
                now,
                instance=instance,
                element_id=timer.element_id,
                task_name=timer.name,
                details={"due_at": timer.due_at, "kind": timer.kind},
            )
        self.runtime.advance_and_save(session, instance, workflow, now, SYSTEM, flush=flush)
        return len(due)

    def _record_failure(self, session: Session, instance_id: int, error: EngineError, now) -> None:
        """After the instance's savepoint rolled back: count the failed try on its due timers
        (still locked by this transaction), or open an incident when the tries are used up."""
        instance = session.get(ProcessInstance, instance_id, populate_existing=True)
        due = session.scalars(
            select(Timer)
            .where(Timer.instance_id == instance_id, Timer.fire_at <= now)
            .execution_options(populate_existing=True)
        ).all()
        for timer in due:
            retry_later(timer, error, now)
        record(
            session,
            "error",
            SYSTEM,
            now,
            instance=instance,
            element_id=getattr(error, "element_id", None),
            details={
                "message": str(error),
                "line": getattr(error, "line", None),
                "during": "timer",
            },
        )
        attempts = max((timer.attempts for timer in due), default=0)
        if instance.status == RUNNING and exhausted(attempts, self.retries):
            first = due[0]
            open_incident(
                session,
                now,
                error,
                kind=TIMER,
                process_key=instance.process_key,
                attempts=attempts,
                instance=instance,
                element=(first.element_id, first.name),
                job={"timers": [timer.element_id for timer in due]},
            )
            for timer in due:  # the incident holds the job now; a retry finds it again
                session.delete(timer)

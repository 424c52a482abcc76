"""The timer sweep: fire due timers by reading the indexed ``timer`` table only.

Safe to run from several nodes at once: on PostgreSQL each instance's due timer rows are claimed
with ``FOR UPDATE SKIP LOCKED`` (another node skips them rather than firing them twice); on
SQLite writers are serialised. One broken instance never blocks the sweep: its failure is
recorded on the timer row and in the audit trail and retried later with back-off; when its
retries are used up an incident is opened (``engine.incidents``) and the sweep leaves it alone.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from .audit import record
from .clock import Clock
from .db import Database, claiming
from .errors import EngineError
from .incidents.models import TIMER
from .incidents.opening import JOB_RETRIES, exhausted, open_incident
from .models import RUNNING, Timer
from .runtime import InstanceRuntime, run_safely

log = logging.getLogger(__name__)
SYSTEM = "system:timer"
MAX_BACKOFF = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes between retries (failing timers, undelivered mail), at most 6 h."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


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


class TimerSweep:
    """Finds due timers and fires them, one instance per transaction."""

    def __init__(
        self, db: Database, runtime: InstanceRuntime, clock: Clock, retries: int = JOB_RETRIES
    ):
        self.db = db
        self.runtime = runtime
        self.clock = clock
        self.retries = retries

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
        return sum(
            attempt(self.fire_instance, instance_id, self._record_failure, "timer on instance")
            for instance_id in self.due_instance_ids(limit)
        )

    def fire_instance(self, instance_id: int) -> int:
        """Fire the due timers of one instance in one transaction; 0 if another node has them."""
        with self.db.unit_of_work() as session:
            now = self.clock.now()
            query = select(Timer).where(Timer.instance_id == instance_id, Timer.fire_at <= now)
            query = claiming(session, query)
            due = session.scalars(query).all()
            if not due:
                return 0
            instance = self.runtime.lock(session, instance_id, running=False)
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
            self.runtime.advance_and_save(session, instance, workflow, now, SYSTEM)
            return len(due)

    def _record_failure(self, instance_id: int, error: EngineError) -> None:
        with self.db.unit_of_work() as session:
            now = self.clock.now()
            # locked: opening an incident changes the instance, which a person may be changing
            instance = self.runtime.lock(session, instance_id, running=False)
            due = session.scalars(
                select(Timer).where(Timer.instance_id == instance_id, Timer.fire_at <= now)
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

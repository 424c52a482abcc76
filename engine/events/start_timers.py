"""Timer start events: scheduled when their process version is deployed, fired by the sweep.

As in Camunda 7, deploying a version schedules its timer start events (``timeDate`` once at
that moment, ``timeDuration`` once that long after the deploy, ``timeCycle`` repeatedly) and
removes the schedules of the versions before it; each firing starts an instance of the version
that scheduled it. The schedule is a ``start_timer`` row, so it survives restarts and one row
fires once however many schedulers sweep: on PostgreSQL the row is claimed with ``FOR UPDATE
SKIP LOCKED``, on SQLite writers are serialised, and the due time is read again inside the
transaction that moves it on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..audit import record
from ..db import claiming
from ..dialect.timers import CYCLE, DATE, DURATION, parse_cycle, parse_moment, resolve_due
from ..errors import EngineError
from ..incidents.models import START_TIMER
from ..incidents.opening import exhausted, open_incident
from ..models import Definition
from ..resources import BPMN
from ..sweep import attempt, retry_later
from ..validation import NS
from ..workdays import WorkingDayCalendar
from .event_tables import StartTimer
from .signal_index import register_signal_starts

SYSTEM = "system:timer"
TIMER_KINDS = {"timeDate": DATE, "timeDuration": DURATION, "timeCycle": CYCLE}


def timer_start_events(tree, key: str) -> list[tuple[str, str, str]]:
    """(element id, kind, timer text) of each timer start event of process ``key``."""
    found = []
    for event in tree.xpath("//bpmn:process[@id=$key]/bpmn:startEvent", namespaces=NS, key=key):
        for tag, kind in TIMER_KINDS.items():
            for node in event.xpath(f"bpmn:timerEventDefinition/bpmn:{tag}", namespaces=NS):
                found.append((event.get("id"), kind, (node.text or "").strip()))
    return found


def schedule(
    session: Session, definition: Definition, tree, now: datetime, calendar: WorkingDayCalendar
) -> None:
    """Replace the schedules of ``definition``'s process with those of this new version."""
    if definition.kind != BPMN:
        return
    session.execute(delete(StartTimer).where(StartTimer.process_key == definition.key))
    for element_id, kind, text in timer_start_events(tree, definition.key):
        due, cycles, period = _first_firing(kind, text, now, calendar)
        session.add(
            StartTimer(
                definition_id=definition.id,
                process_key=definition.key,
                element_id=element_id,
                kind=kind,
                due_at=due,
                fire_at=due,
                cycles_left=cycles,
                period_seconds=period,
            )
        )


def schedule_start_events(session: Session, definition: Definition, tree, engine) -> None:
    """Schedule a newly deployed version's timer start events and register its signal starts
    (both replacing those of earlier versions of the process)."""
    if definition.kind != BPMN or tree is None:
        return
    now = engine.clock.now()
    schedule(session, definition, tree, now, engine.calendar)
    register_signal_starts(session, definition, tree, now)


def _first_firing(kind: str, text: str, now: datetime, calendar: WorkingDayCalendar):
    """(first due moment, firings left, seconds between firings) for one timer text."""
    if kind == CYCLE:
        cycle = parse_cycle(text, now, calendar)
        return datetime.fromisoformat(cycle["next"]), cycle["cycles"], cycle["duration"]
    if kind == DATE:
        return parse_moment(text), 1, None
    return resolve_due(text, now, calendar), 1, None


class StartTimerSweep:
    """Starts the instances whose timer start events are due, one per transaction."""

    def __init__(self, engine):
        self.engine = engine

    def due_ids(self, limit: int) -> list[int]:
        """Start timers due now, earliest first (one indexed range scan)."""
        now = self.engine.clock.now()
        with self.engine.db.reading() as session:
            query = select(StartTimer.id).where(StartTimer.fire_at <= now)
            return list(session.scalars(query.order_by(StartTimer.fire_at).limit(limit)))

    def fire_due(self, limit: int = 100) -> int:
        """Fire what is due; returns how many instances were started."""
        return sum(
            attempt(self.fire, timer_id, self._record_failure, "timer start event")
            for timer_id in self.due_ids(limit)
        )

    def fire(self, timer_id: int) -> int:
        """Start one instance for a due start timer and move it on; 0 if another node has it."""
        with self.engine.db.unit_of_work() as session:
            now = self.engine.clock.now()
            query = select(StartTimer).where(StartTimer.id == timer_id, StartTimer.fire_at <= now)
            timer = session.scalars(claiming(session, query)).first()
            if timer is None:
                return 0
            definition = session.get(Definition, timer.definition_id)
            self.engine.start_in(
                session, definition, {}, start_event=timer.element_id, started_by=SYSTEM
            )
            _move_on(session, timer)
            return 1

    def _record_failure(self, timer_id: int, error: EngineError) -> None:
        with self.engine.db.unit_of_work() as session:
            now = self.engine.clock.now()
            timer = session.get(StartTimer, timer_id)
            if timer is None:
                return
            retry_later(timer, error, now)
            record(
                session,
                "error",
                SYSTEM,
                now,
                element_id=timer.element_id,
                details={
                    "message": str(error),
                    "during": "timer start",
                    "process": timer.process_key,
                },
            )
            if exhausted(timer.attempts, self.engine.job_retries):
                open_incident(
                    session,
                    now,
                    error,
                    kind=START_TIMER,
                    process_key=timer.process_key,
                    attempts=timer.attempts,
                    definition_id=timer.definition_id,
                    element=(timer.element_id, None),
                    job={"start_event": timer.element_id},
                )
                _move_on(session, timer)  # a cycle goes on; the missed start is the incident's


def _move_on(session: Session, timer: StartTimer) -> None:
    """After a firing: the next repetition of a cycle, or the end of the schedule."""
    if timer.cycles_left > 0:
        timer.cycles_left -= 1
    if timer.cycles_left == 0 or not timer.period_seconds:
        session.delete(timer)
        return
    timer.due_at += timedelta(seconds=timer.period_seconds)
    timer.fire_at = timer.due_at
    timer.attempts, timer.last_error = 0, None

"""Signals across instances, as Camunda 7 broadcasts them.

A signal thrown by an instance (intermediate or end event) or sent through the API reaches every
subscription of its name: waiting catch events, boundary events and event-subprocess starts of
every running instance, whatever its business key, and it starts an instance of every latest
process version with a signal start event of that name (``engine.signal_index`` finds them in
an indexed table, never by loading workflows). The broadcast writes one ``signal_delivery`` row
per receiver in the sender's transaction; after it commits each receiver is stepped in its own
transaction, so one failing receiver never blocks the others: its failure stays on its row (and
in the audit trail) and the sweep retries it with back-off.
"""

from __future__ import annotations

import threading
from datetime import datetime

from SpiffWorkflow.bpmn.util import BpmnEvent
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..db import claiming
from ..dialect.signals import BroadcastSignalEventDefinition
from ..errors import EngineError
from ..incidents.models import SIGNAL, SIGNAL_START
from ..incidents.opening import exhausted, open_incident
from ..models import RUNNING, Definition
from ..runtime import run_safely
from ..sweep import attempt, retry_later
from .event_tables import SignalDelivery
from .signal_index import QUEUED

SYSTEM = "system:signal"
MAX_DELIVERIES_PER_RUN = 1000  # a ring of processes signalling each other waits for the sweep


class SignalDeliveries:
    """Steps each receiver of a broadcast in its own transaction."""

    def __init__(self, engine):
        self.engine = engine
        self._local = threading.local()

    def after_commit(self, info: dict) -> None:
        """Deliver at once what a committed transaction broadcast (the sweep retries)."""
        if info.get(QUEUED):
            self.deliver_due()

    def deliver_due(self, limit: int = MAX_DELIVERIES_PER_RUN) -> int:
        """Deliver every due signal (at most ``limit``); returns how many were delivered."""
        if getattr(self._local, "delivering", False):
            return 0  # a receiver's own broadcast: the loop below picks it up
        self._local.delivering = True
        delivered = attempted = 0
        try:
            while attempted < limit and (due := self._due_ids(limit - attempted)):
                for delivery_id in due:
                    attempted += 1
                    delivered += attempt(
                        self.deliver, delivery_id, self._record_failure, "signal delivery"
                    )
        finally:
            self._local.delivering = False
        return delivered

    def _due_ids(self, limit: int) -> list[int]:
        now = self.engine.clock.now()
        with self.engine.db.reading() as session:
            query = select(SignalDelivery.id).where(SignalDelivery.fire_at <= now)
            return list(session.scalars(query.order_by(SignalDelivery.id).limit(limit)))

    def deliver(self, delivery_id: int) -> int:
        """Deliver one signal to one receiver in one transaction; 0 if there is nothing to do."""
        with self.engine.db.unit_of_work() as session:
            now = self.engine.clock.now()
            query = select(SignalDelivery).where(
                SignalDelivery.id == delivery_id, SignalDelivery.fire_at <= now
            )
            delivery = session.scalars(claiming(session, query)).first()
            if delivery is None:
                return 0
            session.delete(delivery)
            if delivery.instance_id is None:
                definition = session.get(Definition, delivery.definition_id)
                self.engine.start_in(
                    session,
                    definition,
                    delivery.variables,
                    start_event=delivery.element_id,
                    started_by=SYSTEM,
                )
                return 1
            return self._to_instance(session, delivery, now)

    def _to_instance(self, session: Session, delivery: SignalDelivery, now: datetime) -> int:
        runtime = self.engine.runtime
        instance = runtime.lock(session, delivery.instance_id, running=False)
        if instance.status != RUNNING:
            return 0
        workflow = runtime.load(session, instance)
        event = BpmnEvent(
            BroadcastSignalEventDefinition(delivery.signal_name), payload=delivery.variables
        )
        if not run_safely(workflow, workflow.event_manager.catch, event, False):
            return 0  # it stopped waiting after the broadcast (a timer or a person came first)
        record(
            session,
            "signal_received",
            SYSTEM,
            now,
            instance=instance,
            details={"signal": delivery.signal_name, "sent_by": delivery.sent_by},
        )
        runtime.advance_and_save(session, instance, workflow, now, SYSTEM)
        return 1

    def _record_failure(self, delivery_id: int, error: EngineError) -> None:
        with self.engine.db.unit_of_work() as session:
            now = self.engine.clock.now()
            delivery = session.get(SignalDelivery, delivery_id)
            if delivery is None:
                return
            retry_later(delivery, error, now)
            instance = None
            if delivery.instance_id is not None:  # locked: an incident would change it
                instance = self.engine.runtime.lock(session, delivery.instance_id, running=False)
            record(
                session,
                "error",
                SYSTEM,
                now,
                instance=instance,
                element_id=delivery.element_id,
                details={"message": str(error), "during": "signal", "signal": delivery.signal_name},
            )
            running = instance is None or instance.status == RUNNING
            if running and exhausted(delivery.attempts, self.engine.job_retries):
                _open_incident(session, delivery, instance, error, now)


def _open_incident(session: Session, delivery, instance, error: EngineError, now) -> None:
    """The delivery's retries are used up: an incident keeps the signal for a retry."""
    definition_id = instance.definition_id if instance else delivery.definition_id
    open_incident(
        session,
        now,
        error,
        kind=SIGNAL if instance is not None else SIGNAL_START,
        process_key=session.get(Definition, definition_id).key,
        attempts=delivery.attempts,
        instance=instance,
        definition_id=definition_id,
        element=(delivery.element_id, None),
        job={
            "signal": delivery.signal_name,
            "variables": delivery.variables,
            "sent_by": delivery.sent_by,
            "start_event": delivery.element_id,
        },
    )
    session.delete(delivery)

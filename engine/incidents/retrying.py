"""Re-running an incident's failed job inside the caller's transaction (one engine step).

What is re-run depends on what failed: an instance's due timers, a signal to an instance, or
the start of a new instance at a timer or signal start event. The caller commits the step and
resolves the incident, or rolls back and records the new error.
"""

from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.bpmn.util import BpmnEvent
from sqlalchemy.orm import Session

from ..dialect.signals import BroadcastSignalEventDefinition
from ..errors import Conflict
from ..models import ERROR, RUNNING, Definition
from ..runtime import run_safely
from .models import SIGNAL, SIGNAL_START, START_TIMER, TIMER, Incident

SYSTEM = "system:incident"


def rerun(engine, session: Session, incident: Incident, now: datetime, who: str) -> None:
    """Run the failed job again; a ProcessError (or any EngineError) means it failed again."""
    if incident.kind in (START_TIMER, SIGNAL_START):
        definition = session.get(Definition, incident.definition_id)
        engine.start_in(
            session,
            definition,
            incident.job.get("variables") or {},
            start_event=incident.job.get("start_event"),
            started_by=SYSTEM,
        )
        return
    instance = engine.runtime.lock(session, incident.instance_id, running=False)
    if instance.status != ERROR:
        raise Conflict(f"Process instance {instance.id} is {instance.status}, not failed")
    instance.status, instance.error = RUNNING, None
    workflow = engine.runtime.load(session, instance)
    if incident.kind == TIMER:
        run_safely(workflow, workflow.refresh_timers)
    elif incident.kind == SIGNAL:
        event = BpmnEvent(
            BroadcastSignalEventDefinition(incident.job["signal"]),
            payload=incident.job.get("variables") or {},
        )
        run_safely(workflow, workflow.event_manager.catch, event, False)
    engine.runtime.advance_and_save(session, instance, workflow, now, who)

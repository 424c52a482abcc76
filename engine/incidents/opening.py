"""Opening an incident when a background job has failed as often as it may.

Called by the job's own failure handler (the timer sweep, timer start events, signal
deliveries) in the transaction that counts the failed attempt, so the incident, the instance's
failed status, the audit row and the email to the process's owners commit together.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts import User
from ..audit import record
from ..effects import GROUP, USER, notify_without_case
from ..errors import EngineError, InstanceNotRunning
from ..models import ERROR, Definition, ProcessInstance
from ..ownership import owners_of
from ..resources import parse_xml
from .models import Incident

JOB_RETRIES = 3  # Camunda 7's default: a job is tried three times before an incident
INCIDENT_OPENED = "incident_opened"


def exhausted(attempts: int, retries: int) -> bool:
    """Has a job that failed ``attempts`` times used up its ``retries``?"""
    return attempts >= max(retries, 1)


def open_incident(
    session: Session,
    now: datetime,
    error: EngineError,
    *,
    kind: str,
    process_key: str,
    attempts: int,
    instance: ProcessInstance | None = None,
    definition_id: int | None = None,
    element: tuple[str | None, str | None] = (None, None),
    job: dict | None = None,
) -> Incident:
    """Record the failed job, mark its instance failed and tell the process's owners.

    ``element`` is the (id, name) of the job's own element; the error's element, where the
    step actually failed, is preferred when it names one."""
    element_id = getattr(error, "element_id", None) or element[0]
    definition_id = instance.definition_id if instance is not None else definition_id
    incident = Incident(
        instance_id=instance.id if instance is not None else None,
        definition_id=definition_id,
        process_key=process_key,
        kind=kind,
        element_id=element_id,
        element_name=element[1]
        if element_id == element[0] and element[1]
        else _element_name(session, definition_id, element_id),
        message=str(error),
        line=getattr(error, "line", None),
        attempts=attempts,
        job=job or {},
        opened_at=now,
        last_failed_at=now,
    )
    session.add(incident)
    if instance is not None:
        instance.status, instance.error = ERROR, str(error)
    session.flush()
    record(
        session,
        INCIDENT_OPENED,
        None,
        now,
        instance=instance,
        element_id=element_id,
        details={"incident": incident.id, "kind": kind, "attempts": attempts},
    )
    _tell_owners(session, incident, instance, now)
    return incident


def ensure_not_failed(instance: ProcessInstance) -> None:
    """A step on a failed instance would meet the same failure: wait for its owners."""
    if instance.status == ERROR:
        raise InstanceNotRunning(
            "This process stopped at a step that failed, and its process owners have been "
            "told. Save a draft and complete the task once they have fixed it."
        )


def open_incident_of(session: Session, instance_id: int) -> Incident | None:
    """The open incident of an instance, if it has one."""
    query = select(Incident).where(
        Incident.instance_id == instance_id, Incident.resolved_at.is_(None)
    )
    return session.scalars(query.order_by(Incident.id.desc())).first()


def _element_name(session: Session, definition_id: int | None, element_id: str | None):
    """The failing element's name, read from the version's file (once, when it fails)."""
    definition = session.get(Definition, definition_id) if definition_id else None
    if definition is None or not element_id:
        return None
    found = parse_xml(definition.source).xpath("//*[@id=$id]/@name", id=element_id)
    return str(found[0]) if found else None


def _tell_owners(session, incident: Incident, instance, now: datetime) -> None:
    # owners are people or groups (engine.ownership); the email names the process and the
    # element and links to the owners' page of the instance, never to the case
    owners = owners_of(session, incident.process_key)
    people = set(session.scalars(select(User.username).where(User.username.in_(owners))))
    recipients = [(USER if owner in people else GROUP, owner) for owner in owners]
    process = (instance.process_name if instance is not None else None) or incident.process_key
    notify_without_case(
        session,
        recipients,
        INCIDENT_OPENED,
        now,
        instance_id=incident.instance_id,
        element_id=incident.element_id,
        context={
            "process": process,
            "step": incident.element_name or incident.element_id or "Start",
            "page": "incident",
            "key": incident.process_key,
            "incident_id": incident.id,
        },
    )

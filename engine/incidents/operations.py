"""Failed work an owner can fix (a mixin of ``Engine``), as Camunda Cockpit's incidents.

Only the process's owners and administrators see incidents and failed instances; anyone else
gets NotFound, as for an id that does not exist. Retry and cancel are each one transaction and
each is audited with who acted (and, to cancel, why).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import ownership
from ..access import NO_SUCH_PAGE
from ..access_audit import INSTANCE_VIEWED
from ..actors import Actor
from ..audit import record
from ..errors import Conflict, EngineError, InvalidSubmission, NotFound
from ..models import ERROR, Definition, ProcessInstance, Timer
from ..runtime import InstanceRef
from . import listing
from .models import CANCELLED as CANCELLED_INCIDENT
from .models import RETRIED, Incident
from .opening import open_incident_of
from .retrying import rerun

MAX_REASON = 4000


@dataclass(frozen=True)
class RetryOutcome:
    """Whether a retry worked; when not, the incident with its new error."""

    resolved: bool
    incident: Incident
    instance_id: int | None


class IncidentOperations:
    """Lists of a process's instances by state; a failed instance's incident, retried or
    cancelled."""

    def process_instances(
        self, key: str, actor: Actor, state: str, version: int | None = None, page: int = 1
    ) -> listing.InstancePage:
        """A page of ``key``'s instances in ``state`` (running, failed or finished)."""
        if state not in listing.STATES:
            raise NotFound(NO_SUCH_PAGE)
        with self.db.reading() as session:
            _ensure_owner(session, actor, key)
            return listing.instance_page(session, key, state, version, page)

    def failed_starts(self, key: str, actor: Actor) -> list[Incident]:
        """Open incidents of ``key`` that started no instance (timer or signal starts)."""
        with self.db.reading() as session:
            _ensure_owner(session, actor, key)
            return listing.failed_starts(session, key)

    def owned_incidents(self, actor: Actor, instance_id: int | None = None) -> list[Incident]:
        """Every open incident of the processes the actor may administer (Camunda's
        ``GET /incident``), or of one instance of them."""
        with self.db.reading() as session:
            keys = None if actor.has_role(ownership.ADMIN_ROLE) else _owned_keys(session, actor)
            return listing.open_incidents(session, keys, instance_id)

    def owned_instance(self, instance_id: int, actor: Actor) -> dict:
        """The owners' view of one instance: its state, version and incident (open, else the
        latest); no case details. A look, audited."""
        with self.db.reading() as session:
            instance = session.get(ProcessInstance, instance_id)
            if instance is None:
                raise NotFound(NO_SUCH_PAGE)
            _ensure_owner(session, actor, instance.process_key)
            definition = session.get(Definition, instance.definition_id)
            incident = open_incident_of(session, instance_id) or _latest_incident(
                session, instance_id
            )
            retrying = list(  # failed, not yet an incident: tried again with back-off
                session.scalars(
                    select(Timer)
                    .where(Timer.instance_id == instance_id, Timer.last_error.is_not(None))
                    .order_by(Timer.fire_at)
                )
            )
        self.record_look(
            actor,
            INSTANCE_VIEWED,
            case_ref=instance.case_ref,
            instance_id=instance.id,
            what=f"{instance.process_name or instance.process_key} (failed work)",
        )
        return {
            "instance": instance,
            "definition": definition,
            "incident": incident,
            "retrying": retrying,
        }

    def incident_of(self, instance_id: int, actor: Actor) -> Incident | None:
        """The open incident of an instance for its owners to act on; None for anyone else
        (the instance page asks for everyone who sees it)."""
        with self.db.reading() as session:
            instance = session.get(ProcessInstance, instance_id)
            if instance is None or not ownership.may_administer(
                session, actor, instance.process_key
            ):
                return None
            return open_incident_of(session, instance_id)

    def owned_incident(self, incident_id: int, actor: Actor) -> Incident:
        """An open incident its process's owners may act on (NotFound for anyone else)."""
        with self.db.reading() as session:
            return _owned_incident(session, incident_id, actor)

    def retry_incident(self, incident_id: int, actor: Actor) -> RetryOutcome:
        """Run the failed job again now, in one step: resolved on success; on failure the
        incident stays open with the new error (and one more attempt)."""
        with self.db.reading() as session:
            _owned_incident(session, incident_id, actor)
        now = self.clock.now()
        try:
            with self.db.unit_of_work() as session:
                incident = _owned_incident(session, incident_id, actor)
                rerun(self, session, incident, now, actor.user_id)
                _resolve(session, incident, actor, now, RETRIED)
                return RetryOutcome(True, incident, incident.instance_id)
        except Conflict:
            raise
        except EngineError as error:
            return self._record_failed_retry(incident_id, actor, error)

    def cancel_incident(self, incident_id: int, actor: Actor, reason: str) -> InstanceRef | None:
        """End the failed instance as cancelled (its tasks and timers closed), with a reason;
        for a failed start, close the incident. Returns the instance, if there is one."""
        with self.db.reading() as session:
            _owned_incident(session, incident_id, actor)
        reason = reason.strip() if isinstance(reason, str) else ""
        if not reason:
            raise InvalidSubmission({"reason": "Enter why you are cancelling it"})
        if len(reason) > MAX_REASON:
            raise InvalidSubmission({"reason": f"Must be {MAX_REASON} characters or fewer"})
        now = self.clock.now()
        with self.db.unit_of_work() as session:
            incident = _owned_incident(session, incident_id, actor)
            _resolve(session, incident, actor, now, CANCELLED_INCIDENT, reason)
            if incident.instance_id is None:
                return None
            instance = self.runtime.lock(session, incident.instance_id, running=False)
            if instance.status != ERROR:
                raise Conflict(f"Process instance {instance.id} is {instance.status}, not failed")
            details = {"reason": reason, "incident": incident.id}
            return self._cancel_locked(session, instance, actor, now, details)

    def _record_failed_retry(self, incident_id: int, actor: Actor, error: EngineError):
        with self.db.unit_of_work() as session:
            now = self.clock.now()
            incident = session.get(Incident, incident_id)
            incident.message, incident.line = str(error), getattr(error, "line", None)
            incident.element_id = getattr(error, "element_id", None) or incident.element_id
            incident.attempts += 1
            incident.last_failed_at = now
            instance = session.get(ProcessInstance, incident.instance_id or 0)
            if instance is not None:
                instance.error = str(error)
            record(
                session,
                "incident_retry_failed",
                actor.user_id,
                now,
                instance=instance,
                element_id=incident.element_id,
                details={"incident": incident.id, "message": str(error), "line": incident.line},
            )
            return RetryOutcome(False, incident, incident.instance_id)


def _ensure_owner(session: Session, actor: Actor, key: str) -> None:
    if not ownership.may_administer(session, actor, key):
        raise NotFound(NO_SUCH_PAGE)


def _owned_keys(session: Session, actor: Actor) -> list[str]:
    open_keys = select(Incident.process_key).where(Incident.resolved_at.is_(None)).distinct()
    return [
        key for key in session.scalars(open_keys) if ownership.may_administer(session, actor, key)
    ]


def _owned_incident(session: Session, incident_id: int, actor: Actor) -> Incident:
    """The open incident, if the actor may administer its process; NotFound otherwise and
    Conflict when it has been resolved meanwhile."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(NO_SUCH_PAGE)
    _ensure_owner(session, actor, incident.process_key)
    if incident.resolved_at is not None:
        raise Conflict(f"This failure was already {incident.resolution} by {incident.resolved_by}")
    return incident


def _latest_incident(session: Session, instance_id: int) -> Incident | None:
    query = select(Incident).where(Incident.instance_id == instance_id)
    return session.scalars(query.order_by(Incident.id.desc())).first()


def _resolve(session, incident: Incident, actor: Actor, now, how: str, reason: str = "") -> None:
    incident.resolved_at, incident.resolved_by, incident.resolution = now, actor.user_id, how
    record(
        session,
        f"incident_{how}",
        actor.user_id,
        now,
        instance=session.get(ProcessInstance, incident.instance_id or 0),
        element_id=incident.element_id,
        details={"incident": incident.id, "kind": incident.kind, "reason": reason},
    )

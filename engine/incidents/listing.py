"""The process owners' list of one process's instances, by state and version, a page at a time.

Reads the indexed ``process_instance`` (``definition_id``, ``status``) and ``incident`` rows
only; no workflow is loaded, and an instance's serialized state is never read.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, defer

from ..models import CANCELLED, ENDED, ERROR, RUNNING, Definition, ProcessInstance
from .models import Incident

PAGE_SIZE = 25
STATES = {"running": (RUNNING,), "failed": (ERROR,), "finished": (ENDED, CANCELLED)}


@dataclass(frozen=True)
class InstanceRow:
    """One instance in the list, with its version and its open incident (failed ones)."""

    instance: ProcessInstance
    version: int
    incident: Incident | None


@dataclass(frozen=True)
class InstancePage:
    """One page of a process's instances in one state (newest first)."""

    key: str
    state: str
    version: int | None
    page: int
    total: int
    rows: list[InstanceRow]

    @property
    def pages(self) -> int:
        """How many pages the whole list has (at least one)."""
        return max(1, -(-self.total // PAGE_SIZE))


def instance_page(
    session: Session, key: str, state: str, version: int | None, page: int
) -> InstancePage:
    """The instances of ``key`` (of one version, if given) in ``state``, page ``page``."""
    versions = select(Definition.id).where(Definition.key == key)
    if version is not None:
        versions = versions.where(Definition.version == version)
    where = (
        ProcessInstance.definition_id.in_(versions),
        ProcessInstance.status.in_(STATES[state]),
    )
    total = session.scalar(select(func.count()).select_from(ProcessInstance).where(*where))
    page = min(max(page, 1), max(1, -(-total // PAGE_SIZE)))
    open_incident = and_(Incident.instance_id == ProcessInstance.id, Incident.resolved_at.is_(None))
    query = (
        select(ProcessInstance, Definition.version, Incident)
        .options(defer(ProcessInstance.state))
        .join(Definition, Definition.id == ProcessInstance.definition_id)
        .outerjoin(Incident, open_incident)
        .where(*where)
        .order_by(ProcessInstance.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = [InstanceRow(*row) for row in session.execute(query)]
    return InstancePage(key, state, version, page, total, rows)


def failed_starts(session: Session, key: str) -> list[Incident]:
    """Open incidents of ``key`` that have no instance (a timer or signal start that failed)."""
    query = select(Incident).where(
        Incident.process_key == key, Incident.resolved_at.is_(None), Incident.instance_id.is_(None)
    )
    return list(session.scalars(query.order_by(Incident.opened_at.desc())))


def open_incidents(
    session: Session, keys: list[str] | None, instance_id: int | None, limit: int = 1000
) -> list[Incident]:
    """Open incidents, oldest first, of these process keys (None: all) or of one instance."""
    query = select(Incident).where(Incident.resolved_at.is_(None))
    if keys is not None:
        query = query.where(Incident.process_key.in_(keys))
    if instance_id is not None:
        query = query.where(Incident.instance_id == instance_id)
    return list(session.scalars(query.order_by(Incident.opened_at, Incident.id).limit(limit)))

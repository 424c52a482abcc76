"""The one rule for reading a record held under a sharing decision, in its three forms:
for one row (``may_read``), as a query condition for lists (``readable``), and as the agencies
a notification may reach (``audience``).

A row (instance, task, audit event) carries ``held_by``: None when it is open to every agency
involved in the case, else the agency holding it. A held row is read by that agency and by
the agencies a sharing decision in the same instance named (``disclosure_grant``); whoever
reads must also be able to see the case (``cases.involved``), which callers check first.
"""

from __future__ import annotations

from sqlalchemy import exists, or_, select, true
from sqlalchemy.orm import Session

from ..actors import Actor
from .models import DisclosureGrant


def _granted(instance_id, held_by, agency):
    return exists().where(
        DisclosureGrant.instance_id == instance_id,
        DisclosureGrant.from_agency == held_by,
        DisclosureGrant.to_agency == agency,
    )


def may_read(session: Session, actor: Actor, instance_id: int | None, held_by: str | None) -> bool:
    """Whether the actor's agency may read a row held by ``held_by`` in this instance."""
    if held_by is None or actor.system:
        return True
    if actor.agency is None:
        return False
    if actor.agency == held_by:
        return True
    return bool(session.scalar(select(_granted(instance_id, held_by, actor.agency))))


def readable(model, actor: Actor):
    """A condition selecting the rows of ``model`` (with ``instance_id`` and ``held_by``)
    the actor's agency may read."""
    if actor.system:
        return true()
    instance_id = model.id if model.__tablename__ == "process_instance" else model.instance_id
    return or_(
        model.held_by.is_(None),
        model.held_by == actor.agency,
        _granted(instance_id, model.held_by, actor.agency),
    )


def audience(session: Session, instance_id: int | None, held_by: str | None) -> list[str] | None:
    """The agencies whose people may be told about a row held by ``held_by`` (None: open)."""
    if held_by is None:
        return None
    granted = session.scalars(
        select(DisclosureGrant.to_agency)
        .where(DisclosureGrant.instance_id == instance_id, DisclosureGrant.from_agency == held_by)
        .order_by(DisclosureGrant.id)
    )
    return [held_by, *granted]

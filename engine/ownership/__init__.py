"""Process ownership: which process owners may change each process (definition key).

A key with no ``process_owner`` rows belongs to the partnership's process owners (the group
``DEFAULT_OWNER``); a key with rows only to the people and groups listed. Administrators may
always act, and the engine itself (CLI, scheduler) is never restricted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..actors import Actor
from ..agencies import PARTNERSHIP
from ..errors import InvalidSubmission, NotPermitted
from .models import ProcessOwner

DEFAULT_OWNER = f"{PARTNERSHIP}:process-owner"
ADMIN_ROLE = "admin"

__all__ = [
    "DEFAULT_OWNER",
    "ProcessOwner",
    "ensure_may_administer",
    "check_deployment",
    "ensure_may_deploy",
    "may_administer",
    "owners_of",
    "record_first_owner",
    "set_owners",
]


def owners_of(session: Session, key: str) -> list[str]:
    """The listed owners of ``key``, or ``[DEFAULT_OWNER]`` when none are listed."""
    query = select(ProcessOwner.owner).where(ProcessOwner.process_key == key)
    listed = list(session.scalars(query.order_by(ProcessOwner.owner)))
    return listed or [DEFAULT_OWNER]


def _is_owner(actor: Actor, owners: Iterable[str]) -> bool:
    return any(owner == actor.user_id or owner in actor.groups for owner in owners)


def may_administer(session: Session, actor: Actor, key: str) -> bool:
    """May this person deploy, migrate and administer process ``key``?"""
    if actor.system or actor.has_role(ADMIN_ROLE):
        return True
    return _is_owner(actor, owners_of(session, key))


def ensure_may_administer(session: Session, actor: Actor, key: str) -> None:
    """NotPermitted, naming the key's owners, unless the actor may administer it."""
    if not may_administer(session, actor, key):
        owners = ", ".join(owners_of(session, key))
        raise NotPermitted(
            f"Process '{key}' is owned by {owners}: ask one of them or an administrator"
        )


def ensure_may_deploy(session: Session, actor: Actor | None, definitions: Iterable) -> None:
    """Each new version (a definition with ``key`` and ``version``) needs an owner of its key;
    a key's first version needs only a process owner (the caller checks that role), unless an
    administrator listed its owners beforehand. ``actor`` None is the operator (CLI)."""
    if actor is None:
        return
    for definition in definitions:
        listed = session.scalars(
            select(ProcessOwner.id).where(ProcessOwner.process_key == definition.key).limit(1)
        ).first()
        if definition.version > 1 or listed is not None:
            ensure_may_administer(session, actor, definition.key)


def check_deployment(
    session: Session, actor: Actor | None, definitions: list, now: datetime
) -> None:
    """Refuse new versions of keys the actor does not own; make them owner of new keys."""
    ensure_may_deploy(session, actor, definitions)
    for definition in definitions:
        if definition.version == 1 and owners_of(session, definition.key) == [DEFAULT_OWNER]:
            record_first_owner(session, actor, definition.key, now)


def record_first_owner(session: Session, actor: Actor | None, key: str, now: datetime) -> None:
    """The first deployment of a new key by a process owner makes them its owner (or, for the
    partnership's own process owners, their group)."""
    if actor is None or actor.system or actor.has_role(ADMIN_ROLE):
        return
    owner = DEFAULT_OWNER if DEFAULT_OWNER in actor.groups else actor.user_id
    session.add(ProcessOwner(process_key=key, owner=owner, added_by=actor.user_id, added_at=now))


def set_owners(
    session: Session,
    key: str,
    actor: Actor,
    now: datetime,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
) -> list[str]:
    """Administrators add or remove owners of ``key``; returns the owners afterwards."""
    if not (actor.system or actor.has_role(ADMIN_ROLE)):
        raise NotPermitted("Only administrators can change who owns a process")
    add = [owner.strip() for owner in add if owner and owner.strip()]
    remove = [owner.strip() for owner in remove if owner and owner.strip()]
    if not (add or remove):
        raise InvalidSubmission({"owner": "Enter a username or group to add or remove"})
    session.execute(
        delete(ProcessOwner).where(ProcessOwner.process_key == key, ProcessOwner.owner.in_(remove))
    )
    listed = set(session.scalars(select(ProcessOwner.owner).where(ProcessOwner.process_key == key)))
    session.add_all(
        ProcessOwner(process_key=key, owner=owner, added_by=actor.user_id, added_at=now)
        for owner in dict.fromkeys(add)
        if owner not in listed
    )
    session.flush()
    return owners_of(session, key)

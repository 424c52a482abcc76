"""Named workers: a person of an involved agency named on a case (the lead social worker, the
drug-and-alcohol key worker), added and removed with who, when and why, like agencies.

A named worker is a ``case_involvement`` row with ``worker_username``/``worker_name`` (and its
``involvement_period`` row). Visibility stays by agency, so naming someone changes who is
recorded, not who may see the case. Only an active user of an agency involved in the case may
be named; removing the last named worker of an agency leaves the agency involved (a row
without a worker takes its place, with its own history row).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..accounts import User
from ..agencies import PARTNERSHIP, agency_name
from ..cases import CaseInvolvement, FamilyCase
from ..errors import Conflict, InvalidSubmission
from . import service
from .models import InvolvementPeriod

MAX_USERNAME = 64


def checked_worker(session: Session, username: object, agency: str | None = None) -> User:
    """The active user ``username`` (of ``agency`` when given); InvalidSubmission on the
    ``worker`` field otherwise."""
    text = username.strip() if isinstance(username, str) else ""
    if not text:
        raise InvalidSubmission({"worker": "Choose the person to name on the case"})
    user = session.scalars(select(User).where(User.username == text[:MAX_USERNAME])).first()
    if user is None:
        raise InvalidSubmission({"worker": f"No one has the username '{text[:MAX_USERNAME]}'"})
    if not user.active:
        message = f"{user.display_name}'s account is not active: name someone who can sign in"
        raise InvalidSubmission({"worker": message})
    if agency is not None and user.agency != agency:
        theirs, asked = agency_name(user.agency), agency_name(agency) or agency[:MAX_USERNAME]
        raise InvalidSubmission({"worker": f"{user.display_name} works for {theirs}, not {asked}"})
    return user


def name(session: Session, case: FamilyCase, user: User, change: service.Change) -> None:
    """Name ``user`` (already checked) on the case for their agency, which must be involved."""
    change = service.checked_change(change)
    rows = _rows(session, case, user.agency)
    if not rows:
        agency = agency_name(user.agency)
        message = f"{agency} is not involved in this case: involve the agency first"
        raise InvalidSubmission({"worker": message})
    if any(row.worker_username == user.username for row in rows):
        message = f"{user.display_name} is already named on this case"
        raise InvalidSubmission({"worker": message})
    worker = {"worker_username": user.username, "worker_name": user.display_name}
    service.start_period(session, case, user.agency, change, **worker)
    service.audit(session, service.JOINED, case, user.agency, change, worker)


def unname(
    session: Session, case: FamilyCase, agency: str, username: str, change: service.Change
) -> str:
    """Remove a named worker, returning their name; the agency stays involved (Conflict if
    they are not named for it)."""
    change = service.checked_change(change)
    rows = _rows(session, case, agency)
    row = next((r for r in rows if r.worker_username == username), None)
    if row is None:
        raise Conflict(f"'{username[:MAX_USERNAME]}' is not named on this case for that agency")
    worker = {"worker_username": row.worker_username, "worker_name": row.worker_name}
    session.execute(delete(CaseInvolvement).where(CaseInvolvement.id == row.id))
    query = select(InvolvementPeriod).where(
        InvolvementPeriod.case_ref == case.reference,
        InvolvementPeriod.agency == agency,
        InvolvementPeriod.worker_username == username,
        InvolvementPeriod.left_at.is_(None),
    )
    for period in session.scalars(query):
        period.left_at, period.left_by, period.leave_reason = change.at, change.by, change.reason
    if len(rows) == 1:  # the agency's only row: it stays involved without a named worker
        who = row.worker_name or username
        stays = replace(change, reason=f"Stays involved after {who} left the case")
        service.start_period(session, case, agency, stays)
    service.audit(session, service.LEFT, case, agency, change, worker)
    return row.worker_name or username


def named(session: Session, case: FamilyCase) -> list[CaseInvolvement]:
    """The case's named workers now, in the order they were named."""
    query = select(CaseInvolvement).where(
        CaseInvolvement.case_id == case.id, CaseInvolvement.worker_username.is_not(None)
    )
    return list(session.scalars(query.order_by(CaseInvolvement.id)))


def nameable(session: Session, case: FamilyCase) -> list[User]:
    """Who could be named: active users of the involved agencies not named already."""
    agencies = [a for a in service.current_agencies(session, case) if a != PARTNERSHIP]
    taken = [row.worker_username for row in named(session, case)]
    query = select(User).where(
        User.agency.in_(agencies), User.active.is_(True), User.username.not_in(taken)
    )
    return list(session.scalars(query.order_by(User.agency, User.display_name)))


def _rows(session: Session, case: FamilyCase, agency: str) -> list[CaseInvolvement]:
    query = select(CaseInvolvement).where(
        CaseInvolvement.case_id == case.id, CaseInvolvement.agency == agency
    )
    return list(session.scalars(query))

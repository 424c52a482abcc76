"""Creating a case, changing its details, closing and reopening it (in the caller's
transaction; ``operations`` owns it)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts import User
from ..actors import Actor
from ..agencies import PARTNERSHIP
from ..cases import CASE_CLOSED, CASE_OPEN, FamilyCase
from ..errors import Conflict, InvalidSubmission, NotPermitted
from ..involvement import service as involvement
from . import changes, rules
from .checks import checked_case, text

REFERENCE = re.compile(r"[A-Z0-9][A-Z0-9-]{2,63}")
CREATED_REASON = "Created the case"
MAX_REASON = 2000
DETAILS = ("family_name", "summary", "case_type")


def next_reference(session: Session, year: int) -> str:
    """The next free ``JU-<year>-NNNNNN`` (a clash with a concurrent create fails the insert
    on the unique reference; the caller tries again)."""
    prefix = f"JU-{year}-"
    query = select(FamilyCase.reference).where(FamilyCase.reference.startswith(prefix))
    numbers = [
        int(ref[len(prefix) :]) for ref in session.scalars(query) if ref[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:06d}"


def create(session: Session, data: dict, actor: Actor, now: datetime) -> FamilyCase:
    """A new open case; the creator's agency (an administrator names one) joins it with the
    creator as its named worker, and the creation is on the case's history."""
    rules.ensure_may_create(actor)
    values = checked_case(data)
    agency, worker = _holder(session, data, actor)
    reference = _reference(session, data, actor, now)
    case = FamilyCase(reference=reference, created_at=now, created_by=actor.user_id, **values)
    session.add(case)
    session.flush()
    change = involvement.Change(actor.user_id, now, CREATED_REASON, actor.via)
    involvement.start_period(session, case, agency, change, **worker)
    involvement.audit(session, involvement.JOINED, case, agency, change, worker)
    changes.record_change(
        session,
        changes.CASE_CREATED,
        case,
        actor.user_id,
        now,
        about=f"{case.family_name} family",
        changes=changes.as_added({"reference": reference, **values}),
        via=actor.via,
    )
    return case


def _holder(session: Session, data: dict, actor: Actor) -> tuple[str, dict]:
    """The agency that holds the new case and its named worker (the creator, if not admin)."""
    if actor.agency and actor.agency != PARTNERSHIP:
        user = session.scalars(select(User).where(User.username == actor.user_id)).first()
        name = user.display_name if user else actor.user_id
        return actor.agency, {"worker_username": actor.user_id, "worker_name": name}
    agency = text(data.get("agency"))
    if agency not in rules.holder_choices(actor):
        raise InvalidSubmission({"agency": "Choose the agency that will hold the case"}, data)
    return agency, {}


def _reference(session: Session, data: dict, actor: Actor, now: datetime) -> str:
    given = text(data.get("reference")).upper()
    if not given:
        return next_reference(session, now.year)
    if not (actor.system or actor.has_role("admin")):
        raise NotPermitted("Only an administrator may choose a case reference")
    if not REFERENCE.fullmatch(given):
        message = "A reference is 3 to 64 letters, digits and hyphens, like JU-2026-000123"
        raise InvalidSubmission({"reference": message}, data)
    if session.scalar(select(FamilyCase.id).where(FamilyCase.reference == given)) is not None:
        message = f"A case already has the reference {given}: leave it blank for a new one"
        raise InvalidSubmission({"reference": message}, data)
    return given


def change_details(
    session, reference: str, data: dict, actor: Actor, now: datetime, partial=False
) -> None:
    """Change the family name, summary or type (StaleRecord if the page is out of date);
    ``partial`` (the API's PATCH) keeps the fields not sent."""
    case = rules.locked_case(session, reference, actor)
    rules.ensure_open(case)
    rules.ensure_current(case, data.get("version"), "the case details")
    before = {field: getattr(case, field) for field in DETAILS}
    values = checked_case({**before, **data} if partial else data)
    found = changes.differences(before, values)
    if not found:
        return
    for field, value in values.items():
        setattr(case, field, value)
    case.version += 1
    changes.record_change(
        session, changes.CASE_DETAILS_CHANGED, case, actor.user_id, now, changes=found
    )


def close(session: Session, reference: str, reason: object, actor: Actor, now: datetime) -> None:
    """Close the case with a reason; refused while processes on it have not ended."""
    case = _closable(session, reference, actor)
    if case.status == CASE_CLOSED:
        raise Conflict(f"Case {reference} is already closed")
    reason = _reason(reason)
    shown, running = rules.open_processes(session, case, actor)
    if shown:
        raise Conflict(
            f"{shown} process{'es are' if shown > 1 else ' is'} still running on this "
            "case: finish or withdraw them before closing it"
        )
    if running:
        raise Conflict("Work is still open on this case: it cannot be closed yet")
    case.status, case.closed_at, case.closed_by = CASE_CLOSED, now, actor.user_id
    case.version += 1
    changes.record_change(
        session, changes.CASE_CLOSED, case, actor.user_id, now, reason=reason, via=actor.via
    )


def reopen(session: Session, reference: str, reason: object, actor: Actor, now: datetime) -> None:
    """Reopen a closed case (why is recorded)."""
    case = _closable(session, reference, actor)
    if case.status != CASE_CLOSED:
        raise Conflict(f"Case {reference} is open already")
    reason = _reason(reason)
    case.status, case.closed_at, case.closed_by = CASE_OPEN, None, None
    case.version += 1
    changes.record_change(
        session, changes.CASE_REOPENED, case, actor.user_id, now, reason=reason, via=actor.via
    )


def _closable(session: Session, reference: str, actor: Actor) -> FamilyCase:
    case = rules.locked_case(session, reference, actor)
    if not rules.may_close(session, case, actor):
        raise NotPermitted(
            "Only a manager of an involved agency, a worker named on the case or an "
            "administrator may close or reopen it"
        )
    return case


def _reason(reason: object) -> str:
    words = text(reason)
    if not words:
        raise InvalidSubmission({"reason": "Say why"}, {"reason": reason})
    if len(words) > MAX_REASON:
        raise InvalidSubmission({"reason": f"Keep the reason to {MAX_REASON} characters"})
    return words

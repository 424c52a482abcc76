"""Legal holds: an administrator stops a case (and every instance on it) being purged.

Placing and lifting each need a reason, are recorded on the case's timeline (``audit_event``)
and happen in the caller's one transaction. Anyone else gets a 404 naming nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..actors import Actor
from ..audit import record
from ..cases import FamilyCase
from ..errors import Conflict, InvalidSubmission, NotFound
from ..ownership import ADMIN_ROLE
from .models import LegalHold

MIN_REASON, MAX_REASON = 10, 500
HOLD_PLACED, HOLD_LIFTED = "legal_hold_placed", "legal_hold_lifted"
NO_SUCH_CASE = "There is no case with this reference: check it and try again"


def ensure_administrator(actor: Actor) -> None:
    """NotFound, naming nothing, for anyone but an administrator (or the engine itself)."""
    if not (actor.system or actor.has_role(ADMIN_ROLE)):
        raise NotFound("Page not found")


def check_reason(reason: str | None, field: str = "reason") -> str:
    """The reason, its spaces tidied; InvalidSubmission when too short or too long."""
    text = " ".join((reason or "").split())
    if len(text) < MIN_REASON:
        raise InvalidSubmission({field: f"Give the reason in at least {MIN_REASON} characters"})
    if len(text) > MAX_REASON:
        raise InvalidSubmission({field: f"Keep the reason to {MAX_REASON} characters or fewer"})
    return text


def active_hold(session: Session, case_ref: str) -> LegalHold | None:
    """The hold on a case now, if there is one."""
    query = select(LegalHold).where(LegalHold.case_ref == case_ref, LegalHold.lifted_at.is_(None))
    return session.scalars(query).first()


def place_hold(
    session: Session, actor: Actor, case_ref: str, reason: str, now: datetime
) -> LegalHold:
    """Hold a case: InvalidSubmission for a bad reason or an unknown reference, Conflict when
    it is held already."""
    ensure_administrator(actor)
    case_ref = (case_ref or "").strip()
    reason = check_reason(reason)
    if (
        session.scalars(select(FamilyCase.id).where(FamilyCase.reference == case_ref)).first()
        is None
    ):
        raise InvalidSubmission({"case_ref": NO_SUCH_CASE})
    if active_hold(session, case_ref) is not None:
        raise Conflict(f"Case {case_ref} is already under a legal hold")
    hold = LegalHold(case_ref=case_ref, reason=reason, placed_at=now, placed_by=actor.user_id)
    session.add(hold)
    record(session, HOLD_PLACED, actor.user_id, now, case_ref=case_ref, details={"reason": reason})
    session.flush()
    return hold


def lift_hold(
    session: Session, actor: Actor, case_ref: str, reason: str, now: datetime
) -> LegalHold:
    """Lift the hold on a case (NotFound when there is none), with a reason."""
    ensure_administrator(actor)
    hold = active_hold(session, case_ref)
    if hold is None:
        raise NotFound("Page not found")
    hold.lift_reason = check_reason(reason)
    hold.lifted_at, hold.lifted_by = now, actor.user_id
    record(
        session, HOLD_LIFTED, actor.user_id, now, case_ref=case_ref,
        details={"reason": hold.lift_reason},
    )  # fmt: skip
    return hold


def holds_in_force(session: Session) -> list[LegalHold]:
    """Every hold in force, oldest first."""
    query = select(LegalHold).where(LegalHold.lifted_at.is_(None))
    return list(session.scalars(query.order_by(LegalHold.placed_at, LegalHold.id)))

"""Opening and closing break-glass windows, each in the caller's one transaction.

Opening writes the window, a ``break_glass_opened`` row in the access audit (with the reason,
so "Who has seen this case" shows it) and a notification to the lead agency's managers, all
in one transaction: if any of them fails, nothing is opened.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.outbox import GROUP, enqueue

from ..access_audit import BREAK_GLASS_CLOSED, BREAK_GLASS_OPENED, record_look
from ..access_audit.trail import lead_agency
from ..actors import Actor
from ..cases import FamilyCase
from ..errors import InvalidSubmission, NotFound
from .models import BreakGlassAccess
from .rules import check_reason, may_use, open_windows, roles_of

NOTIFICATION = "break_glass_opened"  # the event type and template (notifications.events)
NO_SUCH_CASE = "There is no case with this reference: check it and try again"


def ensure_may_use(actor: Actor) -> None:
    """NotFound, naming nothing, unless the person holds an eligible role."""
    if not may_use(actor):
        raise NotFound("Page not found")


def open_window(
    session: Session, actor: Actor, case_ref: str, reason: str, now: datetime, minutes: int
) -> BreakGlassAccess:
    """Open a window on one case for ``minutes``; audited, and the lead agency told."""
    ensure_may_use(actor)
    reason = check_reason(reason)
    case_ref = (case_ref or "").strip()
    case = session.scalars(select(FamilyCase).where(FamilyCase.reference == case_ref)).first()
    if case is None:  # only eligible people get here: they may open any case that exists
        raise InvalidSubmission({"case_ref": NO_SUCH_CASE})
    window = BreakGlassAccess(
        case_ref=case.reference,
        username=actor.user_id,
        agency=actor.agency,
        role=roles_of(actor),
        reason=reason,
        opened_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    session.add(window)
    record_look(session, actor, BREAK_GLASS_OPENED, now, case_ref=case.reference, what=reason)
    _tell_lead_agency(session, window, now)
    session.flush()
    return window


def _tell_lead_agency(session: Session, window: BreakGlassAccess, now: datetime) -> None:
    """A routine notification to the lead agency's managers (no reason: emails carry no
    case details; the reason is on "Who has seen this case", where the link goes)."""
    lead = lead_agency(session, window.case_ref)
    if lead is None:
        return
    enqueue(
        session,
        recipients=[(GROUP, f"{lead}:manager")],
        template=NOTIFICATION,
        event_type=NOTIFICATION,
        now=now,
        case_ref=window.case_ref,
        context={
            "process": "Break-glass access",
            "step": f"{window.username} ({window.role}) opened break-glass access",
            "page": "case_access",
        },
    )


def close_window(session: Session, actor: Actor, window_id: int, now: datetime) -> None:
    """Close one of the person's own open windows early (NotFound for anything else)."""
    ensure_may_use(actor)
    query = open_windows(actor, now).where(BreakGlassAccess.id == window_id)
    window = session.scalars(query).first()
    if window is None:
        raise NotFound("Page not found")
    window.closed_at = now
    record_look(session, actor, BREAK_GLASS_CLOSED, now, case_ref=window.case_ref)


def windows_of(session: Session, actor: Actor, now: datetime) -> list[BreakGlassAccess]:
    """The person's open windows, soonest to expire first."""
    ensure_may_use(actor)
    query = open_windows(actor, now).order_by(BreakGlassAccess.expires_at, BreakGlassAccess.id)
    return list(session.scalars(query))

"""Who may open a break-glass window, what a reason must be, and whether a window is open.

Break-glass is for people whose job is to look at a case they have no part in: a Head of
Service or senior manager reviewing an escalation, the partnership's chair or business
manager, an administrator or process owner fixing a process that failed. Nobody else may use
it (404, as for a page that does not exist).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..actors import Actor
from ..db import session_now
from ..errors import InvalidSubmission
from .models import BreakGlassAccess

ELIGIBLE_ROLES = (
    "head-of-service",
    "senior-manager",
    "board-chair",
    "partnership-business-manager",
    "admin",
    "process-owner",
)
DEFAULT_MINUTES = 120
MIN_REASON, MAX_REASON = 10, 255  # the reason is shown whole in "Who has seen this case"


def may_use(actor: Actor) -> bool:
    """Does the person hold a role that may open break-glass access? (Not the engine.)"""
    return not actor.system and bool(actor.groups.intersection(ELIGIBLE_ROLES))


def roles_of(actor: Actor) -> str:
    """The eligible roles the person holds, as recorded on the window."""
    return ", ".join(role for role in ELIGIBLE_ROLES if role in actor.groups)


def check_reason(reason: str | None) -> str:
    """The reason, trimmed; InvalidSubmission (422) when it is too short or too long."""
    text = " ".join((reason or "").split())
    if len(text) < MIN_REASON:
        raise InvalidSubmission(
            {"reason": f"Say why you need to see this case, in at least {MIN_REASON} characters"}
        )
    if len(text) > MAX_REASON:
        raise InvalidSubmission({"reason": f"Keep the reason to {MAX_REASON} characters or fewer"})
    return text


def open_windows(actor: Actor, now: datetime):
    """A query of the person's windows open at ``now``."""
    return select(BreakGlassAccess).where(
        BreakGlassAccess.username == actor.user_id,
        BreakGlassAccess.expires_at > now,
        BreakGlassAccess.closed_at.is_(None),
    )


def open_cases(actor: Actor, now: datetime):
    """A subquery of the case references the person has a window open on at ``now``."""
    return select(BreakGlassAccess.case_ref).where(
        BreakGlassAccess.username == actor.user_id,
        BreakGlassAccess.expires_at > now,
        BreakGlassAccess.closed_at.is_(None),
    )


def is_open(session: Session, case_ref: str, actor: Actor) -> bool:
    """Has the person a break-glass window open on this case now (the session's clock)?"""
    if actor.system:
        return False
    query = open_windows(actor, session_now(session)).where(BreakGlassAccess.case_ref == case_ref)
    return bool(session.scalar(select(exists(query))))

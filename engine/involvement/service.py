"""Joining and leaving a case, inside the caller's transaction, with history and audit."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..agencies import AGENCIES, agency_name
from ..audit import record
from ..cases import CaseInvolvement, FamilyCase
from ..errors import Conflict, InvalidSubmission
from ..models import ProcessInstance
from .models import InvolvementPeriod

JOINED, LEFT = "involvement_joined", "involvement_left"
MAX_REASON = 2000


@dataclass(frozen=True)
class Change:
    """Who changes involvement, when, and how it reached us (for the audit details)."""

    by: str | None
    at: datetime
    reason: str
    via: str = "web"
    instance: ProcessInstance | None = None
    element_id: str | None = None


def checked_reason(reason: object) -> str:
    """The reason, trimmed; InvalidSubmission when it is missing or too long."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise InvalidSubmission({"reason": "Say why the involvement changes"})
    if len(text) > MAX_REASON:
        raise InvalidSubmission({"reason": f"Keep the reason to {MAX_REASON} characters"})
    return text


def checked_agency(agency: object) -> str:
    """A known agency code; InvalidSubmission otherwise."""
    if not isinstance(agency, str) or agency not in AGENCIES:
        raise InvalidSubmission({"agency": "Choose an agency from the list"})
    return agency


def current_agencies(session: Session, case: FamilyCase) -> list[str]:
    """The agencies involved in the case now, in the order they joined."""
    query = select(CaseInvolvement.agency).where(CaseInvolvement.case_id == case.id)
    return list(dict.fromkeys(session.scalars(query.order_by(CaseInvolvement.id))))


def start_period(session: Session, case: FamilyCase, agency: str, change: Change, **worker):
    """Add a current-involvement row and its history row (no checks; see ``join``)."""
    session.add(CaseInvolvement(case_id=case.id, case_ref=case.reference, agency=agency, **worker))
    session.add(
        InvolvementPeriod(
            case_id=case.id,
            case_ref=case.reference,
            agency=agency,
            joined_at=change.at,
            joined_by=change.by,
            join_reason=change.reason,
            **worker,
        )
    )


def checked_change(change: Change) -> Change:
    """The change with its reason checked and trimmed (InvalidSubmission otherwise)."""
    return replace(change, reason=checked_reason(change.reason))


def join(session: Session, case: FamilyCase, agency: str, change: Change) -> None:
    """Involve ``agency`` in the case; Conflict when it already is. (Named workers of an
    involved agency: ``workers.name``.)"""
    agency, change = checked_agency(agency), checked_change(change)
    existing = select(CaseInvolvement.id).where(
        CaseInvolvement.case_id == case.id, CaseInvolvement.agency == agency
    )
    if session.scalars(existing).first() is not None:
        raise Conflict(f"{agency_name(agency)} is already involved in this case")
    start_period(session, case, agency, change)
    audit(session, JOINED, case, agency, change)


def leave(session: Session, case: FamilyCase, agency: str, change: Change) -> None:
    """Release ``agency`` (all its workers) from the case; it may not be the last agency."""
    change = checked_change(change)
    agencies = current_agencies(session, case)
    if agency not in agencies:
        raise Conflict(f"{agency_name(agency) or 'That agency'} is not involved in this case")
    if agencies == [agency]:
        raise Conflict("A case needs at least one involved agency: add another one first")
    session.execute(
        delete(CaseInvolvement).where(
            CaseInvolvement.case_id == case.id, CaseInvolvement.agency == agency
        )
    )
    for period in _open_periods(session, case, agency):
        period.left_at, period.left_by, period.leave_reason = change.at, change.by, change.reason
    audit(session, LEFT, case, agency, change)


def history(session: Session, case: FamilyCase) -> list[InvolvementPeriod]:
    """Every spell of involvement in the case, oldest first."""
    query = select(InvolvementPeriod).where(InvolvementPeriod.case_id == case.id)
    return list(session.scalars(query.order_by(InvolvementPeriod.id)))


def _open_periods(session: Session, case: FamilyCase, agency: str) -> list[InvolvementPeriod]:
    query = select(InvolvementPeriod).where(
        InvolvementPeriod.case_ref == case.reference,
        InvolvementPeriod.agency == agency,
        InvolvementPeriod.left_at.is_(None),
    )
    return list(session.scalars(query))


def audit(
    session: Session, event: str, case: FamilyCase, agency: str, change: Change, worker=None
) -> None:
    """The ``involvement_joined``/``_left`` audit event on the case (with the named worker)."""
    details = {"agency": agency, "reason": change.reason, "via": change.via}
    details.update({key: value for key, value in (worker or {}).items() if value})
    record(
        session,
        event,
        change.by,
        change.at,
        instance=change.instance,
        case_ref=case.reference,
        element_id=change.element_id,
        details=details,
    )

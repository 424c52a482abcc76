"""Closing a case: the moment its retention period counts from.

(The case pages' own close and reopen come with the case management work; this is the one
engine step both use and the retention tests drive.)
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..cases import CASE_CLOSED, FamilyCase
from ..errors import NotFound


def close_case(session: Session, reference: str, by: str, now: datetime) -> FamilyCase:
    """Mark a case closed now by ``by`` (NotFound for an unknown reference)."""
    case = session.scalars(select(FamilyCase).where(FamilyCase.reference == reference)).first()
    if case is None:
        raise NotFound("Page not found")
    case.status, case.closed_at, case.closed_by = CASE_CLOSED, now, by
    return case

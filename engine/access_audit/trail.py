"""Reading the access audit: who may, and one trail of a case's looks and changes."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, literal, select, union_all
from sqlalchemy.orm import Session

from ..accounts import User
from ..actors import Actor
from ..agencies import MANAGER_ROLES, PARTNERSHIP
from ..cases import CaseInvolvement, FamilyCase, ensure_visible
from ..errors import NotFound
from ..models import AuditEvent
from ..ownership import ADMIN_ROLE
from . import (
    ACCESS_EXPORTED,
    ACCESS_VIEWED,
    BREAK_GLASS_CLOSED,
    BREAK_GLASS_OPENED,
    CASE_VIEWED,
    INSTANCE_VIEWED,
    RECORD_VIEWED,
    TASK_VIEWED,
)
from .models import AccessEvent

# Children's social care leads any child assessment (DOMAIN: People and agencies).
CHILD_LEAD_AGENCY = "childrens-social-care"
OVERSIGHT_ROLES = ("board-chair", "partnership-business-manager")
PER_PAGE = 50
LOOKED = {
    CASE_VIEWED: "Viewed the case",
    TASK_VIEWED: "Viewed a task",
    INSTANCE_VIEWED: "Viewed a process",
    RECORD_VIEWED: "Viewed a record",
    ACCESS_VIEWED: "Viewed who has seen the case",
    ACCESS_EXPORTED: "Downloaded who has seen the case",
    BREAK_GLASS_OPENED: "Opened break-glass access. Reason",
    BREAK_GLASS_CLOSED: "Closed break-glass access",
}
CSV_HEADER = ("when_utc", "username", "name", "agency", "did", "what", "via")


@dataclass(frozen=True)
class TrailEntry:
    """One look or change on a case, as the access page and its CSV show it."""

    at: datetime
    username: str
    name: str
    agency: str | None
    looked: bool
    did: str
    what: str | None
    via: str | None


@dataclass(frozen=True)
class TrailPage:
    """One page of a case's trail, newest first."""

    reference: str
    entries: list[TrailEntry]
    page: int
    has_next: bool


def lead_agency(session: Session, case_ref: str) -> str | None:
    """Children's social care when involved (it leads for the child), else the first agency."""
    query = (  # by case_id, which is indexed on its own
        select(CaseInvolvement.agency)
        .join(FamilyCase, FamilyCase.id == CaseInvolvement.case_id)
        .where(FamilyCase.reference == case_ref)
    )
    agencies = list(session.scalars(query.order_by(CaseInvolvement.id)))
    if CHILD_LEAD_AGENCY in agencies:
        return CHILD_LEAD_AGENCY
    return agencies[0] if agencies else None


def oversees_access(actor: Actor) -> bool:
    """Administrators and the partnership's chair and business manager oversee who looks at
    cases: they may read any case's trail without seeing the case itself."""
    if actor.system or actor.has_role(ADMIN_ROLE):
        return True
    return actor.agency == PARTNERSHIP and actor.has_role(*OVERSIGHT_ROLES)


def may_see_trail(session: Session, case_ref: str, actor: Actor) -> bool:
    """Administrators, the partnership's chair and business manager, the lead's managers."""
    if oversees_access(actor):
        return True
    if actor.agency is None or not actor.has_role(*MANAGER_ROLES):
        return False
    return actor.agency == lead_agency(session, case_ref)


def ensure_may_see_trail(session: Session, reference: str, actor: Actor) -> FamilyCase:
    """The case, if the actor may see who has seen it; NotFound (naming nothing) otherwise.

    The lead agency's managers must see the case itself; those who oversee access need not
    (the trail shows who looked and changed what, not the family)."""
    if oversees_access(actor):
        case = session.scalars(select(FamilyCase).where(FamilyCase.reference == reference)).first()
        if case is None:
            raise NotFound("Page not found")
        return case
    case = ensure_visible(session, reference, actor)
    if not may_see_trail(session, reference, actor):
        raise NotFound("Page not found")
    return case


def case_trail(session: Session, reference: str, page: int | None = 1) -> TrailPage:
    """Looks and people's changes on a case, newest first; ``page=None`` reads them all."""
    trail = _trail(reference)
    query = select(trail).order_by(trail.c.at.desc(), trail.c.id.desc())
    if page is not None:
        query = query.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)
    rows = list(session.execute(query))
    has_next = page is not None and len(rows) > PER_PAGE
    rows = rows[:PER_PAGE] if page is not None else rows
    names = _names(session, {row.actor for row in rows})
    return TrailPage(reference, [_entry(row, names) for row in rows], page or 1, has_next)


def _trail(reference: str):
    """Looks (``access_event``) and people's changes (``audit_event``) as one subquery."""
    looks = select(
        AccessEvent.at,
        AccessEvent.id,
        literal(True).label("looked"),
        AccessEvent.event_type,
        AccessEvent.actor,
        AccessEvent.agency,
        AccessEvent.what,
        AccessEvent.via,
    ).where(AccessEvent.case_ref == reference)
    changes = (
        select(
            AuditEvent.at,
            AuditEvent.id,
            literal(False),
            AuditEvent.event_type,
            AuditEvent.actor,
            User.agency,  # a change does not store the agency: the person's present one
            AuditEvent.task_name,
            literal(None, String),
        )
        .outerjoin(User, User.username == AuditEvent.actor)
        .where(AuditEvent.case_ref == reference, AuditEvent.actor.is_not(None))
    )
    return union_all(looks, changes).subquery()


def _names(session: Session, usernames: set[str]) -> dict[str, str]:
    query = select(User.username, User.display_name).where(User.username.in_(usernames))
    return {row.username: row.display_name for row in session.execute(query)} if usernames else {}


def _entry(row, names: dict[str, str]) -> TrailEntry:
    did = LOOKED.get(row.event_type) if row.looked else None
    return TrailEntry(
        at=row.at,
        username=row.actor,
        name=names.get(row.actor, row.actor),
        agency=row.agency,
        looked=bool(row.looked),
        did=did or row.event_type.replace("_", " ").capitalize(),
        what=row.what,
        via=row.via,
    )


def as_csv(entries: list[TrailEntry]) -> str:
    """The trail as CSV: a header, then one line per look or change, newest first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for entry in entries:
        cells = (entry.at.isoformat(), entry.username, entry.name, entry.agency, entry.did)
        writer.writerow([_cell(value) for value in (*cells, entry.what, entry.via)])
    return out.getvalue()


def _cell(value: str | None) -> str:
    """Text a spreadsheet will not run as a formula (names and task names are free text)."""
    text = value or ""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

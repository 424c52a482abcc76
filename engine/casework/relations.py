"""Who cares for whom and the protective factors (in the caller's transaction), each on the
case's history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..actors import Actor
from ..cases import FamilyCase
from ..errors import InvalidSubmission, NotFound
from . import changes
from .checks import MAX_TEXT, text
from .members import is_id, member_of, open_case
from .models import CaringRelationship, ProtectiveFactor

CHILD_NOT_PROTECTIVE = (
    "A child is never a protective factor: choose an adult it rests on, or no one"
)


def add_caring(session: Session, reference: str, data: dict, actor: Actor, now: datetime):
    """One member caring for another, with what the care is."""
    case = open_case(session, reference, actor)
    errors: dict[str, str] = {}
    carer = _member_field(session, case, data, "carer", "Choose who gives the care", errors)
    cared = _member_field(session, case, data, "cared_for", "Choose who is cared for", errors)
    care = text(data.get("care"))
    if not care:
        errors["care"] = "Say what the care is, for example 'Helps with medication and meals'"
    elif len(care) > MAX_TEXT:
        errors["care"] = f"Keep the description to {MAX_TEXT} characters"
    if carer is not None and carer is cared:
        errors["cared_for"] = "Choose someone other than the carer"
    if errors:
        raise InvalidSubmission(errors, data)
    row = CaringRelationship(
        case_id=case.id,
        carer_id=carer.id,
        cared_for_id=cared.id,
        care=care,
        recorded_at=now,
        recorded_by=actor.user_id,
    )
    session.add(row)
    about = f"{carer.name} cares for {cared.name}"
    changes.record_change(
        session, changes.CARING_ADDED, case, actor.user_id, now, about=about, care=care
    )
    return row


def remove_caring(session: Session, reference: str, row_id: int, actor: Actor, now) -> None:
    case = open_case(session, reference, actor)
    row = _row(session, case, CaringRelationship, row_id)
    carer, cared = (
        member_of(session, case, row.carer_id),
        member_of(session, case, row.cared_for_id),
    )
    session.delete(row)
    about = f"{carer.name} cares for {cared.name}"
    changes.record_change(
        session, changes.CARING_REMOVED, case, actor.user_id, now, about=about, care=row.care
    )


def add_protective(session: Session, reference: str, data: dict, actor: Actor, now: datetime):
    """A protective factor, resting on an adult of the family or on no one; never a child."""
    case = open_case(session, reference, actor)
    errors: dict[str, str] = {}
    description = text(data.get("description"))
    if not description:
        errors["description"] = "Describe the protective factor, e.g. 'Grandmother visits daily'"
    elif len(description) > MAX_TEXT:
        errors["description"] = f"Keep the description to {MAX_TEXT} characters"
    member = None
    if data.get("member") not in (None, ""):
        member = _member_field(session, case, data, "member", "Choose an adult", errors)
        if member is not None and member.kind != "adult":
            errors["member"] = CHILD_NOT_PROTECTIVE
    if errors:
        raise InvalidSubmission(errors, data)
    row = ProtectiveFactor(
        case_id=case.id,
        description=description,
        member_id=member.id if member else None,
        recorded_at=now,
        recorded_by=actor.user_id,
    )
    session.add(row)
    changes.record_change(
        session,
        changes.PROTECTIVE_ADDED,
        case,
        actor.user_id,
        now,
        about=description,
        rests_on=member.name if member else None,
    )
    return row


def remove_protective(session: Session, reference: str, row_id: int, actor: Actor, now) -> None:
    case = open_case(session, reference, actor)
    row = _row(session, case, ProtectiveFactor, row_id)
    session.delete(row)
    changes.record_change(
        session, changes.PROTECTIVE_REMOVED, case, actor.user_id, now, about=row.description
    )


def _member_field(session, case: FamilyCase, data: dict, field: str, message: str, errors):
    raw = data.get(field)
    try:
        return member_of(session, case, int(raw))
    except (TypeError, ValueError, NotFound):
        errors[field] = message
        return None


def _row(session: Session, case: FamilyCase, model, row_id: object):
    row = session.get(model, row_id) if is_id(row_id) else None
    if row is None or row.case_id != case.id:
        raise NotFound("Page not found")
    return row

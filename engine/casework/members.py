"""Adding, changing and removing family members, and recording an unborn baby's birth (in
the caller's transaction). Each change is on the case's history with its fields in words."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from ..actors import Actor
from ..cases import MEMBER_KINDS, FamilyCase, FamilyMember
from ..errors import Conflict, InvalidSubmission, NotFound
from . import changes, rules
from .checks import checked_birth, checked_member, text
from .models import CaringRelationship, ProtectiveFactor

SHOWN = ("name", "kind", "relationship", "date_of_birth", "expected_due_date", "school", "gp")
SHOWN += ("young_carer", "vulnerabilities")


def add(session: Session, reference: str, data: dict, actor: Actor, now: datetime):
    """A new member of the kind ``data["kind"]`` names (adult, child or unborn baby)."""
    case = open_case(session, reference, actor)
    kind = text(data.get("kind"))
    values = checked_member(data, kind, now.date())
    member = FamilyMember(case_id=case.id, kind=kind, **values)
    session.add(member)
    session.flush()
    changes.record_change(
        session,
        changes.MEMBER_ADDED,
        case,
        actor.user_id,
        now,
        about=f"{member.name} ({MEMBER_KINDS[kind].lower()})",
        changes=changes.as_added({"kind": kind, **values}),
    )
    return member


def change(
    session: Session, reference: str, member_id: int, data: dict, actor, now, partial=False
) -> None:
    """Change a member's details (not their kind: an unborn baby becomes a child by ``born``).
    A form sends every field; ``partial`` (the API's PATCH) keeps the fields not sent."""
    case = open_case(session, reference, actor)
    member = member_of(session, case, member_id)
    rules.ensure_current(member, data.get("version"), f"{member.name}'s details")
    if partial:
        kept = _fields(member)
        if member.kind != "unborn":
            del kept["expected_due_date"]  # not a field of theirs to send (see checked_member)
        data = {**kept, **data}
    values = checked_member(data, member.kind, now.date())
    found = changes.differences(_fields(member), values)
    if found:
        _update(member, values)
        changes.record_change(
            session,
            changes.MEMBER_CHANGED,
            case,
            actor.user_id,
            now,
            about=member.name,
            changes=found,
        )


def born(session: Session, reference: str, member_id: int, data: dict, actor, now) -> None:
    """An unborn baby is born: the same record becomes a child with a date of birth (its
    expected due date is kept, and a new name may be given)."""
    case = open_case(session, reference, actor)
    member = member_of(session, case, member_id)
    rules.ensure_current(member, data.get("version"), f"{member.name}'s details")
    if member.kind != "unborn":
        raise InvalidSubmission({"date_of_birth": f"{member.name} is not an unborn baby"})
    values = {"kind": "child", "date_of_birth": checked_birth(data, now.date())}
    name = text(data.get("name"))
    if name and name != member.name:
        values["name"] = checked_member({"name": name}, "child", now.date())["name"]
    found = changes.differences(_fields(member), values)
    about = member.name
    _update(member, values)
    changes.record_change(
        session, changes.BABY_BORN, case, actor.user_id, now, about=about, changes=found
    )


def remove(session: Session, reference: str, member_id: int, data: dict, actor, now) -> str:
    """Remove a member recorded in error or who left the household, with their caring
    relationships and the protective factors resting on them; returns their name."""
    case = open_case(session, reference, actor)
    member = member_of(session, case, member_id)
    rules.ensure_current(member, data.get("version"), f"{member.name}'s details")
    shown, running = rules.open_processes(session, case, actor, subject_id=member.id)
    if shown:
        raise Conflict(
            f"{member.name} is the subject of {shown} process{'es' if shown > 1 else ''} still "
            f"running on this case: finish or withdraw {'them' if shown > 1 else 'it'} before "
            "removing them"
        )
    if running:
        raise Conflict(f"{member.name} cannot be removed while work about them is still open")
    cares = or_(
        CaringRelationship.carer_id == member.id, CaringRelationship.cared_for_id == member.id
    )
    dropped = session.execute(delete(CaringRelationship).where(cares)).rowcount
    dropped += session.execute(
        delete(ProtectiveFactor).where(ProtectiveFactor.member_id == member.id)
    ).rowcount
    gone = {field: getattr(member, field) for field in SHOWN}
    session.delete(member)
    extra = {"also_removed": f"{dropped} linked record(s)"} if dropped else {}
    changes.record_change(
        session,
        changes.MEMBER_REMOVED,
        case,
        actor.user_id,
        now,
        about=member.name,
        changes=changes.differences(gone, dict.fromkeys(gone)),
        **extra,
    )
    return member.name


def member_of(session: Session, case: FamilyCase, member_id: object) -> FamilyMember:
    """The member of this case (NotFound for any other id: members of other cases included)."""
    member = session.get(FamilyMember, member_id) if is_id(member_id) else None
    if member is None or member.case_id != case.id:
        raise NotFound("Page not found")
    return member


def is_id(value: object) -> bool:
    """A whole number a row id can be (so a huge one is a 404, not a database error)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def open_case(session: Session, reference: str, actor: Actor) -> FamilyCase:
    case = rules.locked_case(session, reference, actor)
    rules.ensure_open(case)
    return case


def _fields(member: FamilyMember) -> dict:
    return {field: getattr(member, field) for field in SHOWN}


def _update(member: FamilyMember, values: dict) -> None:
    for field, value in values.items():
        setattr(member, field, value)
    member.version += 1

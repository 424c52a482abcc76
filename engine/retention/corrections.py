"""Correcting a wrongly recorded entry: one value of a case record on the timeline.

A case record is a ``case_record`` audit row: the values a completed task recorded on the
case, shown on the case timeline and the instance page under its sharing decision. It is never
changed: each correction is a row of its own beside it, with the field, the corrected value,
the reason, who and when, and the pages show the corrected value with "corrected by X on date;
originally: ...". The workflow's running state is not rewritten (what the process decided on
the original stays decided).

Who may correct: the person who recorded the entry, or a manager of their agency; either must
be able to see the entry (the instance, and the row under its sharing decision). Anyone else
gets NotFound for an entry they cannot see and NotPermitted for one they can.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import disclosure
from ..access import visible_instance
from ..accounts import User
from ..actors import Actor
from ..agencies import MANAGER_ROLES
from ..audit import jsonable
from ..errors import InvalidSubmission, NotFound, NotPermitted
from ..models import AuditEvent
from .holds import check_reason
from .models import EntryCorrection

ENTRY = "case_record"  # the entries that can be corrected
CORRECTED = "entry_corrected"
MAX_VALUE = 2000
ONLY_RECORDER = "Only the person who recorded this, or a manager of their agency, may correct it"


@dataclass
class Corrections:
    """The corrections of some entries, by entry id then field (oldest first), and which of
    those entries the reader may correct."""

    by_entry: dict[int, dict[str, list[EntryCorrection]]] = field(default_factory=dict)
    correctable: set[int] = field(default_factory=set)

    def of(self, entry_id: int) -> dict[str, list[EntryCorrection]]:
        return self.by_entry.get(entry_id, {})

    def latest(self, entry_id: int, name: str) -> EntryCorrection | None:
        found = self.of(entry_id).get(name)
        return found[-1] if found else None


def visible_entry(session: Session, entry_id: int, actor: Actor) -> AuditEvent:
    """The entry, if the actor may read it; NotFound (naming nothing) otherwise."""
    entry = session.get(AuditEvent, entry_id)
    if entry is None or entry.event_type != ENTRY or entry.instance_id is None:
        raise NotFound("Page not found")
    visible_instance(session, entry.instance_id, actor)
    if not disclosure.may_read(session, actor, entry.instance_id, entry.held_by):
        raise NotFound("Page not found")
    return entry


def may_correct(session: Session, entry: AuditEvent, actor: Actor) -> bool:
    """The recorder, or a manager of the recorder's agency (seeing it is checked apart); an
    entry the engine recorded by itself (no actor) is corrected by nobody."""
    if entry.actor is None:
        return False
    if actor.user_id == entry.actor:
        return True
    if not actor.groups.intersection(MANAGER_ROLES) or actor.agency is None:
        return False
    agency = session.scalar(select(User.agency).where(User.username == entry.actor))
    return agency == actor.agency


def fields_of(entry: AuditEvent) -> dict:
    """The values the entry records, by field (its kind, ``entry``, is not one)."""
    return {name: value for name, value in (entry.details or {}).items() if name != "entry"}


def correct_entry(
    session: Session, actor: Actor, entry_id: int, name: str, value: str, reason: str,
    now: datetime,
) -> EntryCorrection:  # fmt: skip
    """Store a correction of one field of an entry, audited; the entry itself is kept."""
    entry = visible_entry(session, entry_id, actor)
    if not may_correct(session, entry, actor):
        raise NotPermitted(ONLY_RECORDER)
    errors = {}
    if name not in fields_of(entry):
        errors["field"] = "Choose the answer to correct"
    value = (value or "").strip()
    if not value:
        errors["value"] = "Enter the corrected answer"
    elif len(value) > MAX_VALUE:
        errors["value"] = f"Keep the corrected answer to {MAX_VALUE} characters or fewer"
    try:
        reason = check_reason(reason)
    except InvalidSubmission as error:
        errors.update(error.errors)
    if errors:
        raise InvalidSubmission(errors)
    correction = EntryCorrection(
        audit_event_id=entry.id, instance_id=entry.instance_id, case_ref=entry.case_ref,
        field=name, original={"value": jsonable(fields_of(entry)[name])},
        corrected={"value": value}, reason=reason, corrected_by=actor.user_id, corrected_at=now,
    )  # fmt: skip
    session.add(correction)
    # its own audit row on the instance; the instance itself is not loaded or changed
    session.add(
        AuditEvent(
            instance_id=entry.instance_id, case_ref=entry.case_ref, held_by=entry.held_by,
            event_type=CORRECTED, actor=actor.user_id, at=now, element_id=entry.element_id,
            task_name=entry.task_name,
            details={"entry_id": entry.id, "field": name, "reason": reason},
        )
    )  # fmt: skip
    session.flush()
    return correction


def corrections_of(session: Session, entries: list[AuditEvent], actor: Actor) -> Corrections:
    """The corrections of these (already visible) entries, and which the actor may correct."""
    ids = [entry.id for entry in entries if entry.event_type == ENTRY]
    found = Corrections()
    if not ids:
        return found
    rows = session.scalars(
        select(EntryCorrection)
        .where(EntryCorrection.audit_event_id.in_(ids))
        .order_by(EntryCorrection.id)
    )
    grouped: dict[int, dict[str, list[EntryCorrection]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[row.audit_event_id][row.field].append(row)
    found.by_entry = {key: dict(value) for key, value in grouped.items()}
    found.correctable = {
        entry.id
        for entry in entries
        if entry.id in ids and fields_of(entry) and may_correct(session, entry, actor)
    }
    return found

"""Every change to a case on its history: an ``audit_event`` row with the case reference,
who, and each changed field as words (label: before -> after), so the timeline and "who has
seen this case" read without codes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from ..audit import record
from ..cases import CASE_TYPES, MEMBER_KINDS, FamilyCase
from .factors import factor_label

CASE_CREATED = "case_created"
CASE_DETAILS_CHANGED = "case_details_changed"
CASE_CLOSED, CASE_REOPENED = "case_closed", "case_reopened"
MEMBER_ADDED, MEMBER_CHANGED = "family_member_added", "family_member_changed"
MEMBER_REMOVED, BABY_BORN = "family_member_removed", "baby_born"
CARING_ADDED, CARING_REMOVED = "caring_relationship_added", "caring_relationship_removed"
PROTECTIVE_ADDED, PROTECTIVE_REMOVED = "protective_factor_added", "protective_factor_removed"

NOT_RECORDED = "not recorded"
LABELS = {
    "reference": "Reference",
    "family_name": "Family name",
    "summary": "Summary",
    "case_type": "Case type",
    "name": "Name",
    "kind": "Who",
    "relationship": "Relationship",
    "date_of_birth": "Date of birth",
    "expected_due_date": "Expected due date",
    "school": "School",
    "gp": "GP",
    "young_carer": "Young carer",
    "vulnerabilities": "Vulnerability factors",
}
WORDS = {"case_type": CASE_TYPES, "kind": MEMBER_KINDS}


def in_words(field: str, value: Any) -> str:
    """A field's value as a person reads it (labels, not codes; dates as 2 May 2019)."""
    if value is None or value == "" or value == []:
        return NOT_RECORDED
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime | date):
        return f"{value.day} {value:%B %Y}"
    if field == "vulnerabilities":
        return ", ".join(factor_label(code) for code in value)
    return WORDS.get(field, {}).get(value, str(value))


def differences(before: dict, after: dict) -> list[dict]:
    """The fields whose values differ, each as label, before and after in words."""
    return [
        {
            "field": LABELS.get(field, field),
            "before": in_words(field, before.get(field)),
            "after": in_words(field, value),
        }
        for field, value in after.items()
        if before.get(field) != value
    ]


def as_added(values: dict) -> list[dict]:
    """A new record's fields, each from "not recorded" (empty ones left out)."""
    return [c for c in differences({}, values) if c["after"] != NOT_RECORDED]


def record_change(
    session: Session,
    event: str,
    case: FamilyCase,
    by: str | None,
    at: datetime,
    *,
    about: str | None = None,
    changes: list[dict] = (),
    **extra: str,
) -> None:
    """One history row on the case: what happened (``event``), to whom, the changed fields."""
    details = {"about": about, "changes": list(changes), **extra}
    record(
        session,
        event,
        by,
        at,
        case_ref=case.reference,
        task_name=about[:255] if about else None,  # "who has seen this case" shows it as "what"
        details={key: value for key, value in details.items() if value not in (None, [], "")},
    )

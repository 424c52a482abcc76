"""Checking what a person typed about a case or a member: clean values, or every problem at
once as ``InvalidSubmission`` (field id -> a message that says what to do)."""

from __future__ import annotations

from datetime import date

from ..cases import CASE_TYPES, MEMBER_KINDS
from ..errors import InvalidSubmission
from .factors import factors_for

MAX_NAME, MAX_RELATIONSHIP, MAX_TEXT = 255, 64, 4000


def text(value: object) -> str:
    """Trimmed text (anything not text counts as empty)."""
    return value.strip() if isinstance(value, str) else ""


def parse_date(value: object) -> date | None | str:
    """A date from ``YYYY-MM-DD`` (or a date); None when empty; "bad" when not a real date."""
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw or raw.replace("-", "") == "":
        return None
    try:
        year, month, day = (int(part) for part in raw.split("-"))
        return date(year, month, day) if year >= 1900 else "bad"
    except ValueError:
        return "bad"


def checked_case(data: dict) -> dict:
    """Family name, case type and summary, checked."""
    errors: dict[str, str] = {}
    values = {
        "family_name": text(data.get("family_name")),
        "case_type": text(data.get("case_type")) or "family",
        "summary": text(data.get("summary")) or None,
    }
    if not values["family_name"]:
        errors["family_name"] = "Enter the family name"
    elif len(values["family_name"]) > MAX_NAME:
        errors["family_name"] = f"Keep the family name to {MAX_NAME} characters"
    if values["case_type"] not in CASE_TYPES:
        errors["case_type"] = "Choose what the case is about"
    if values["summary"] and len(values["summary"]) > MAX_TEXT:
        errors["summary"] = f"Keep the summary to {MAX_TEXT} characters"
    if errors:
        raise InvalidSubmission(errors, data)
    return values


def checked_member(data: dict, kind: str, today: date) -> dict:
    """A member's fields for its ``kind`` (adult, child or unborn), checked together."""
    errors: dict[str, str] = {}
    if kind not in MEMBER_KINDS:
        raise InvalidSubmission({"kind": "Choose an adult, a child or an unborn baby"}, data)
    values = {
        "name": text(data.get("name")),
        "relationship": text(data.get("relationship")) or None,
        "school": text(data.get("school")) or None,
        "gp": text(data.get("gp")) or None,
        "young_carer": data.get("young_carer") in (True, "yes", "true", "on"),
        "vulnerabilities": _factors(data.get("vulnerabilities"), kind, errors),
        "date_of_birth": _date(data, "date_of_birth", "date of birth", errors),
        "expected_due_date": _date(data, "expected_due_date", "expected due date", errors),
    }
    if not values["name"]:
        errors["name"] = "Enter the person's name (for an unborn baby, e.g. Baby Hughes)"
    for field, limit in (("name", MAX_NAME), ("relationship", MAX_RELATIONSHIP)):
        if values[field] and len(values[field]) > limit:
            errors[field] = f"Keep the {field} to {limit} characters"
    for field in ("school", "gp"):
        if values[field] and len(values[field]) > MAX_NAME:
            errors[field] = (
                f"Keep the {field.upper() if field == 'gp' else field} to 255 characters"
            )
    errors.update(_kind_rules(values, kind, today))
    if errors:
        raise InvalidSubmission(errors, data)
    if kind != "unborn":  # a born baby's expected due date stays on its record, unchanged
        del values["expected_due_date"]
    return values


def _kind_rules(values: dict, kind: str, today: date) -> dict[str, str]:
    errors = {}
    born, due = values["date_of_birth"], values["expected_due_date"]
    if kind == "unborn":
        if due is None:
            errors["expected_due_date"] = "Enter the expected due date of the unborn baby"
        if born is not None:
            errors["date_of_birth"] = (
                "An unborn baby has no date of birth: when the baby is born, record the birth"
            )
        if values["school"]:
            errors["school"] = "An unborn baby has no school"
        if values["gp"]:
            errors["gp"] = "An unborn baby has no GP yet: record the mother's GP on her record"
    elif due is not None:
        errors["expected_due_date"] = "Only an unborn baby has an expected due date"
    if isinstance(born, date) and born > today:
        errors["date_of_birth"] = "The date of birth must be today or in the past"
    if values["young_carer"] and kind != "child":
        errors["young_carer"] = "Only a child is recorded as a young carer"
    return errors


def _date(data: dict, field: str, words: str, errors: dict) -> date | None:
    value = parse_date(data.get(field))
    if value == "bad":
        errors[field] = f"Enter the {words} as a real date, for example 27 3 2019"
        return None
    return value


def _factors(raw: object, kind: str, errors: dict) -> list[str]:
    codes = [raw] if isinstance(raw, str) else raw if isinstance(raw, list | tuple) else []
    allowed = factors_for(kind)
    if any(not isinstance(code, str) or code not in allowed for code in codes):
        errors["vulnerabilities"] = "Choose the factors from the list"
        return []
    return [code for code in allowed if code in codes]  # in the list's order, once each


def checked_birth(data: dict, today: date) -> date:
    """The date an unborn baby was born: a real date, today or before."""
    errors: dict[str, str] = {}
    born = _date(data, "date_of_birth", "date of birth", errors)
    if born is None and not errors:
        errors["date_of_birth"] = "Enter the baby's date of birth"
    elif born is not None and born > today:
        errors["date_of_birth"] = "The date of birth must be today or in the past"
    if errors:
        raise InvalidSubmission(errors, data)
    return born

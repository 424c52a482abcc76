"""Importing people from CSV: every row checked first, nothing written unless all are valid.

Columns: ``username,display_name,email,agency,team,roles,manager`` (roles separated by ``;``).
A username that exists is updated; a new one is created with a password nobody knows (the
person sets theirs from a reset link). Teams must exist already; a manager may be a person
already recorded or one on an earlier line of the same file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ..errors import EngineError
from .records import PERSON_FIELDS, PersonDetails, find_person, person_problems

MAX_ROWS = 5000


class ImportRefused(EngineError):
    """Nothing was imported; ``problems`` lists each one with its line number."""

    status, code = 422, "import_refused"

    def __init__(self, problems: list[str]):
        self.problems = problems
        self.details = problems
        super().__init__(
            f"Nothing was imported: {len(problems)} problem(s) - " + "; ".join(problems)
        )


@dataclass
class ImportPlan:
    """Checked rows: those to add and those to update."""

    added: list[PersonDetails] = field(default_factory=list)
    updated: list[PersonDetails] = field(default_factory=list)


def read_rows(text: str) -> list[tuple[int, dict]]:
    """(line number, row) for each data row; ImportRefused for a wrong header."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in PERSON_FIELDS if name not in header]
    if missing:
        raise ImportRefused(
            [
                f"line 1: the header must name the columns {','.join(PERSON_FIELDS)} "
                f"(missing: {', '.join(missing)})"
            ]
        )
    rows = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            raise ImportRefused([f"more than {MAX_ROWS} rows: split the file"])
        cleaned = {(key or "").strip(): value for key, value in row.items()}
        if any((value or "").strip() for value in cleaned.values() if isinstance(value, str)):
            rows.append((reader.line_num, cleaned))
    if not rows:
        raise ImportRefused(["the file has no rows of people"])
    return rows


def plan(session: Session, text: str) -> ImportPlan:
    """Check every row; ImportRefused with every problem (and its line) if any is wrong."""
    result, problems, seen = ImportPlan(), [], {}
    for line, row in read_rows(text):
        details = PersonDetails.of(row)
        existing = find_person(session, details.username)
        found = person_problems(session, details, existing is None, existing)
        if "manager" in found and details.manager in seen and details.manager != details.username:
            del found["manager"]  # added on an earlier line
        if details.username in seen:
            found["username"] = f"{details.username} is also on line {seen[details.username]}"
        seen.setdefault(details.username, line)
        problems += [f"line {line}, {name}: {message}" for name, message in found.items()]
        (result.added if existing is None else result.updated).append(details)
    if problems:
        raise ImportRefused(problems)
    return result

"""Checking and writing person and team records; each function works in the caller's session.

Every check reports all the problems of one record at once, keyed by field, so a page can
name each question in its error summary and the API can answer 422 with field errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import accounts
from ..agencies import AGENCIES, ROLES
from ..errors import InvalidSubmission
from .models import Team

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PERSON_FIELDS = ("username", "display_name", "email", "agency", "team", "roles", "manager")
TEAM_FIELDS = ("code", "name", "agency", "manager")


@dataclass
class PersonDetails:
    """What an administrator says about a person (any field may be missing on an edit)."""

    username: str = ""
    display_name: str = ""
    email: str | None = None
    agency: str = ""
    team: str | None = None
    roles: list[str] = field(default_factory=list)
    manager: str | None = None

    @classmethod
    def of(cls, values: dict) -> PersonDetails:
        """Cleaned from form, JSON or CSV values (roles: a list, or text split on ``;``)."""
        roles = values.get("roles") or []
        if isinstance(roles, str):
            roles = roles.split(";")
        text = {name: str(values.get(name) or "").strip() for name in PERSON_FIELDS}
        return cls(
            username=text["username"].lower(),
            display_name=text["display_name"],
            email=text["email"] or None,
            agency=text["agency"],
            team=text["team"] or None,
            roles=sorted({str(role).strip() for role in roles if str(role).strip()}),
            manager=text["manager"].lower() or None,
        )

    def as_values(self) -> dict:
        """The details as the form shows them again after an error."""
        return {**self.__dict__, "roles": list(self.roles)}


def person_problems(
    session: Session, details: PersonDetails, creating: bool, current=None
) -> dict[str, str]:
    """Field id -> what is wrong, for a new person or (``creating`` False) an edit of
    ``current``, who may keep a team that has closed or a manager who has left."""
    problems = {}
    existing = find_person(session, details.username)
    if creating and not USERNAME.match(details.username):
        problems["username"] = (
            "Enter a username of 2 to 64 lower-case letters, digits, dots, dashes or underscores"
        )
    elif creating and existing is not None:
        problems["username"] = f"There is already a person with the username {details.username}"
    if not details.display_name:
        problems["display_name"] = "Enter the person's full name"
    if details.email and not EMAIL.match(details.email):
        problems["email"] = "Enter an email address like name@example.org"
    if details.agency not in AGENCIES:
        problems["agency"] = "Choose the agency the person works for"
    unknown = [role for role in details.roles if role not in ROLES]
    if not details.roles or unknown:
        problems["roles"] = "Choose at least one role" + (
            f" (not a role: {', '.join(unknown)})" if unknown else ""
        )
    if details.team:
        team = find_team(session, details.team)
        kept = current is not None and details.team == current.team
        if team is None or not (team.active or kept):
            problems["team"] = f"There is no active team with the code {details.team}"
        elif details.agency in AGENCIES and team.agency != details.agency:
            problems["team"] = f"Team {team.name} belongs to another agency"
    if details.manager:
        manager = find_person(session, details.manager)
        kept = current is not None and details.manager == current.manager
        if manager is None or not (manager.active or kept):
            problems["manager"] = f"There is no active person with the username {details.manager}"
        elif details.manager == details.username:
            problems["manager"] = "A person cannot be their own manager"
    return problems


def ensure_valid_person(
    session: Session, details: PersonDetails, creating: bool, current=None
) -> None:
    """InvalidSubmission naming every problem, with the values to show again."""
    problems = person_problems(session, details, creating, current)
    if problems:
        raise InvalidSubmission(problems, details.as_values())


def apply_person(user: accounts.User, details: PersonDetails) -> dict:
    """Copy the details onto ``user``; returns what changed (field -> [before, after])."""
    changes = {}
    for name in ("display_name", "email", "agency", "team", "roles", "manager"):
        before, after = getattr(user, name), getattr(details, name)
        if before != after:
            changes[name] = [before, after]
            setattr(user, name, list(after) if name == "roles" else after)
    return changes


def find_person(session: Session, username: str | None) -> accounts.User | None:
    """The person with this username (active or not), or None."""
    if not username:
        return None
    query = select(accounts.User).where(accounts.User.username == username)
    return session.scalars(query).first()


@dataclass
class TeamDetails:
    """What an administrator says about a team."""

    code: str = ""
    name: str = ""
    agency: str = ""
    manager: str | None = None

    @classmethod
    def of(cls, values: dict) -> TeamDetails:
        """Cleaned from form or JSON values."""
        text = {name: str(values.get(name) or "").strip() for name in TEAM_FIELDS}
        return cls(
            code=text["code"].lower(),
            name=text["name"],
            agency=text["agency"],
            manager=text["manager"].lower() or None,
        )


def ensure_valid_team(session: Session, details: TeamDetails, creating: bool) -> None:
    """InvalidSubmission naming every problem of a new or edited team."""
    problems = {}
    if creating and not CODE.match(details.code):
        problems["code"] = "Enter a code of 2 to 64 lower-case letters, digits or dashes"
    elif creating and find_team(session, details.code) is not None:
        problems["code"] = f"There is already a team with the code {details.code}"
    if not details.name:
        problems["name"] = "Enter the team's name"
    if details.agency not in AGENCIES:
        problems["agency"] = "Choose the agency the team belongs to"
    if details.manager:
        manager = find_person(session, details.manager)
        if manager is None or not manager.active:
            problems["manager"] = f"There is no active person with the username {details.manager}"
    if problems:
        raise InvalidSubmission(problems, dict(details.__dict__))


def find_team(session: Session, code: str | None) -> Team | None:
    """The team with this code, or None."""
    if not code:
        return None
    return session.scalars(select(Team).where(Team.code == code)).first()


def new_team(details: TeamDetails, now: datetime) -> Team:
    """A team row from checked details."""
    return Team(
        code=details.code,
        name=details.name,
        agency=details.agency,
        manager=details.manager,
        created_at=now,
    )

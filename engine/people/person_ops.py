"""People administration (a mixin of ``Engine``): administrators only, one transaction each.

Anyone without the ``admin`` role gets NotFound, naming nothing, as for anything they may
not see. Every change is audited with who made it and what changed (never a password).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from werkzeug.security import generate_password_hash

from .. import accounts
from ..actors import Actor
from ..audit import record
from ..errors import Conflict, InvalidSubmission, NotFound
from ..signin import sessions
from ..signin.policy import WeakPassword, check_password
from . import csv_import, handover, resets
from .records import PersonDetails, apply_person, ensure_valid_person, find_person

PAGE_SIZE = 25
ADMIN_ROLE = "admin"


def ensure_admin(actor: Actor) -> None:
    """NotFound unless the actor is an administrator (or the operator at the command line)."""
    if not actor.has_role(ADMIN_ROLE):
        raise NotFound("Page not found")


@dataclass
class Page:
    """One page of a list."""

    items: list
    page: int
    has_next: bool


@dataclass
class NewPerson:
    """A person just created, and the one-time link to set their password (if none was set)."""

    user: accounts.User
    reset_token: str | None


def searched(query, columns, search: str):
    """``query`` narrowed to rows where any of ``columns`` contains ``search`` (any case)."""
    words = search.strip().lower()
    if not words:
        return query
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"  # what was typed, literally: % and _ are no wildcards
    return query.where(or_(*(func.lower(c).like(pattern, escape="\\") for c in columns)))


def paged(session, query, page: int) -> Page:
    """One page of ``query`` (1-based), and whether there is another."""
    page = max(1, page)
    rows = list(session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return Page(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def new_user(session, details: PersonDetails, password: str | None, now) -> accounts.User:
    """A person row with their groups; with a password nobody knows when ``password`` is None."""
    user = accounts.User(
        username=details.username,
        display_name=details.display_name,
        email=details.email,
        agency=details.agency,
        roles=list(details.roles),
        team=details.team,
        manager=details.manager,
        password_hash=generate_password_hash(
            password or secrets.token_urlsafe(32), method=accounts.PASSWORD_METHOD
        ),
        created_at=now,
    )
    session.add(user)
    session.flush()
    accounts.sync_groups(session, user)
    return user


class PeopleAdministration:
    """List, create, edit, deactivate and reactivate people; reset passwords; import CSV."""

    def people(self, actor: Actor, search: str = "", page: int = 1) -> Page:
        """People whose username, name or email contains ``search``, by name."""
        ensure_admin(actor)
        User = accounts.User
        query = searched(select(User), (User.username, User.display_name, User.email), search)
        with self.db.reading() as session:
            return paged(session, query.order_by(User.display_name, User.username), page)

    def person(self, username: str, actor: Actor) -> accounts.User:
        """One person's record."""
        ensure_admin(actor)
        with self.db.reading() as session:
            return _existing(session, username)

    def create_person(self, actor: Actor, values: dict, password: str | None = None) -> NewPerson:
        """A new person; without ``password`` they are sent a link to set one (24 hours)."""
        ensure_admin(actor)
        details, now = PersonDetails.of(values), self.clock.now()
        with self.db.unit_of_work() as session:
            ensure_valid_person(session, details, creating=True)
            if password is not None:
                _check_new_password(password, details)
            user = new_user(session, details, password, now)
            record(session, "person_created", actor.user_id, now, details=details.as_values())
            token = resets.issue(session, user, actor.user_id, now) if password is None else None
            return NewPerson(user, token)

    def update_person(self, username: str, actor: Actor, values: dict) -> accounts.User:
        """Change a person's name, email, agency, team, roles or manager (the groups follow)."""
        ensure_admin(actor)
        now = self.clock.now()
        with self.db.unit_of_work() as session:
            user = _existing(session, username)
            current = {name: getattr(user, name) for name in PersonDetails().as_values()}
            details = PersonDetails.of({**current, **values, "username": user.username})
            ensure_valid_person(session, details, creating=False, current=user)
            admins = administrators(session)
            changes = apply_person(user, details)
            accounts.sync_groups(session, user)
            ensure_an_administrator_remains(session, admins)
            if changes:
                record(
                    session,
                    "person_updated",
                    actor.user_id,
                    now,
                    details={"username": username, "changes": changes},
                )
            return user

    def deactivate_person(self, username: str, actor: Actor) -> handover.Handover:
        """Stop a person signing in: their sessions and API token end now, and their open
        tasks go to a team queue (``handover``); the Handover says where and why."""
        ensure_admin(actor)
        now = self.clock.now()
        with self.db.unit_of_work() as session:
            user = _existing(session, username)
            admins = administrators(session)
            user.active = False
            ensure_an_administrator_remains(session, admins)
            sessions.end_all(session, user)
            moved = handover.hand_over(session, self.runtime, user, actor.user_id, now)
            record(
                session,
                "person_deactivated",
                actor.user_id,
                now,
                details={
                    "username": username,
                    "tasks_to": moved.group,
                    "moved": moved.moved,
                    "withdrawn": moved.withdrawn,
                },
            )
            return moved

    def reactivate_person(self, username: str, actor: Actor) -> accounts.User:
        """Let a person sign in again (their tasks stay where deactivation put them)."""
        ensure_admin(actor)
        now = self.clock.now()
        with self.db.unit_of_work() as session:
            user = _existing(session, username)
            user.active = True
            record(
                session, "person_reactivated", actor.user_id, now, details={"username": username}
            )
            return user

    def reset_password(self, username: str, actor: Actor) -> str:
        """End the person's password, sessions and token; email them a one-time link to set a
        new one (24 hours). Returns the token, to show the administrator once."""
        ensure_admin(actor)
        now = self.clock.now()
        with self.db.unit_of_work() as session:
            user = _existing(session, username)
            token = resets.issue(session, user, actor.user_id, now)
            record(
                session, "password_reset_issued", actor.user_id, now, details={"username": username}
            )
            return token

    def import_people(self, actor: Actor, text: str) -> csv_import.ImportPlan:
        """Add and update people from CSV text, all or nothing (ImportRefused lists why not)."""
        ensure_admin(actor)
        now = self.clock.now()
        with self.db.unit_of_work() as session:
            checked = csv_import.plan(session, text)
            admins = administrators(session)
            for details in checked.added:  # each is emailed a link to set their password
                resets.issue(session, new_user(session, details, None, now), actor.user_id, now)
            for details in checked.updated:
                user = find_person(session, details.username)
                apply_person(user, details)
                accounts.sync_groups(session, user)
            ensure_an_administrator_remains(session, admins)
            record(
                session,
                "people_imported",
                actor.user_id,
                now,
                details={
                    "added": [d.username for d in checked.added],
                    "updated": [d.username for d in checked.updated],
                },
            )
            return checked


def _check_new_password(password: str, details: PersonDetails) -> None:
    """The policy's refusal as the ``password`` field's problem (a page or API names it)."""
    try:
        check_password(password, username=details.username, display_name=details.display_name)
    except WeakPassword as error:
        raise InvalidSubmission({"password": str(error)}, details.as_values()) from None


def administrators(session) -> int:
    """How many active administrators there are."""
    return len(accounts.members_of(session, [ADMIN_ROLE]))


def ensure_an_administrator_remains(session, before: int) -> None:
    """Conflict (nothing saved) when this change would leave no active administrator."""
    session.flush()
    if before and not administrators(session):
        raise Conflict(
            "Nothing was saved: that would leave no active administrator. Make someone else "
            "an administrator first."
        )


def _existing(session, username: str) -> accounts.User:
    user = find_person(session, username)
    if user is None:
        raise NotFound(f"No user '{username}'")
    return user

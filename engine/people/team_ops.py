"""Teams, the first administrator and reset links (a mixin of ``Engine``); one transaction each."""

from __future__ import annotations

from sqlalchemy import select

from .. import accounts
from ..actors import Actor
from ..agencies import PARTNERSHIP
from ..audit import record
from ..errors import Conflict, InvalidSubmission, NotFound
from ..signin.policy import check_password
from . import resets
from .models import Team
from .person_ops import Page, ensure_admin, new_user, paged, searched
from .records import PersonDetails, TeamDetails, ensure_valid_person, ensure_valid_team, find_team

ADMINISTRATOR = ["admin"]


class AdministratorExists(Conflict):
    code = "administrator_exists"


class TeamAdministration:
    """Teams; creating the first administrator; using a password-reset link."""

    def teams(self, actor: Actor, search: str = "", page: int = 1) -> Page:
        """Teams whose code or name contains ``search``, by name."""
        ensure_admin(actor)
        query = searched(select(Team), (Team.code, Team.name), search)
        with self.db.reading() as session:
            return paged(session, query.order_by(Team.name, Team.code), page)

    def all_teams(self, actor: Actor) -> list[Team]:
        """Every team, open ones first, by name (for choosing a person's team: a person may
        stay in a closed one, so the form must be able to show it)."""
        ensure_admin(actor)
        with self.db.reading() as session:
            query = select(Team).order_by(Team.active.desc(), Team.name)
            return list(session.scalars(query))

    def team_people(self, code: str, actor: Actor) -> list[accounts.User]:
        """The active people in a team, by name."""
        ensure_admin(actor)
        with self.db.reading() as session:
            return accounts.team_members(session, code)

    def team(self, code: str, actor: Actor) -> Team:
        """One team."""
        ensure_admin(actor)
        with self.db.reading() as session:
            return _existing_team(session, code)

    def create_team(self, actor: Actor, values: dict) -> Team:
        """A new team of one agency, with its manager (a person's username) if known."""
        ensure_admin(actor)
        details, now = TeamDetails.of(values), self.clock.now()
        with self.db.unit_of_work() as session:
            ensure_valid_team(session, details, creating=True)
            team = Team(
                code=details.code,
                name=details.name,
                agency=details.agency,
                manager=details.manager,
                created_at=now,
            )
            session.add(team)
            record(session, "team_created", actor.user_id, now, details=dict(details.__dict__))
            return team

    def update_team(self, code: str, actor: Actor, values: dict) -> Team:
        """Rename a team, change its manager or (``active``) close or reopen it."""
        ensure_admin(actor)
        now = self.clock.now()
        with self.db.unit_of_work() as session:
            team = _existing_team(session, code)
            current = {"name": team.name, "agency": team.agency, "manager": team.manager}
            details = TeamDetails.of({**current, **values, "code": team.code})
            ensure_valid_team(session, details, creating=False)
            if details.agency != team.agency and _has_members(session, team.code):
                raise InvalidSubmission(
                    {"agency": "Move the team's people first: they work for its agency"},
                    dict(details.__dict__),
                )
            changes = {}
            for name in ("name", "agency", "manager"):
                if getattr(team, name) != getattr(details, name):
                    changes[name] = [getattr(team, name), getattr(details, name)]
                    setattr(team, name, getattr(details, name))
            if "active" in values and bool(values["active"]) != team.active:
                changes["active"] = [team.active, bool(values["active"])]
                team.active = bool(values["active"])
            if changes:
                details_ = {"code": code, "changes": changes}
                record(session, "team_updated", actor.user_id, now, details=details_)
            return team

    def create_admin(self, values: dict, password: str, another: bool = False) -> accounts.User:
        """The first administrator, in the partnership (the command line's first-run step);
        AdministratorExists when an active one exists, unless ``another``."""
        now = self.clock.now()
        values = {**values, "agency": PARTNERSHIP, "roles": ADMINISTRATOR}
        details = PersonDetails.of(values)
        with self.db.unit_of_work() as session:
            if not another and _active_admin(session) is not None:
                raise AdministratorExists(
                    f"An active administrator ({_active_admin(session)}) already exists: "
                    "use --another to add one more"
                )
            ensure_valid_person(session, details, creating=True)
            check_password(password, username=details.username, display_name=details.display_name)
            user = new_user(session, details, password, now)
            record(session, "person_created", "cli", now, details=details.as_values())
            return user

    def active_administrator(self) -> str | None:
        """The username of an active administrator, if there is one."""
        with self.db.reading() as session:
            return _active_admin(session)

    def reset_link(self, token: str) -> str:
        """The username a usable reset link is for (ResetLinkUnusable says why not)."""
        with self.db.reading() as session:
            return resets.usable(session, token, self.clock.now()).username

    def use_reset_link(self, token: str, password: str) -> accounts.User:
        """Set the password from a reset link, once; ends the person's other sessions."""
        now = self.clock.now()
        with self.db.unit_of_work() as session:
            user = resets.use(session, token, password, now)
            record(
                session,
                "password_reset_used",
                user.username,
                now,
                details={"username": user.username},
            )
            return user


def _existing_team(session, code: str) -> Team:
    team = find_team(session, code)
    if team is None:
        raise NotFound(f"No team '{code}'")
    return team


def _has_members(session, code: str) -> bool:
    query = select(accounts.User.id).where(accounts.User.team == code).limit(1)
    return session.scalars(query).first() is not None


def _active_admin(session) -> str | None:
    admins = accounts.members_of(session, ADMINISTRATOR)
    return admins[0].username if admins else None

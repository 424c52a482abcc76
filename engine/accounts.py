"""People who use JoinedUp: their agency, roles, team, password and API token."""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from .actors import Actor
from .agencies import AGENCIES, ROLES, groups_for
from .db import Base
from .errors import EngineError, NotFound
from .signin.policy import check_password

# werkzeug's default (scrypt) unless JOINEDUP_PASSWORD_HASH names another werkzeug method.
PASSWORD_METHOD = os.environ.get("JOINEDUP_PASSWORD_HASH", "scrypt")
# Compared against when a username is unknown, so a miss costs the same as a wrong password.
_UNKNOWN_USER_HASH = generate_password_hash(secrets.token_hex(16), method=PASSWORD_METHOD)


class User(Base):
    """A person, the agency they work for and the roles they hold there."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    agency: Mapped[str] = mapped_column(String(64), index=True)
    roles: Mapped[list] = mapped_column(default=list)
    team: Mapped[str | None] = mapped_column(String(64), index=True)  # a team's code
    manager: Mapped[str | None] = mapped_column(String(64))  # the line manager's username
    password_hash: Mapped[str] = mapped_column(String(255))
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    def actor(self) -> Actor:
        """This person as the engine sees them."""
        return Actor(
            self.username,
            groups_for(self.agency, self.roles, self.team),
            agency=self.agency,
            team=self.team,
        )


class UserGroup(Base):
    """One candidate group a person holds, so "who is in group X" is an indexed look-up."""

    __tablename__ = "user_group"
    __table_args__ = (Index(None, "group_name", "username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("app_user.username"))
    group_name: Mapped[str] = mapped_column(String(128))


class InvalidAccount(EngineError):
    status, code = 422, "invalid_account"


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    display_name: str,
    agency: str,
    roles: list[str],
    now: datetime,
    team: str | None = None,
    email: str | None = None,
    manager: str | None = None,
) -> User:
    """Add a person; their agency and roles must be known ones."""
    if agency not in AGENCIES:
        raise InvalidAccount(f"Unknown agency '{agency}' (known: {', '.join(AGENCIES)})")
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise InvalidAccount(f"Unknown role(s) {', '.join(unknown)} (known: {', '.join(ROLES)})")
    check_password(password, username=username, display_name=display_name)
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        agency=agency,
        roles=list(roles),
        team=team,
        manager=manager,
        password_hash=generate_password_hash(password, method=PASSWORD_METHOD),
        created_at=now,
    )
    session.add(user)
    session.flush()  # the user row first: user_group rows refer to it
    sync_groups(session, user)
    return user


def sync_groups(session: Session, user: User) -> None:
    """Make ``user``'s user_group rows the groups their agency, roles and team give them."""
    wanted = groups_for(user.agency, user.roles, user.team)
    rows = session.scalars(select(UserGroup).where(UserGroup.username == user.username)).all()
    for row in rows:
        if row.group_name not in wanted:
            session.delete(row)
    held = {row.group_name for row in rows}
    session.add_all(
        UserGroup(username=user.username, group_name=group) for group in sorted(wanted - held)
    )


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, or None."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        check_password_hash(_UNKNOWN_USER_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, username: str) -> str:
    """A new API token for a user (shown once; only its hash is stored)."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"No user '{username}'")
    token = secrets.token_urlsafe(32)
    user.api_token_hash = _token_digest(token)
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user an API token belongs to."""
    user = session.scalars(select(User).where(User.api_token_hash == _token_digest(token))).first()
    return user if user is not None and user.active else None


def team_members(session: Session, team: str | None) -> list[User]:
    """Everyone in a team, by name."""
    if not team:
        return []
    query = select(User).where(User.team == team, User.active.is_(True))
    return list(session.scalars(query.order_by(User.display_name)))


def members_of(session: Session, groups: list[str]) -> list[User]:
    """Active people holding any of ``groups``."""
    if not groups:
        return []
    holders = select(UserGroup.username).where(UserGroup.group_name.in_(groups))
    query = select(User).where(User.username.in_(holders), User.active.is_(True))
    return list(session.scalars(query.order_by(User.username)))

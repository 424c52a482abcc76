"""Server-side sign-in sessions: a browser's cookie names a row here, so ending it is real.

The cookie carries ``"<user_id>:<token>"``; only the token's SHA-256 is stored, so a copy of
the table signs nobody in. Signing out deletes the row; a new password or deactivation deletes
every row of that person and their API token.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..accounts import User
from ..db import Base

# How stale ``last_seen_at`` may get before a request refreshes it (bounds writes per session).
SEEN_RESOLUTION = timedelta(minutes=10)


class UserSession(Base):
    """One signed-in browser: whose, when it started and when it was last used."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


def digest(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(session: Session, user_id: int, now: datetime) -> str:
    """A new session for ``user_id``; returns the token (shown once, only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(token_hash=digest(token), user_id=user_id, created_at=now, last_seen_at=now)
    )
    return token


def find(session: Session, user_id: int, token: str) -> tuple[User, UserSession] | None:
    """The active person and their session row, by one look-up on the unique token hash."""
    query = (
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == digest(token), User.id == user_id, User.active.is_(True))
    )
    row = session.execute(query).first()
    return (row[0], row[1]) if row is not None else None


def touch(session: Session, session_id: int, now: datetime) -> None:
    """Note that a session was used (a no-op if it has just ended)."""
    session.execute(
        update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now)
    )


def end(session: Session, token: str) -> None:
    """Delete one session (signing out)."""
    session.execute(delete(UserSession).where(UserSession.token_hash == digest(token)))


def end_all(session: Session, user: User) -> None:
    """Delete every session of ``user`` and their API token."""
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    user.api_token_hash = None

"""Tables of people administration: teams and one-time password-reset links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class Team(Base):
    """A team within an agency: people in it share the queue ``team:<code>``."""

    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    agency: Mapped[str] = mapped_column(String(64), index=True)
    manager: Mapped[str | None] = mapped_column(String(64))  # the team manager's username
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class PasswordReset(Base):
    """A one-time link to set a new password; only the token's SHA-256 is stored."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

"""Sign-in throttling per account and per client address, counted in the database.

Why the database and not Flask-Limiter's memory storage: the counters must be shared by every
gunicorn worker and node without another service (Redis), must survive a restart, and must
count only *failed* attempts, which a request-level limiter cannot tell apart. An attempt is
recorded *before* the password hash is computed (and deleted again if it succeeds), so a flood
of parallel guesses is refused after a cheap count query instead of costing a scrypt each.

The account key is the username as typed, whether or not such a person exists, so a locked
account and an unknown one get the same answer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Index, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..db import Base
from ..errors import EngineError

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
LIMIT = re.compile(r"^\s*(\d+)\s*(?:per|/)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$")


class SignInAttempt(Base):
    """A sign-in attempt that has not (yet) succeeded."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index(None, "username", "attempted_at"),
        Index(None, "address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(index=True)


class TooManyAttempts(EngineError):
    """Refused without checking the password; says only how long to wait."""

    status, code = 429, "too_many_attempts"

    def __init__(self, wait: timedelta):
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        self.minutes = minutes
        super().__init__(f"Too many attempts, wait {minutes} minute{'s' if minutes > 1 else ''}")


@dataclass(frozen=True)
class Limit:
    """At most ``amount`` failed attempts within ``window``."""

    amount: int
    window: timedelta

    @classmethod
    def parse(cls, text: str) -> Limit:
        """``"5 per 15 minutes"``, ``"100 per minute"``, ``"20/hour"``."""
        found = LIMIT.match(text)
        if not found or int(found.group(1)) < 1:
            raise ValueError(f"'{text}' is not a limit like '5 per 15 minutes'")
        seconds = int(found.group(2) or 1) * UNITS[found.group(3)]
        return cls(int(found.group(1)), timedelta(seconds=seconds))


@dataclass(frozen=True)
class SignInLimits:
    """Failures allowed per account (username) and per client address."""

    account: Limit = field(default_factory=lambda: Limit(5, timedelta(minutes=15)))
    address: Limit = field(default_factory=lambda: Limit(100, timedelta(minutes=1)))


def _wait(session: Session, column, value: str, limit: Limit, now: datetime) -> timedelta | None:
    """How long until ``value`` is under ``limit`` again, or None if it is under it now."""
    recent = session.scalars(
        select(SignInAttempt.attempted_at)
        .where(column == value, SignInAttempt.attempted_at > now - limit.window)
        .order_by(SignInAttempt.attempted_at.desc())
        .limit(limit.amount)
    ).all()
    if len(recent) < limit.amount:
        return None
    return recent[-1] + limit.window - now


def begin(
    session: Session, username: str, address: str, now: datetime, limits: SignInLimits
) -> int:
    """Record an attempt (as failed until ``succeeded``); TooManyAttempts if over a limit."""
    username, address = username[:64], (address or "unknown")[:64]
    for column, value, limit in (
        (SignInAttempt.address, address, limits.address),
        (SignInAttempt.username, username, limits.account),
    ):
        wait = _wait(session, column, value, limit, now)
        if wait is not None:
            raise TooManyAttempts(wait)
    oldest = now - max(limits.account.window, limits.address.window)
    session.execute(delete(SignInAttempt).where(SignInAttempt.attempted_at < oldest))
    attempt = SignInAttempt(username=username, address=address, attempted_at=now)
    session.add(attempt)
    session.flush()
    return attempt.id


def succeeded(session: Session, attempt_id: int) -> None:
    """The attempt was right: it no longer counts against the account or the address."""
    session.execute(delete(SignInAttempt).where(SignInAttempt.id == attempt_id))

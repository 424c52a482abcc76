"""One-time password-reset links: issued by an administrator, emailed through the outbox,
used once within 24 hours. Only the token's SHA-256 is stored in ``password_reset``.

The email needs the link itself, so its outbox row (``engine.effects.notify_person``) carries
the path until the email has been sent (``notifications.delivery`` then removes it); the
administrator sees the link once too.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from .. import accounts
from ..effects import notify_person
from ..errors import EngineError
from ..signin import sessions
from ..signin.policy import check_password
from .models import PasswordReset

VALID_FOR = timedelta(hours=24)
EVENT = "password_reset"  # the event type (notifications.events)
PATH = "/reset-password/"


class ResetLinkUnusable(EngineError):
    """A reset link that is unknown, used or expired; the message says which and what to do."""

    status, code = 410, "reset_link_unusable"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(session: Session, user: accounts.User, by: str, now: datetime) -> str:
    """A new link for ``user`` (earlier unused links stop working); the old password and every
    session and API token end now; the person is emailed the link. Returns the token."""
    session.execute(
        delete(PasswordReset).where(
            PasswordReset.username == user.username, PasswordReset.used_at.is_(None)
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordReset(
            token_hash=digest(token),
            username=user.username,
            created_by=by,
            created_at=now,
            expires_at=now + VALID_FOR,
        )
    )
    # nobody can sign in with a password nobody knows: the person sets theirs from the link
    user.password_hash = generate_password_hash(
        secrets.token_urlsafe(32), method=accounts.PASSWORD_METHOD
    )
    sessions.end_all(session, user)
    context = {
        "process": "JoinedUp",
        "step": "Set a new password within 24 hours using the link below",
        "reset_path": PATH + token,
    }
    # urgent: sent at once, whatever the person chose for other emails
    notify_person(session, user.username, EVENT, now, context, urgent=True)
    return token


def usable(session: Session, token: str, now: datetime) -> PasswordReset:
    """The link's row, or ResetLinkUnusable saying why it cannot be used."""
    row = session.scalars(
        select(PasswordReset).where(PasswordReset.token_hash == digest(token))
    ).first()
    if row is None:
        raise ResetLinkUnusable(
            "This link is not right. Check you copied all of it, or ask an administrator "
            "for a new one."
        )
    if row.used_at is not None:
        raise ResetLinkUnusable(
            "This link has already been used. Sign in with your new password, or ask an "
            "administrator for a new link."
        )
    if row.expires_at <= now:
        raise ResetLinkUnusable(
            "This link has expired: links work for 24 hours. Ask an administrator for a new one."
        )
    return row


def use(session: Session, token: str, password: str, now: datetime) -> accounts.User:
    """Set the person's password from a usable link (policy-checked); ends their sessions."""
    row = usable(session, token, now)
    user = session.scalars(
        select(accounts.User).where(accounts.User.username == row.username)
    ).first()
    if user is None or not user.active:
        raise ResetLinkUnusable("This account is not active. Ask an administrator for help.")
    check_password(password, username=user.username, display_name=user.display_name)
    user.password_hash = generate_password_hash(password, method=accounts.PASSWORD_METHOD)
    row.used_at = now
    sessions.end_all(session, user)
    return user

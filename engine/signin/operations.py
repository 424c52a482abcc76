"""Sign-in operations of the engine (a mixin of ``Engine``); one transaction each."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from .. import accounts
from ..actors import Actor
from ..errors import NotFound
from . import sessions, throttle
from .policy import check_password


class SignInOperations:
    """Checking credentials under the throttle, sessions, new passwords and deactivation."""

    signin_limits = throttle.SignInLimits()

    def check_credentials(
        self, username: str, password: str, address: str, roles: Iterable[str] = ()
    ) -> accounts.User | None:
        """The person, if the password is right and they hold one of ``roles`` (if given).

        Raises TooManyAttempts, before any hashing, when the account or address is over its
        limit. Anything but success counts as a failure, including a right password without
        the roles, so the answers never tell a right password from a wrong one.
        """
        with self.db.unit_of_work() as session:
            attempt = throttle.begin(
                session, username, address, self.clock.now(), self.signin_limits
            )
        user = self.authenticate(username, password)
        wanted = set(roles)
        if user is None or (wanted and not wanted.intersection(user.roles)):
            return None
        with self.db.unit_of_work() as session:
            throttle.succeeded(session, attempt)
        return user

    def start_session(self, user_id: int) -> str:
        """A new server-side session for a person who has just signed in; returns its token."""
        with self.db.unit_of_work() as session:
            return sessions.start(session, user_id, self.clock.now())

    def session_user(self, user_id: int, token: str) -> accounts.User | None:
        """The active person a session belongs to, or None if it has ended."""
        now = self.clock.now()
        with self.db.reading() as session:
            found = sessions.find(session, user_id, token)
        if found is None:
            return None
        user, row = found
        if now - row.last_seen_at > sessions.SEEN_RESOLUTION:
            with self.db.unit_of_work() as session:
                sessions.touch(session, row.id, now)
        return user

    def end_session(self, token: str) -> None:
        """Sign out: the session's cookie no longer signs anyone in."""
        with self.db.unit_of_work() as session:
            sessions.end(session, token)

    def change_password(self, username: str, password: str) -> None:
        """Set a new password (policy-checked); ends every session and the API token."""
        with self.db.unit_of_work() as session:
            user = _person(session, username)
            check_password(password, username=user.username, display_name=user.display_name)
            user.password_hash = generate_password_hash(password, method=accounts.PASSWORD_METHOD)
            sessions.end_all(session, user)

    def deactivate(self, username: str, actor: Actor | None = None):
        """Stop a person signing in; ends every session and the API token and hands their
        open tasks to a team queue (``engine.people``: the same as an administrator's)."""
        return self.deactivate_person(username, actor or Actor.engine("cli"))


def _person(session, username: str) -> accounts.User:
    user = session.scalars(select(accounts.User).where(accounts.User.username == username)).first()
    if user is None:
        raise NotFound(f"No user '{username}'")
    return user

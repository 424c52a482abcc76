"""In-app notifications and email preferences, as the web app asks for them."""

from __future__ import annotations

from sqlalchemy import func, select, update

from engine.errors import EngineError

from .events import EVENTS, IMMEDIATELY, MODES, OFF, is_statutory, is_urgent
from .models import InAppNotification, NotificationPreference

REQUIRED = "This notification is required by the protocol and cannot be turned off"
URGENT = (
    "This alert is about a child's immediate safety: it is always sent straight away, "
    "by email and in the app, and cannot be delayed to a daily summary or turned off"
)


class InvalidPreference(EngineError):
    status, code = 422, "invalid_preference"


def preference(session, username: str, event_type: str) -> str:
    """The person's choice for this event type; statutory ones are never off, urgent ones
    always immediate (whatever an older or hand-written preference row says)."""
    if is_urgent(event_type):
        return IMMEDIATELY
    mode = session.scalar(
        select(NotificationPreference.mode).where(
            NotificationPreference.username == username,
            NotificationPreference.event_type == event_type,
        )
    )
    return effective_mode(mode, event_type)


def chosen_modes(session, usernames: list[str]) -> dict[tuple[str, str], str]:
    """Every saved choice of these people, by (username, event type), in one query."""
    if not usernames:
        return {}
    rows = session.execute(
        select(
            NotificationPreference.username,
            NotificationPreference.event_type,
            NotificationPreference.mode,
        ).where(NotificationPreference.username.in_(set(usernames)))
    )
    return {(username, event): mode for username, event, mode in rows}


def effective_mode(chosen: str | None, event_type: str) -> str:
    """What a saved choice (or none) means: urgent always immediate, statutory never off."""
    if is_urgent(event_type) or (chosen == OFF and is_statutory(event_type)):
        return IMMEDIATELY
    return chosen or IMMEDIATELY


def preference_errors(choices: dict[str, str]) -> dict[str, str]:
    """Why each refused choice cannot be saved (empty when all can)."""
    errors = {}
    for event, mode in choices.items():
        if mode not in MODES or event not in EVENTS:
            errors[event] = f"Choose one of: {', '.join(MODES)}"
        elif is_urgent(event) and mode != IMMEDIATELY:
            errors[event] = URGENT
        elif mode == OFF and is_statutory(event):
            errors[event] = REQUIRED
    return errors


class Notifications:
    """Reads and small writes for one person's notifications; one transaction each."""

    def __init__(self, db, clock):
        self.db, self.clock = db, clock

    def recent(self, username: str, limit: int = 50) -> list[InAppNotification]:
        """Newest first."""
        with self.db.reading() as session:
            query = select(InAppNotification).where(InAppNotification.username == username)
            return list(session.scalars(query.order_by(InAppNotification.id.desc()).limit(limit)))

    def unread_count(self, username: str) -> int:
        with self.db.reading() as session:
            return session.scalar(
                select(func.count())
                .select_from(InAppNotification)
                .where(InAppNotification.username == username, InAppNotification.read_at.is_(None))
            )

    def mark_all_read(self, username: str) -> None:
        with self.db.unit_of_work() as session:
            session.execute(
                update(InAppNotification)
                .where(InAppNotification.username == username, InAppNotification.read_at.is_(None))
                .values(read_at=self.clock.now())
            )

    def preferences(self, username: str) -> dict[str, str]:
        """Every event type with the person's choice (``immediately`` unless they chose)."""
        with self.db.reading() as session:
            chosen = dict(
                session.execute(
                    select(NotificationPreference.event_type, NotificationPreference.mode).where(
                        NotificationPreference.username == username
                    )
                ).all()
            )
        return {
            event: IMMEDIATELY if is_urgent(event) else chosen.get(event, IMMEDIATELY)
            for event in EVENTS
        }

    def set_preferences(self, username: str, choices: dict[str, str]) -> None:
        """Save choices; statutory notifications cannot be turned off, urgent ones not
        delayed either (refused with InvalidPreference, nothing saved)."""
        errors = preference_errors(choices)
        if errors:
            error = InvalidPreference("Some choices cannot be saved")
            error.details = errors
            raise error
        with self.db.unit_of_work() as session:
            existing = {
                p.event_type: p
                for p in session.scalars(
                    select(NotificationPreference).where(
                        NotificationPreference.username == username
                    )
                )
            }
            for event, mode in choices.items():
                if event in existing:
                    existing[event].mode = mode
                else:
                    session.add(
                        NotificationPreference(username=username, event_type=event, mode=mode)
                    )

"""In-app notifications and email preferences, as the web app asks for them."""

from __future__ import annotations

from sqlalchemy import func, select, update

from engine.errors import EngineError

from .events import EVENTS, MODES, OFF, is_statutory
from .models import InAppNotification, NotificationPreference


class InvalidPreference(EngineError):
    status, code = 422, "invalid_preference"


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
        return {event: chosen.get(event, "immediately") for event in EVENTS}

    def set_preferences(self, username: str, choices: dict[str, str]) -> None:
        """Save choices; statutory notifications cannot be turned off."""
        errors = {
            event: f"Choose one of: {', '.join(MODES)}"
            for event, mode in choices.items()
            if mode not in MODES or event not in EVENTS
        }
        errors.update(
            {
                event: "This notification is required by the protocol and cannot be turned off"
                for event, mode in choices.items()
                if mode == OFF and is_statutory(event)
            }
        )
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

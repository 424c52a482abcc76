"""Break-glass operations of the engine (a mixin of ``Engine``); one transaction each."""

from __future__ import annotations

from ..actors import Actor
from .models import BreakGlassAccess
from .rules import DEFAULT_MINUTES, may_use
from .service import close_window, open_window, windows_of


class BreakGlassOperations:
    """Open, close and list a person's break-glass windows."""

    break_glass_minutes: int = DEFAULT_MINUTES  # JOINEDUP_BREAK_GLASS_MINUTES in the web app

    def may_break_glass(self, actor: Actor) -> bool:
        """Whether to offer break-glass to this person (the navigation asks)."""
        return may_use(actor)

    def open_break_glass(self, case_ref: str, reason: str, actor: Actor) -> BreakGlassAccess:
        """Open a window on a case: NotFound for an ineligible person, InvalidSubmission for
        a short or long reason or a reference no case has."""
        with self.db.unit_of_work() as session:
            return open_window(
                session, actor, case_ref, reason, self.clock.now(), self.break_glass_minutes
            )

    def close_break_glass(self, window_id: int, actor: Actor) -> None:
        """Close one of the person's open windows now (NotFound for anything else)."""
        with self.db.unit_of_work() as session:
            close_window(session, actor, window_id, self.clock.now())

    def break_glass_windows(self, actor: Actor) -> list[BreakGlassAccess]:
        """The person's open windows, soonest to expire first (NotFound if ineligible)."""
        with self.db.reading() as session:
            return windows_of(session, actor, self.clock.now())

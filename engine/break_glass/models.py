"""The ``break_glass_access`` table: one row per time-limited look at a case from outside it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class BreakGlassAccess(Base):
    """Someone outside a case who asked to see it, why, and for how long.

    Open while ``closed_at`` is empty and ``expires_at`` is in the future. ``(username,
    case_ref, expires_at)`` answers "may this person see this case now?" and "which windows
    does this person have open?". No foreign key: the row outlives nothing it points at and
    names the case by reference, as the access audit does.
    """

    __tablename__ = "break_glass_access"
    __table_args__ = (Index(None, "username", "case_ref", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(Text)  # the eligible roles held when it was opened
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

"""The ``access_event`` table: one narrow row per look at a case, task, instance or record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class AccessEvent(Base):
    """Who looked at what, when, from which agency and by which channel (web or API).

    No foreign keys and no JSON: an insert checks nothing and writes one small row, and a look
    outlives whatever it looked at. ``(case_ref, at)`` serves "who has seen this case".
    """

    __tablename__ = "access_event"
    __table_args__ = (Index(None, "case_ref", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    event_type: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str | None] = mapped_column(String(64))
    via: Mapped[str] = mapped_column(String(8))
    case_ref: Mapped[str | None] = mapped_column(String(64))
    instance_id: Mapped[int | None]
    task_id: Mapped[int | None]
    what: Mapped[str | None] = mapped_column(String(255))

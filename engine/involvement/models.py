"""The ``involvement_period`` table: each spell of an agency's involvement in a case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class InvolvementPeriod(Base):
    """An agency (or named worker) involved in a case from ``joined_at`` until ``left_at``.

    ``left_at`` is None while the involvement is current; the current ones mirror
    ``case_involvement``, which visibility reads. ``(case_ref, agency)`` serves "close this
    agency's open spell" and the case page's history.
    """

    __tablename__ = "involvement_period"
    __table_args__ = (Index(None, "case_ref", "agency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("family_case.id"))
    case_ref: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str] = mapped_column(String(64))
    worker_username: Mapped[str | None] = mapped_column(String(64))
    worker_name: Mapped[str | None] = mapped_column(String(255))
    joined_at: Mapped[datetime]
    joined_by: Mapped[str | None] = mapped_column(String(64))
    join_reason: Mapped[str] = mapped_column(Text)
    left_at: Mapped[datetime | None]
    left_by: Mapped[str | None] = mapped_column(String(64))
    leave_reason: Mapped[str | None] = mapped_column(Text)

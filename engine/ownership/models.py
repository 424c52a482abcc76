"""The ``process_owner`` table: who may deploy, migrate and administer each process key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class ProcessOwner(Base):
    """One owner of a definition key: a username, or a candidate group such as
    ``safeguarding-partnership:process-owner``. A key with no rows has the default owners."""

    __tablename__ = "process_owner"
    __table_args__ = (UniqueConstraint("process_key", "owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(255), index=True)
    owner: Mapped[str] = mapped_column(String(255))
    added_by: Mapped[str | None] = mapped_column(String(64))
    added_at: Mapped[datetime]

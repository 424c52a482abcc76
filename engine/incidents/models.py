"""The ``incident`` table: background work whose retries ran out (``engine.incidents``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

# what had failed: the kinds of background job an incident can hold
TIMER, SIGNAL, START_TIMER, SIGNAL_START = "timer", "signal", "start timer", "signal start"
RETRIED, CANCELLED = "retried", "cancelled"


class Incident(Base):
    """One failed job with its last error; open while ``resolved_at`` is empty.

    ``job`` keeps what a retry needs that no other row holds any more (a signal's name and
    variables); an instance's timers stay in its state and are found there again.
    """

    __tablename__ = "incident"
    __table_args__ = (
        Index(None, "instance_id", "resolved_at"),
        Index(None, "process_key", "resolved_at", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    definition_id: Mapped[int | None] = mapped_column(ForeignKey("definition.id"))
    process_key: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    element_id: Mapped[str | None] = mapped_column(String(255))
    element_name: Mapped[str | None] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    job: Mapped[dict] = mapped_column(default=dict)
    opened_at: Mapped[datetime]
    last_failed_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(255))
    resolution: Mapped[str | None] = mapped_column(String(16))

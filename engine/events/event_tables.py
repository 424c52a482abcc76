"""Tables of timer start events and signals (``engine.start_timers``, ``engine.signals``).

The sweep and a broadcast read only these indexed rows; no workflow is loaded to find who a
timer starts or whom a signal reaches.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class StartTimer(Base):
    """A timer start event of a deployed process version, scheduled at deploy; the sweep
    starts an instance when ``fire_at`` passes (``engine.start_timers``)."""

    __tablename__ = "start_timer"

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition.id"))
    process_key: Mapped[str] = mapped_column(String(255), index=True)
    element_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    fire_at: Mapped[datetime] = mapped_column(index=True)
    cycles_left: Mapped[int] = mapped_column(default=1)  # -1: repeats for ever
    period_seconds: Mapped[float | None] = mapped_column(Float)  # as migration 0013 made it
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class SignalSubscription(Base):
    """Who a signal reaches: a waiting catch of an instance, or a signal start event of the
    latest version of a process (``instance_id`` empty); a broadcast reads only this."""

    __tablename__ = "signal_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_name: Mapped[str] = mapped_column(String(255), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    spiff_task_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    definition_id: Mapped[int | None] = mapped_column(ForeignKey("definition.id"))
    process_key: Mapped[str] = mapped_column(String(255), index=True)
    element_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]


class SignalDelivery(Base):
    """One receiver of one broadcast, written with the broadcast and delivered in its own
    transaction; a failure stays here with its error and is retried with back-off."""

    __tablename__ = "signal_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_name: Mapped[str] = mapped_column(String(255))
    variables: Mapped[dict] = mapped_column(default=dict)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    definition_id: Mapped[int | None] = mapped_column(ForeignKey("definition.id"))
    element_id: Mapped[str | None] = mapped_column(String(255))
    sent_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    fire_at: Mapped[datetime] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

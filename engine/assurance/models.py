"""The assurance fact tables: narrow, indexed by what the dashboard filters on (a period).

They go with their instance (ON DELETE CASCADE): whatever removes an instance's rows at the end
of its retention removes its facts too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class InstanceOutcome(Base):
    """How one instance ended: the last end event reached (or cancelled/failed) and the highest
    stage it reached, with the agencies on each side (the starter's, and ``other_agency``)."""

    __tablename__ = "instance_outcome"
    __table_args__ = (Index(None, "process_key", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instance.id", ondelete="CASCADE"), unique=True
    )
    process_key: Mapped[str] = mapped_column(String(255))
    agency: Mapped[str | None] = mapped_column(String(64))
    other_agency: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    top_stage: Mapped[int | None]
    top_stage_name: Mapped[str | None] = mapped_column(String(255))
    outcome: Mapped[str] = mapped_column(String(255))


class StagePeriod(Base):
    """One stretch of an instance in one of its process's declared stages, and the time the
    stage's interrupting timer would have moved the work on (its timescale), if it has one."""

    __tablename__ = "stage_period"
    __table_args__ = (
        Index(None, "process_key", "left_at"),  # open periods of a process
        Index(None, "instance_id", "left_at"),
        # periods left in a period, with what the figures read: no lookup of each row
        Index(
            "ix_stage_period_left_covering",
            "left_at",
            "process_key",
            "stage",
            "seconds",
            "within_timescale",
            "agency",
            "other_agency",
            "stage_name",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"))
    process_key: Mapped[str] = mapped_column(String(255))
    agency: Mapped[str | None] = mapped_column(String(64))
    other_agency: Mapped[str | None] = mapped_column(String(64))
    stage: Mapped[int]
    stage_name: Mapped[str] = mapped_column(String(255))
    entered_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    timescale_due_at: Mapped[datetime | None]
    seconds: Mapped[int | None]  # left_at - entered_at, kept for the median
    within_timescale: Mapped[bool | None]  # None: the stage has no timescale


class DeadlineResult(Base):
    """A user task with a due date that closed: met (completed by then) or missed (completed
    later, or taken away after the date), with the agency that owned it."""

    __tablename__ = "deadline_result"
    __table_args__ = (Index(None, "due_at", "agency", "process_key", "met"),)  # covers the figure

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("human_task.id", ondelete="CASCADE"), unique=True
    )
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"))
    process_key: Mapped[str] = mapped_column(String(255))
    agency: Mapped[str | None] = mapped_column(String(64))
    due_at: Mapped[datetime]
    closed_at: Mapped[datetime]
    met: Mapped[bool]


class Milestone(Base):
    """A milestone the process declares (``milestones``): when it was due, when (if ever) it was
    reached, and when the instance ended without reaching it."""

    __tablename__ = "milestone"
    __table_args__ = (
        Index(None, "instance_id", "reached_at"),
        # milestones due in a period, with what the figures read: no lookup of each row
        Index(
            "ix_milestone_due_covering",
            "process_key",
            "due_at",
            "agency",
            "position",
            "name",
            "reached_at",
            "dropped_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"))
    process_key: Mapped[str] = mapped_column(String(255))
    agency: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int]  # its place in the declaration, for the table's order
    name: Mapped[str] = mapped_column(String(255))
    element_id: Mapped[str] = mapped_column(String(255))
    due_at: Mapped[datetime]
    reached_at: Mapped[datetime | None]
    dropped_at: Mapped[datetime | None]  # the instance ended first

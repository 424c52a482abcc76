"""Retention tables: legal holds, purge runs and what each run purged, and corrections.

None of them has a foreign key to what it names: a purge report must outlive what it purged,
and a hold names a case by its reference as the access audit does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class LegalHold(Base):
    """A hold on a case: while ``lifted_at`` is empty neither the case nor any instance on it
    is purged. ``(case_ref, lifted_at)`` answers "is this case held?"."""

    __tablename__ = "legal_hold"
    __table_args__ = (Index(None, "case_ref", "lifted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    placed_at: Mapped[datetime]
    placed_by: Mapped[str] = mapped_column(String(64))
    lifted_at: Mapped[datetime | None]
    lifted_by: Mapped[str | None] = mapped_column(String(64))
    lift_reason: Mapped[str | None] = mapped_column(Text)


class PurgeRun(Base):
    """One run of the purge: when, by the scheduled job or by whom, and how much went."""

    __tablename__ = "purge_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    run_by: Mapped[str] = mapped_column(String(64))
    instances: Mapped[int] = mapped_column(default=0)
    cases: Mapped[int] = mapped_column(default=0)


class PurgeItem(Base):
    """One purged instance or case: its key, when it ended or closed and the rule that
    applied. No personal data (no names): the report stays after the record has gone."""

    __tablename__ = "purge_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("purge_run.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "instance" or "case"
    key: Mapped[str] = mapped_column(String(255))  # "<instance id> <process key>" or reference
    ended_at: Mapped[datetime | None]
    rule: Mapped[str] = mapped_column(String(255))
    purged_at: Mapped[datetime]


class EntryCorrection(Base):
    """A correction of one field of a recorded entry (a completed task's submitted values,
    an ``audit_event`` row): the original stays on that row, untouched."""

    __tablename__ = "entry_correction"
    __table_args__ = (Index(None, "instance_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_event_id: Mapped[int] = mapped_column(ForeignKey("audit_event.id"), index=True)
    instance_id: Mapped[int | None]
    case_ref: Mapped[str | None] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(255))
    original: Mapped[dict] = mapped_column(default=dict)  # {"value": the value recorded}
    corrected: Mapped[dict] = mapped_column(default=dict)  # {"value": the corrected value}
    reason: Mapped[str] = mapped_column(Text)
    corrected_by: Mapped[str] = mapped_column(String(64))
    corrected_at: Mapped[datetime]

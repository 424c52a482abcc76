"""Who cares for whom, and the family's protective factors: a table each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class CaringRelationship(Base):
    """One member caring for another (a young carer for a parent, a parent for a disabled
    adult), and what the care is."""

    __tablename__ = "caring_relationship"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("family_case.id"), index=True)
    carer_id: Mapped[int] = mapped_column(ForeignKey("family_member.id"))
    cared_for_id: Mapped[int] = mapped_column(ForeignKey("family_member.id"))
    care: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str | None] = mapped_column(String(64))


class ProtectiveFactor(Base):
    """Something that lowers the risk (a non-affected partner, a grandparent nearby), and the
    adult it rests on when it rests on one; never a child (DOMAIN.md section 7)."""

    __tablename__ = "protective_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("family_case.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("family_member.id"))
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str | None] = mapped_column(String(64))

"""The ``disclosure_grant`` table: sharing decisions that let one agency read another's records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class DisclosureGrant(Base):
    """``to_agency`` may read what ``from_agency`` holds in one process instance.

    Written by a sharing decision (an element's ``disclose_to``); it covers what was recorded
    before the decision as well as after. The unique key serves the read check
    (instance, holder, reader).
    """

    __tablename__ = "disclosure_grant"
    __table_args__ = (UniqueConstraint("instance_id", "from_agency", "to_agency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    case_ref: Mapped[str | None] = mapped_column(String(64))
    from_agency: Mapped[str] = mapped_column(String(64))
    to_agency: Mapped[str] = mapped_column(String(64))
    basis: Mapped[str | None] = mapped_column(Text)
    element_id: Mapped[str | None] = mapped_column(String(255))
    granted_at: Mapped[datetime]
    granted_by: Mapped[str | None] = mapped_column(String(255))

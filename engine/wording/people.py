"""People's display names for a page, in one query."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts import User


def display_names(session: Session) -> dict[str, str]:
    """Every username's display name (a partnership has hundreds of people, not millions)."""
    return dict(session.execute(select(User.username, User.display_name)).all())

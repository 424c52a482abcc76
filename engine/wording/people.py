"""People's display names and teams' names for a page, one query each."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts import User
from ..people.models import Team


def display_names(session: Session) -> dict[str, str]:
    """Every username's display name (a partnership has hundreds of people, not millions)."""
    return dict(session.execute(select(User.username, User.display_name)).all())


def team_names(session: Session) -> dict[str, str]:
    """Every team's name by its code (a queue ``team:<code>`` reads as the team's name)."""
    return dict(session.execute(select(Team.code, Team.name)).all())

"""The one place settings are read from the environment, for the command line and the web app.

The default database is ``instance/joinedup.sqlite`` in the project folder (next to
``workflows/``), found from this package and not from the current directory, so ``joinedup``
run anywhere uses the same database; ``JOINEDUP_INSTANCE`` moves that folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from .db import Database
from .schema import upgrade
from .service import Engine
from .workdays import WorkingDayCalendar, parse_end_of_day

PROJECT = Path(__file__).resolve().parent.parent


def instance_folder() -> Path:
    """``JOINEDUP_INSTANCE``, else the project's ``instance/`` folder (always absolute)."""
    configured = os.environ.get("JOINEDUP_INSTANCE")
    return Path(configured).resolve() if configured else PROJECT / "instance"


def database_url() -> str:
    """``DATABASE_URL`` (or ``JOINEDUP_DATABASE_URL``), else the SQLite file in the instance
    folder (created on first use, readable by its owner only)."""
    url = os.environ.get("DATABASE_URL") or os.environ.get("JOINEDUP_DATABASE_URL")
    if url:
        return url
    folder = instance_folder()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'joinedup.sqlite'}"


def working_day_calendar(end_of_day: str | None = None) -> WorkingDayCalendar:
    """The England & Wales calendar with the end of the working day from the argument or
    ``JOINEDUP_END_OF_DAY`` (default 17:00 UK time)."""
    text = end_of_day if end_of_day is not None else os.environ.get("JOINEDUP_END_OF_DAY")
    return WorkingDayCalendar(end_of_day=parse_end_of_day(text))


def open_engine(url: str | None = None) -> Engine:
    """An engine on an up-to-date schema, its deadlines ending at ``JOINEDUP_END_OF_DAY``."""
    database = Database(url or database_url())
    upgrade(database.engine)
    return Engine(database, calendar=working_day_calendar())

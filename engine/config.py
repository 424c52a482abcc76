"""The one place settings are read from the environment, for the command line and the web app.

The default database is ``instance/joinedup.sqlite`` in the project folder (next to
``workflows/``), found from this package and not from the current directory, so ``joinedup``
run anywhere uses the same database; ``JOINEDUP_INSTANCE`` moves that folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from .db import Database, normalise_url
from .errors import SettingError
from .incidents.opening import JOB_RETRIES
from .retention.policy import RetentionPolicy
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
    engine = Engine(database, calendar=working_day_calendar(), job_retries=job_retries())
    engine.retention_policy = retention_policy()
    return engine


def job_retries() -> int:
    """How often failing background work is tried before it becomes an incident:
    ``JOINEDUP_JOB_RETRIES`` (default 3, as Camunda 7; at least 1)."""
    return whole_number("JOINEDUP_JOB_RETRIES", JOB_RETRIES, minimum=1)


def whole_number(name: str, default: int, minimum: int = 0) -> int:
    """The environment's ``name`` as a whole number (``default`` when unset or empty); a
    SettingError naming it when it is something else or below ``minimum``."""
    text = (os.environ.get(name) or "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < minimum:
        raise SettingError(f"{name} is '{text}': set it to a whole number of {minimum} or more")
    return int(text)


def retention_policy() -> RetentionPolicy:
    """How long ended instances and closed cases are kept: ``JOINEDUP_HISTORY_TTL_DAYS`` and
    ``JOINEDUP_RETENTION_YEARS_<CASE TYPE>`` (README "Retention, legal hold and correction")."""
    return RetentionPolicy.from_env(os.environ)


def web_settings() -> dict:
    """The web app's settings from ``JOINEDUP_*``/``DATABASE_URL`` (README "Configuration")."""
    env = os.environ.get
    insecure = env("JOINEDUP_INSECURE_COOKIES") == "1"  # plain-HTTP development only
    return dict(
        SECRET_KEY=env("JOINEDUP_SECRET_KEY"),
        JOINEDUP_DEV_SECRET_FILE=env("JOINEDUP_DEV_SECRET_FILE"),
        MAX_CONTENT_LENGTH=whole_number("JOINEDUP_MAX_REQUEST_BYTES", 16 * 1024 * 1024, 1),
        SQLALCHEMY_DATABASE_URI=normalise_url(database_url()),
        JOINEDUP_AUTO_MIGRATE=env("JOINEDUP_AUTO_MIGRATE", "1") == "1",
        JOINEDUP_ASSETS=env("JOINEDUP_ASSETS", str(PROJECT / "node_modules")),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not insecure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=not insecure,
        SIGNIN_ACCOUNT_LIMIT=env("JOINEDUP_SIGNIN_ACCOUNT_LIMIT", "5 per 15 minutes"),
        SIGNIN_ADDRESS_LIMIT=env("JOINEDUP_SIGNIN_ADDRESS_LIMIT", "100 per minute"),
        JOINEDUP_BREAK_GLASS_MINUTES=whole_number("JOINEDUP_BREAK_GLASS_MINUTES", 120, 1),
        JOINEDUP_END_OF_DAY=env("JOINEDUP_END_OF_DAY", "17:00"),
        JOINEDUP_PROXY_HOPS=whole_number("JOINEDUP_PROXY_HOPS", 0),
        JOINEDUP_JOB_RETRIES=job_retries(),
        JOINEDUP_AUDIT_LOOKS=True,  # not from the environment: off only to measure its cost
    )

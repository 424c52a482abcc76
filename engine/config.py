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
from .signin.throttle import Limit
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
    calendar, retries, retention = working_day_calendar(), job_retries(), retention_policy()
    database = Database(url or database_url())  # settings first: a bad one migrates nothing
    upgrade(database.engine)
    engine = Engine(database, calendar=calendar, job_retries=retries)
    engine.retention_policy = retention
    return engine


def job_retries() -> int:
    """How often failing background work is tried before it becomes an incident:
    ``JOINEDUP_JOB_RETRIES`` (default 3, as Camunda 7; at least 1)."""
    return whole_number("JOINEDUP_JOB_RETRIES", JOB_RETRIES, minimum=1)


def whole_number(name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    """The environment's ``name`` as a whole number (``default`` when unset or empty); a
    SettingError naming it when it is something else or outside ``minimum``..``maximum``."""
    text = (os.environ.get(name) or "").strip()
    if not text:
        return default
    number = int(text) if text.isascii() and text.isdigit() else None
    if number is not None and number >= minimum and (maximum is None or number <= maximum):
        return number
    bounds = f"of {minimum} or more" if maximum is None else f"from {minimum} to {maximum}"
    raise SettingError(f"{name} is '{text}': set it to a whole number {bounds}")


def limit(name: str, default: str) -> str:
    """The environment's ``name``, a rate such as ``"5 per 15 minutes"`` (SettingError if not)."""
    text = os.environ.get(name) or default
    try:
        Limit.parse(text)
    except ValueError as error:
        raise SettingError(
            f"{name} is '{text}': set it to a limit like '5 per 15 minutes'"
        ) from error
    return text


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
        SIGNIN_ACCOUNT_LIMIT=limit("JOINEDUP_SIGNIN_ACCOUNT_LIMIT", "5 per 15 minutes"),
        SIGNIN_ADDRESS_LIMIT=limit("JOINEDUP_SIGNIN_ADDRESS_LIMIT", "100 per minute"),
        JOINEDUP_BREAK_GLASS_MINUTES=whole_number("JOINEDUP_BREAK_GLASS_MINUTES", 120, 1, 24 * 60),
        JOINEDUP_END_OF_DAY=env("JOINEDUP_END_OF_DAY", "17:00"),
        JOINEDUP_PROXY_HOPS=whole_number("JOINEDUP_PROXY_HOPS", 0),
        JOINEDUP_JOB_RETRIES=job_retries(),
        JOINEDUP_AUDIT_LOOKS=True,  # not from the environment: off only to measure its cost
    )

"""Database plumbing: engine creation, UTC timestamps, and one-transaction units of work."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

from .clock import Clock
from .errors import Busy, DatabaseUnavailable, StaleInstance

READ_ONLY = "joinedup_read_only"
QUERY_ONLY = "joinedup_query_only"  # pool record info: whether SQLite's query_only is on
UNREACHABLE = (OperationalError, InterfaceError)  # the database is missing, down or unreadable
BUSY_TIMEOUT_MS = 30_000  # how long a SQLite writer waits for another before giving up


class UTCDateTime(TypeDecorator):
    """Stores naive UTC in every database; hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware (UTC) datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every JoinedUp table."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict: JSON, list: JSON}


def normalise_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` and use the psycopg 3 driver for both."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_settings(url: str) -> tuple[str, dict[str, Any]]:
    """The URL and engine options every process (web app, CLI, scheduler) opens the database
    with: on PostgreSQL a pool that checks connections before use; on SQLite a busy timeout,
    one shared connection for an in-memory database, and a relative file path taken from the
    working directory. ``configure_engine`` adds the rest (WAL, BEGIN IMMEDIATE)."""
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return url, {"pool_pre_ping": True}
    connect_args: dict[str, Any] = {"timeout": BUSY_TIMEOUT_MS / 1000}
    options: dict[str, Any] = {"connect_args": connect_args}
    if _in_memory(url):  # one shared connection, or each thread would see its own database
        options["poolclass"] = StaticPool
        connect_args["check_same_thread"] = False
        return url, options
    return _absolute_sqlite(url), options


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine opened as ``engine_settings`` says, writers queueing on SQLite."""
    url, options = engine_settings(url)
    owner_only_sqlite_file(url)
    return configure_engine(create_engine(url, **{**options, **kwargs}))


def _plan_each_execution(dbapi_connection: Any, _record: Any) -> None:
    """PostgreSQL plans every execution of a prepared statement for its own parameters.

    Read sessions commit, so psycopg's prepared statements live as long as the connection; by
    default PostgreSQL may then switch one to a generic plan after five runs, planned without
    the values (an inbox page's keyset bounds, say) and possibly far worse for some of them.
    """
    dbapi_connection.execute("SET plan_cache_mode TO force_custom_plan")
    dbapi_connection.commit()


def _absolute_sqlite(url: str) -> str:
    parsed = make_url(url)
    if parsed.database.startswith("file:") or Path(parsed.database).is_absolute():
        return url
    absolute = parsed.set(database=str(Path(parsed.database).resolve()))
    return absolute.render_as_string(hide_password=False)


def _in_memory(url: str) -> bool:
    database = make_url(url).database
    return not database or database == ":memory:"


def owner_only_sqlite_file(url: str) -> None:
    """Create a SQLite database file readable and writable by its owner only (0600) before
    SQLite does (with the umask's wider mode); its journal files take the same mode."""
    if not url.startswith("sqlite"):
        return
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError as error:
        raise DatabaseUnavailable(f"Cannot use the database {path}: {error.strerror}") from None


def configure_engine(engine: Engine) -> Engine:
    """On SQLite, make writers queue instead of failing: WAL, a 30 s busy timeout and
    ``BEGIN IMMEDIATE``, and a read session that refuses writes (``PRAGMA query_only``, as
    PostgreSQL's READ ONLY); on PostgreSQL, plan each execution for its parameters
    (``_plan_each_execution``). ``make_engine`` applies it; the web app calls it on
    Flask-SQLAlchemy's engine (made from ``engine_settings``) before its first connection.
    Idempotent."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "begin", _on_begin):
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
        event.listen(engine.pool, "checkin", _writable_again)
    if engine.dialect.name == "postgresql":
        if not event.contains(engine, "connect", _plan_each_execution):
            event.listen(engine, "connect", _plan_each_execution)
    return engine


# pysqlite's own transaction handling defers BEGIN, so two writers can both read and then one
# fails on upgrade. BEGIN IMMEDIATE makes the second wait for the first instead; this is the
# recipe in SQLAlchemy's SQLite dialect documentation.
def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")  # an in-memory database answers "memory"
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _writable_again(dbapi_connection: Any, record: Any) -> None:
    """A connection back in the pool writes again, so one taken without a transaction (a raw
    connection for bulk loading) is never left read-only by the read session before it."""
    if dbapi_connection is not None and record.info.get(QUERY_ONLY):
        dbapi_connection.execute("PRAGMA query_only=0")
        record.info[QUERY_ONLY] = False


class WriteInReadSession(RuntimeError):
    """A statement that writes, sent in a read session: a fault in the code, not an outage."""


def _refused_write(error: DBAPIError) -> bool:
    """PostgreSQL's READ ONLY (SQLSTATE 25006) or SQLite's query_only refused a write."""
    return getattr(error.orig, "sqlstate", None) == "25006" or "readonly database" in str(error)


def _on_begin(connection: Any) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    # query_only makes SQLite refuse every write of a read session however it is spelt, as
    # PostgreSQL's READ ONLY does; set through the driver, as a setting and not a statement
    pooled = connection.connection  # its info lasts as long as the driver's connection
    if pooled.info.get(QUERY_ONLY) != read_only:
        pooled.driver_connection.execute(f"PRAGMA query_only={int(read_only)}")
        pooled.info[QUERY_ONLY] = read_only
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def session_now(session: Session) -> datetime:
    """The time on the clock of the database the session came from (UTC, aware)."""
    return (session.info.get("clock") or Clock()).now()


def is_postgres(session_or_engine: Session | Engine) -> bool:
    """True when talking to PostgreSQL (row locks and SKIP LOCKED are available)."""
    bind = (
        session_or_engine.get_bind()
        if isinstance(session_or_engine, Session)
        else session_or_engine
    )
    return bind.dialect.name == "postgresql"


def claiming(session: Session, query):
    """``query`` locking the rows it returns so other nodes skip them (PostgreSQL's
    ``FOR UPDATE SKIP LOCKED``); on SQLite writers are already serialised."""
    return query.with_for_update(skip_locked=True) if is_postgres(session) else query


class Database:
    """The engine and session factory one process uses; sessions never outlive a unit of work.

    ``clock`` is the engine's (``Engine`` sets it): each session carries it in
    ``session.info["clock"]`` so rules that depend on the time (a break-glass window still
    open) read the same clock as everything else, and tests move it.
    """

    def __init__(self, url_or_engine: str | Engine, clock: Clock | None = None):
        self.clock = clock or Clock()
        self.engine = (
            make_engine(url_or_engine)
            if isinstance(url_or_engine, str)
            else configure_engine(url_or_engine)
        )
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # name -> hook(session.info), run after each unit of work commits (engine.signals)
        self.commit_hooks: dict[str, Callable[[dict], None]] = {}
        read_only = {READ_ONLY: True}
        if self.engine.dialect.name == "postgresql":
            read_only["postgresql_readonly"] = True  # BEGIN READ ONLY: a stray write fails
        self._read_sessions = sessionmaker(
            self.engine.execution_options(**read_only), expire_on_commit=False
        )

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One database transaction: everything inside commits together or not at all.

        A write that lost a race is a StaleInstance (409), a database still locked after the
        busy timeout is Busy (503): both say what to do, neither is a 500.
        """
        try:
            with self.sessions() as session, session.begin():
                session.info["clock"] = self.clock
                yield session
        except StaleDataError:
            raise StaleInstance(
                "Someone else changed this process at the same moment; reload and try again"
            ) from None
        except OperationalError as error:
            if "database is locked" not in str(error):
                raise
            raise Busy("The service is busy; try again in a moment") from None
        for hook in list(self.commit_hooks.values()):
            hook(session.info)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries only (read-only on PostgreSQL); on SQLite it does not queue
        behind writers."""
        try:
            with self._read_sessions() as session:
                session.info["clock"] = self.clock
                yield session
                # Not left to roll back: on PostgreSQL psycopg answers a ROLLBACK by dropping
                # every prepared statement (DEALLOCATE ALL), so the next steps would prepare them.
                session.commit()
        except DBAPIError as error:
            if not _refused_write(error):
                raise
            raise WriteInReadSession(f"a read session may not write: {error.orig}") from error

    def ping(self) -> None:
        """``SELECT 1``; DatabaseUnavailable, in one line, when the database does not answer."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except UNREACHABLE as error:
            raise unavailable(error) from None

    def dispose(self) -> None:
        """Close pooled connections (tests, forks)."""
        self.engine.dispose()


def unavailable(error: DBAPIError) -> DatabaseUnavailable:
    """The driver's first line of ``error`` as a one-line DatabaseUnavailable."""
    lines = str(error.orig or error).strip().splitlines() or [type(error).__name__]
    return DatabaseUnavailable(f"Cannot use the database: {lines[0]}")

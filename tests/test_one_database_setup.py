"""The web app, the CLI and the scheduler's jobs open the database the same way (the settings of
engine.db.engine_settings; the web app through Flask-SQLAlchemy, the others through make_engine):
on SQLite WAL, a 30 s busy timeout, synchronous=NORMAL, foreign keys and writes that begin with
BEGIN IMMEDIATE; on PostgreSQL a pool that pings connections before use and plans each execution
for its own values."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, delete, event, select, text
from sqlalchemy.exc import InternalError
from sqlalchemy.pool import Pool

from engine.audit import record
from engine.db import Database, WriteInReadSession
from engine.models import AuditEvent
from webapp.cli import main

from .helpers import WORKFLOWS
from .test_operations import PAT
from .webclient import WebClient

WRITES = ("INSERT", "UPDATE", "DELETE")


@dataclass
class Opened:
    """What this process's connections were set to, and every statement they ran on SQLite."""

    settings: set[tuple] = field(default_factory=set)
    statements: list[list[str]] = field(default_factory=list)
    pre_ping: set[bool] = field(default_factory=set)

    def on_checkout(self, dbapi_connection, _record, _proxy) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        self.settings.add(tuple(_pragma(dbapi_connection, name) for name in SQLITE_PRAGMAS))
        ran: list[str] = []
        self.statements.append(ran)
        dbapi_connection.set_trace_callback(ran.append)

    def on_engine_connect(self, connection) -> None:
        self.pre_ping.add(bool(connection.engine.pool._pre_ping))

    def writes_not_begun_immediately(self) -> list[str]:
        """Each write whose transaction did not start with BEGIN IMMEDIATE."""
        wrong = []
        for ran in self.statements:
            begun = None
            for statement in ran:
                word = statement.lstrip().split(" ", 1)[0].upper()
                if word == "BEGIN":
                    begun = statement.strip().upper()
                elif word in ("COMMIT", "ROLLBACK"):
                    begun = None
                elif word in WRITES and begun != "BEGIN IMMEDIATE":
                    wrong.append(statement)
        return wrong


SQLITE_PRAGMAS = ("journal_mode", "busy_timeout", "synchronous", "foreign_keys")
ENGINE_SQLITE = ("wal", 30000, 1, 1)


def _pragma(dbapi_connection: sqlite3.Connection, name: str):
    cursor = dbapi_connection.cursor()
    try:
        return cursor.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: S608 - our own names
    finally:
        cursor.close()


@pytest.fixture
def opened():
    """Every connection any engine in this process checks out while the test runs."""
    seen = Opened()
    event.listen(Pool, "checkout", seen.on_checkout)
    event.listen(Engine, "engine_connect", seen.on_engine_connect)
    yield seen
    event.remove(Pool, "checkout", seen.on_checkout)
    event.remove(Engine, "engine_connect", seen.on_engine_connect)


def _check(opened: Opened, url: str) -> None:
    sqlite = url.startswith("sqlite")
    if sqlite:
        assert opened.settings == {ENGINE_SQLITE}
        assert any("BEGIN IMMEDIATE" in ran for ran in opened.statements)
        assert opened.writes_not_begun_immediately() == []
    assert opened.pre_ping == {not sqlite}


def test_the_web_app_opens_the_database_as_the_engine_does(database_url, opened):
    from webapp import create_app, engine_of

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    app.config["SESSION_COOKIE_SECURE"] = False
    engine_of(app).create_user(**PAT)
    WebClient(app).sign_in("pat").get("/inbox")
    engine_of(app).db.dispose()
    _check(opened, database_url)


def test_the_cli_opens_the_database_as_the_engine_does(database_url, opened):
    result = CliRunner().invoke(main, ["--database", database_url, "deploy", str(WORKFLOWS)])
    assert result.exit_code == 0, result.output
    _check(opened, database_url)


def test_the_scheduler_opens_the_database_as_the_engine_does(database_url, opened):
    result = CliRunner().invoke(main, ["--database", database_url, "deliver"])
    assert result.exit_code == 0, result.output
    _check(opened, database_url)


def test_a_relative_sqlite_path_is_the_same_file_for_the_web_app_and_the_cli(tmp_path, monkeypatch):
    from webapp import create_app, engine_of

    monkeypatch.chdir(tmp_path)
    url = "sqlite:///relative.sqlite"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    engine_of(app).create_user(**PAT)
    engine_of(app).db.dispose()
    result = CliRunner().invoke(main, ["--database", url, "issue-token", "pat"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "relative.sqlite").exists()


def _settings(session) -> tuple[str, str]:
    return tuple(
        session.execute(text(f"SHOW {name}")).scalar_one()
        for name in ("transaction_read_only", "plan_cache_mode")
    )


def test_postgresql_reads_are_read_only_and_each_execution_is_planned_for_its_values(
    database_url,
):
    """Read sessions commit (a ROLLBACK would make psycopg drop its prepared statements), so on
    PostgreSQL they run READ ONLY, and every connection, the web app's too, plans each
    execution for its own values rather than switching to a generic plan."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's transaction and planner settings")
    from webapp import create_app, engine_of

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    for db in (Database(database_url), engine_of(app).db):
        with db.reading() as session:
            assert _settings(session) == ("on", "force_custom_plan")
        with db.reading() as session, pytest.raises(InternalError, match="read-only"):
            session.execute(text("CREATE TEMPORARY TABLE stray (id integer)"))
        with db.unit_of_work() as session:
            assert _settings(session) == ("off", "force_custom_plan")
        db.dispose()


def test_a_write_in_a_read_session_fails_and_writes_nothing(db, database_url):
    """Read sessions run READ ONLY on PostgreSQL and with ``query_only`` on SQLite: a write
    fails however it is sent (the ORM, a Core statement, a write inside a WITH)."""
    refused = WriteInReadSession  # a fault in the code (500), not the database down (503)
    with pytest.raises(refused, match="read-only|readonly"), db.reading() as session:
        record(session, "stray", "pat", datetime.now(UTC))  # written as the session commits
    with pytest.raises(refused, match="read-only|readonly"), db.reading() as session:
        session.execute(delete(AuditEvent))
    hidden = text(
        "WITH chosen AS (SELECT 1 AS n) INSERT INTO audit_event (event_type, actor, at, details)"
        " SELECT 'stray', 'pat', CURRENT_TIMESTAMP, '{}' FROM chosen"
    )
    with pytest.raises(refused, match="read-only|readonly"), db.reading() as session:
        session.execute(hidden)
    with db.unit_of_work() as session:  # the same pooled connection writes again afterwards
        record(session, "kept", "pat", datetime.now(UTC))
    with db.reading() as session:
        session.execute(select(AuditEvent.id)).all()
    raw = db.engine.raw_connection()  # no transaction of SQLAlchemy's: no begin event
    try:
        raw.cursor().execute("UPDATE audit_event SET actor = 'kept-raw'")
        raw.commit()
    finally:
        raw.close()
    with db.reading() as session:
        assert session.execute(select(AuditEvent.event_type, AuditEvent.actor)).all() == [
            ("kept", "kept-raw")
        ]

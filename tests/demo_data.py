"""The web tests' starting data (the shipped workflows deployed, the demo loaded), built once
per test session and backend, then copied row by row into each test's empty database.

Deploying every workflow and loading the demo cost about a second for each of the thousand
web tests; copying the rows the same steps leave costs a few milliseconds."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import exists, select, text

from engine.clock import FrozenClock
from engine.db import Base, make_engine

DEMO_TIME = "2026-11-23T09:00:00+00:00"  # when the web tests' demo is loaded


class DemoData(NamedTuple):
    """Every table's rows, PostgreSQL's sequence positions, and the clock after loading."""

    rows: dict[str, list[dict]]
    sequences: dict[str, int]
    now: datetime


def load_into(url: str, clock: FrozenClock):
    """The test app on ``url``, with the workflows deployed and the demo loaded (the slow way,
    for the snapshot and for a test whose database already holds rows)."""
    from engine.demo import load_demo
    from webapp import create_app, engine_of

    from .helpers import WORKFLOWS

    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SESSION_COOKIE_SECURE": False,
            "JOINEDUP_CLOCK": clock,
        }
    )
    engine = engine_of(application)
    engine.deploy_path(WORKFLOWS, deployed_by="owner")
    load_demo(engine)
    return application


def snapshot(url: str) -> DemoData:
    """Load the demo into the empty database at ``url`` and keep what it holds afterwards."""
    from webapp import db

    clock = FrozenClock(DEMO_TIME)
    application = load_into(url, clock)
    with application.app_context():
        db.engine.dispose()
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = {
            table.name: [dict(row) for row in connection.execute(table.select()).mappings()]
            for table in Base.metadata.sorted_tables
        }
        sequences = {}
        if engine.dialect.name == "postgresql":
            found = connection.execute(
                text(
                    "SELECT sequencename, last_value FROM pg_sequences"
                    " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                )
            )
            sequences = dict(found.all())
    engine.dispose()
    return DemoData(rows, sequences, clock.now())


def is_empty(connection) -> bool:
    """Does no table hold a row yet?"""
    tables = Base.metadata.sorted_tables
    return not any(connection.execute(select(*(exists().select_from(t) for t in tables))).one())


def copy_into(url: str, data: DemoData) -> bool:
    """Copy the demo's rows into the empty database at ``url``; False (and nothing copied) if
    a test's earlier fixture already stored something there."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            if not is_empty(connection):
                return False
            for table in Base.metadata.sorted_tables:
                if data.rows[table.name]:
                    connection.execute(table.insert(), data.rows[table.name])
            for sequence, value in data.sequences.items():
                connection.execute(
                    text("SELECT setval(:name, :value)"), {"name": sequence, "value": value}
                )
        return True
    finally:
        engine.dispose()

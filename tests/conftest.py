"""Fixtures: a fresh database per test (SQLite always; PostgreSQL too when TEST_DATABASE_URL is
set), an engine on a frozen clock, and helpers that drive processes like a person would."""

from __future__ import annotations

import os
import secrets
import shutil
import uuid

# Hashing 23 demo passwords with scrypt in every web test costs seconds; the tests exercise
# sign-in, not the hash's strength. (Set before engine.accounts is imported.)
os.environ.setdefault("JOINEDUP_PASSWORD_HASH", "pbkdf2:sha256:1000")
# create_app refuses to start without a secret key; every test app gets a random one.
os.environ.setdefault("JOINEDUP_SECRET_KEY", secrets.token_hex(32))

import pytest
from sqlalchemy import create_engine, text

from engine.clock import FrozenClock
from engine.db import Base, Database, make_engine, normalise_url
from engine.schema import upgrade
from engine.service import Engine

from .helpers import Scenario

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL.startswith("postgres") else [])


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url():
    """A private PostgreSQL database for this test session, migrated once, dropped at the end."""
    server = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = f"joinedup_test_{uuid.uuid4().hex[:10]}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = normalise_url(POSTGRES_URL).rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def empty_database(backend: str, folder, request) -> str:
    """A URL of a migrated, empty database: a copied SQLite file in ``folder``, or the
    session's PostgreSQL database truncated."""
    if backend == "sqlite":
        path = folder / "joinedup.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """A database URL with the current schema and no rows."""
    return empty_database(request.param, tmp_path, request)


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clock():
    """Wednesday 23 December 2026, 10:00 UTC: Christmas and New Year bank holidays ahead."""
    return FrozenClock("2026-12-23T10:00:00+00:00")


@pytest.fixture
def engine(db, clock):
    return Engine(db, clock=clock)


@pytest.fixture
def scenario(engine, clock):
    return Scenario(engine, clock)


@pytest.fixture
def app(database_url, clock):
    """The web app on the test database and clock, with the workflows and demo data loaded."""
    from engine.demo import load_demo
    from webapp import create_app, engine_of

    from .helpers import WORKFLOWS

    clock.set("2026-11-23T09:00:00+00:00")
    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SESSION_COOKIE_SECURE": False,
            "JOINEDUP_CLOCK": clock,
        }
    )
    engine = engine_of(application)
    engine.deploy_path(WORKFLOWS, deployed_by="owner")
    load_demo(engine)
    yield application
    engine.db.dispose()


@pytest.fixture
def web(app):
    """Sign people in: ``web("pat")`` is a client signed in as pat."""
    from .webclient import WebClient

    return lambda username=None: WebClient(app).sign_in(username) if username else WebClient(app)


@pytest.fixture
def api(app):
    """Call the JSON API as a person: ``api("GET", url, "pat")`` with pat's bearer token.
    (Modules testing the API itself define their own ``api``.)"""
    from webapp import engine_of

    tokens, client = {}, app.test_client()

    def call(method, url, user, **kwargs):
        if user not in tokens:
            tokens[user] = engine_of(app).issue_token(user)
        headers = {"Authorization": f"Bearer {tokens[user]}"}
        return client.open(url, method=method, headers=headers, **kwargs)

    return call

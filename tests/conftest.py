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

from . import demo_data
from .chromium import launched
from .helpers import Scenario

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL.startswith("postgres") else [])


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The production recipe first: it builds a wheel and starts gunicorn (minutes). xdist
    hands each worker a run of consecutive tests to begin with, so its three tests share one
    worker and one build, and the rest of the suite runs beside them rather than after."""
    items.sort(key=lambda item: item.get_closest_marker("production") is None)


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


@pytest.fixture(scope="session")
def demo_sqlite(tmp_path_factory, sqlite_template):
    """The demo's rows on SQLite, loaded once per session into a copy of the template."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    shutil.copy(sqlite_template, path)
    return demo_data.snapshot(f"sqlite:///{path}")


@pytest.fixture(scope="session")
def demo_postgres(postgres_url):
    """The demo's rows on PostgreSQL, loaded once per session into a database of its own."""
    server = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = f"joinedup_demo_{uuid.uuid4().hex[:10]}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        return demo_data.snapshot(url)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def app(database_url, clock, request):
    """The web app on the test database and clock, with the workflows and demo data loaded."""
    from webapp import create_app, engine_of

    backend = "sqlite" if database_url.startswith("sqlite") else "postgres"
    demo = request.getfixturevalue(f"demo_{backend}")
    if demo_data.copy_into(database_url, demo):
        clock.set(demo.now)
        application = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": database_url,
                "SESSION_COOKIE_SECURE": False,
                "JOINEDUP_CLOCK": clock,
            }
        )
    else:  # an earlier fixture stored rows: load the demo beside them, as it would be loaded
        clock.set(demo_data.DEMO_TIME)
        application = demo_data.load_into(database_url, clock)
    yield application
    engine_of(application).db.dispose()


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the session's browser tests; each test opens its own contexts."""
    with launched() as browser:
        yield browser


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

"""Operator comforts: one configuration place, one-line errors, a database that goes away."""

from __future__ import annotations

import shutil
import socket
import stat
import subprocess
import sys
import uuid

import pytest
from click.testing import CliRunner

from engine import config
from engine.demo import DEMO_PASSWORD
from webapp.cli import main

from .conftest import POSTGRES_URL
from .webclient import WebClient


def joinedup(*args, env=None, cwd=None):
    """The real console script in its own process."""
    command = [sys.executable, "-c", "from webapp.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)  # noqa: S603


def test_the_default_database_is_the_same_file_from_any_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("JOINEDUP_DATABASE_URL", raising=False)
    monkeypatch.delenv("JOINEDUP_INSTANCE", raising=False)
    here = config.database_url()
    monkeypatch.chdir(tmp_path)
    assert config.database_url() == here == f"sqlite:///{config.PROJECT}/instance/joinedup.sqlite"
    monkeypatch.setenv("JOINEDUP_INSTANCE", "elsewhere")
    assert config.database_url() == f"sqlite:///{tmp_path}/elsewhere/joinedup.sqlite"


def test_a_new_sqlite_database_is_readable_and_writable_by_its_owner_only(tmp_path):
    path = tmp_path / "new" / "joinedup.sqlite"
    result = CliRunner().invoke(main, ["--database", f"sqlite:///{path}", "init-db"])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_new_sqlite_database_made_by_the_web_app_is_owner_only(tmp_path):
    from webapp import create_app

    path = tmp_path / "web.sqlite"
    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "x" * 32})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_version_prints_the_package_version():
    from importlib.metadata import version

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output == f"joinedup {version('joinedup')}\n"


def test_a_bad_status_fails_naming_the_valid_ones(database_url):
    result = CliRunner().invoke(main, ["--database", database_url, "instances", "--status", "x"])
    assert result.exit_code == 2
    assert "'running', 'completed', 'cancelled', 'error'" in result.output


def test_start_refuses_a_case_that_does_not_exist(database_url):
    result = CliRunner().invoke(main, ["--database", database_url, "start", "x", "--case", "NOPE"])
    assert result.exit_code == 2 and "there is no case 'NOPE'" in result.output


@pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_a_missing_postgres_database_is_one_line_not_a_traceback():
    missing = POSTGRES_URL.rsplit("/", 1)[0] + "/joinedup_no_such_database"
    result = joinedup("--database", missing, "instances")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: Cannot use the database: ")
    assert "joinedup_no_such_database" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_an_unusable_sqlite_path_is_one_line_not_a_traceback(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    result = joinedup("--database", f"sqlite:///{tmp_path}/a-file/joinedup.sqlite", "instances")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: Cannot use the database")
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_says_in_one_line_that_the_port_is_taken(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        env = {
            "PATH": "/usr/bin:/bin",
            "JOINEDUP_PORT": str(port),
            "JOINEDUP_INSTANCE": str(tmp_path),
        }
        result = joinedup("serve", env=env)
    assert result.returncode == 1 and "running at" not in result.stdout
    assert result.stderr.startswith(f"Error: Cannot listen on 127.0.0.1:{port}")
    assert "PORT=" in result.stderr and len(result.stderr.strip().splitlines()) == 1


PAT = {
    "username": "pat",
    "password": DEMO_PASSWORD,
    "display_name": "Pat",
    "agency": "early-help",
    "roles": ["practitioner"],
    "team": "Early help",
}


@pytest.fixture
def doomed_app(tmp_path):
    """The web app on a SQLite file in a folder a test can take away, with one person."""
    from webapp import create_app, engine_of

    folder = tmp_path / "data"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/joinedup.sqlite",
            "SESSION_COOKIE_SECURE": False,
            "SECRET_KEY": "k" * 32,
        }
    )
    engine_of(app).create_user(**PAT)
    return app, folder


def test_pages_are_a_styled_503_when_the_database_goes_away(doomed_app):
    from webapp import engine_of

    app, folder = doomed_app
    pat = WebClient(app).sign_in("pat")
    assert pat.get("/inbox").status_code == 200
    engine_of(app).db.dispose()
    shutil.rmtree(folder)
    page = pat.get("/inbox")
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and "Sorry, the service is unavailable" in html
    assert 'class="govuk-template' in html and 'rel="stylesheet"' in html
    assert pat.get("/healthz").status_code == 503
    api = app.test_client().get("/api/v1/tasks", headers={"Authorization": "Bearer nope"})
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "database_unavailable"


@pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_pages_are_a_styled_503_when_the_postgres_database_is_dropped():
    from sqlalchemy import create_engine, text

    from engine.db import normalise_url
    from webapp import create_app, engine_of

    server = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = f"joinedup_doomed_{uuid.uuid4().hex[:8]}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = normalise_url(POSTGRES_URL).rsplit("/", 1)[0] + f"/{name}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "k" * 32})
    engine_of(app).create_user(**PAT)
    pat = WebClient(app).sign_in("pat")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    server.dispose()
    page = pat.get("/inbox")
    assert page.status_code == 503
    assert "Sorry, the service is unavailable" in page.get_data(as_text=True)


def test_the_processes_page_names_the_modeler_endpoint(app, web):
    html = web("owner").get("/admin/processes").get_data(as_text=True)
    assert "<code>http://localhost/engine-rest</code>" in html
    assert "inboxengine-rest" not in html

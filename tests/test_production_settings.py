"""Production settings that need no PostgreSQL: the reverse proxy and the secret-key refusal."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask import request

from webapp import create_app
from webapp.cli import gunicorn_argv, main

FORWARDED = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "joinedup.example.gov.uk",
}


def _probed_app(database_url: str, hops: int):
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "JOINEDUP_PROXY_HOPS": hops}
    )
    app.add_url_rule(
        "/probe", "probe", lambda: f"{request.scheme} {request.host} {request.remote_addr}"
    )
    return app


@pytest.mark.parametrize(
    ("hops", "seen"),
    [(0, "http localhost 127.0.0.1"), (1, "https joinedup.example.gov.uk 203.0.113.7")],
)
def test_forwarded_headers_are_believed_only_from_configured_proxies(database_url, hops, seen):
    client = _probed_app(database_url, hops).test_client()
    response = client.get("/probe", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.get_data(as_text=True) == seen


def test_serve_production_refuses_without_a_secret_key_before_starting_gunicorn():
    env = {"JOINEDUP_SECRET_KEY": None, "JOINEDUP_DEV_SECRET_FILE": None}
    result = CliRunner().invoke(main, ["serve", "--production"], env=env)
    assert result.exit_code == 1
    assert "JOINEDUP_SECRET_KEY is not set" in result.output


def test_gunicorn_runs_the_app_factory_with_workers_and_threads_from_settings(monkeypatch):
    monkeypatch.setenv("JOINEDUP_WORKERS", "3")
    monkeypatch.setenv("JOINEDUP_THREADS", "8")
    argv = gunicorn_argv("0.0.0.0", 8000)  # noqa: S104 - a command line, nothing binds
    assert argv[1:3] == ["-m", "gunicorn"]
    assert argv[-1] == "webapp:create_app()"
    assert " ".join(argv[3:9]) == "--bind 0.0.0.0:8000 --workers 3 --threads 8"

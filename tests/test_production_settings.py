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


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("JOINEDUP_JOB_RETRIES", "three"),
        ("JOINEDUP_JOB_RETRIES", "0"),
        ("JOINEDUP_HISTORY_TTL_DAYS", "ten"),
        ("JOINEDUP_RETENTION_YEARS_FAMILY", "-1"),
        ("JOINEDUP_END_OF_DAY", "25:99"),
    ],
)
def test_a_setting_that_cannot_be_used_is_named_in_one_line_not_a_traceback(
    tmp_path, setting, value
):
    database = f"sqlite:///{tmp_path / 'settings.sqlite'}"
    result = CliRunner().invoke(main, ["--database", database, "fire-timers"], env={setting: value})
    assert result.exit_code == 1
    assert f"Error: {setting} is '{value}': set it to" in result.output
    assert isinstance(result.exception, SystemExit)  # click's error exit, no traceback


@pytest.mark.parametrize("value", ["twenty-five", "70000", "0"])
def test_a_mail_port_that_cannot_be_used_is_named_before_any_job_runs(tmp_path, value):
    database = f"sqlite:///{tmp_path / 'settings.sqlite'}"
    env = {"JOINEDUP_SMTP_PORT": value}
    result = CliRunner().invoke(main, ["--database", database, "deliver"], env=env)
    assert result.exit_code == 1, result.output
    assert f"Error: JOINEDUP_SMTP_PORT is '{value}': set it to a port from 1 to 65535" in (
        result.output
    )
    assert "timers fired" not in result.output


@pytest.mark.parametrize(
    ("setting", "value", "wanted"),
    [
        ("JOINEDUP_MAX_REQUEST_BYTES", "lots", "a whole number of 1 or more"),
        ("JOINEDUP_BREAK_GLASS_MINUTES", "2000", "a whole number from 1 to 1440"),
        ("JOINEDUP_PROXY_HOPS", "²", "a whole number of 0 or more"),
        ("JOINEDUP_SIGNIN_ACCOUNT_LIMIT", "lots", "a limit like '5 per 15 minutes'"),
    ],
)
def test_serve_production_refuses_a_web_setting_it_cannot_use_before_starting_gunicorn(
    tmp_path, monkeypatch, setting, value, wanted
):
    def no_gunicorn(*_args):
        raise AssertionError("gunicorn was started with a setting it cannot use")

    monkeypatch.setattr("webapp.cli.os.execv", no_gunicorn)
    env = {"JOINEDUP_SECRET_KEY": "a-production-key-" + "x" * 48, setting: value}
    database = f"sqlite:///{tmp_path / 'settings.sqlite'}"
    args = ["--database", database, "serve", "--production", "--port", "0"]
    result = CliRunner().invoke(main, args, env=env)
    assert isinstance(result.exception, SystemExit), result.exception  # not the patched execv
    assert result.exit_code == 1, result.output
    assert f"Error: {setting} is '{value}': set it to {wanted}" in result.output

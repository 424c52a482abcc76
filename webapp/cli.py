"""The ``joinedup`` console script: the engine's commands plus ``serve``."""

from __future__ import annotations

import os
import socket
import sys

import click

from engine.cli import main


@main.command()
@click.option("--host", envvar="JOINEDUP_HOST", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="JOINEDUP_PORT", default=5000, show_default=True, type=int)
@click.option(
    "--production",
    is_flag=True,
    help="Upgrade the schema once, then run gunicorn (no scheduler: run `joinedup scheduler`).",
)
@click.pass_context
def serve(ctx, host: str, port: int, production: bool) -> None:
    """Run the web app (development server, or gunicorn with --production)."""
    ensure_free(host, port)
    if production:
        _exec_gunicorn(ctx, host, port)
    from notifications.scheduler import build_scheduler

    from . import create_app, engine_of
    from .secret_key import SecretKeyError

    try:
        app = create_app()
    except SecretKeyError as error:
        raise click.ClickException(str(error)) from None
    scheduler = build_scheduler(background_jobs(engine_of(app)))
    scheduler.start()
    click.echo(f"JoinedUp is running at http://{host}:{port}/  (Ctrl+C to stop)")
    try:
        app.run(host=host, port=port, debug=False, use_reloader=False)
    finally:
        scheduler.shutdown(wait=False)


def background_jobs(engine):
    """The scheduler's jobs with the mail settings from the environment; a bad setting is a
    one-line error naming it, before anything runs."""
    from notifications.scheduler import BackgroundJobs
    from notifications.settings import SmtpSettingError

    try:
        return BackgroundJobs(engine)
    except SmtpSettingError as error:
        raise click.ClickException(str(error)) from None


def ensure_free(host: str, port: int) -> None:
    """A one-line error, before anything starts, when another program holds the port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise click.ClickException(
                f"Cannot listen on {host}:{port} ({error.strerror}): stop what uses it or choose "
                "another port (make run PORT=8001, joinedup serve --port or JOINEDUP_PORT)."
            ) from None


def gunicorn_argv(host: str, port: int) -> list[str]:
    """The gunicorn command line: workers and threads from ``JOINEDUP_WORKERS``/``_THREADS``."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        os.environ.get("JOINEDUP_WORKERS", "2"),
        "--threads",
        os.environ.get("JOINEDUP_THREADS", "4"),
        "--access-logfile",
        "-",
        "webapp:create_app()",
    ]


def _exec_gunicorn(ctx, host: str, port: int) -> None:
    """Migrate once here (not in each worker), then replace this process with gunicorn."""
    from engine.cli import _engine
    from engine.config import web_settings

    _check_secret_key()
    web_settings()  # a setting the workers cannot use is refused here, once
    _engine(ctx)
    if ctx.obj["url"]:
        os.environ["DATABASE_URL"] = ctx.obj["url"]
    os.environ["JOINEDUP_AUTO_MIGRATE"] = "0"
    click.echo(f"JoinedUp (gunicorn) is starting at http://{host}:{port}/")
    sys.stdout.flush()
    os.execv(sys.executable, gunicorn_argv(host, port))  # noqa: S606 - our own interpreter


def _check_secret_key() -> None:
    """Refuse here, once, with the fix, rather than in every gunicorn worker."""
    from flask import Flask

    from .secret_key import SecretKeyError, configure

    probe = Flask("joinedup")
    probe.config["SECRET_KEY"] = os.environ.get("JOINEDUP_SECRET_KEY")
    probe.config["JOINEDUP_DEV_SECRET_FILE"] = os.environ.get("JOINEDUP_DEV_SECRET_FILE")
    try:
        configure(probe)
    except SecretKeyError as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.pass_context
def scheduler(ctx) -> None:
    """Run the background jobs (timers, notifications, reminders, digest) until stopped."""
    from engine.cli import _engine
    from notifications.scheduler import build_scheduler

    jobs = background_jobs(_engine(ctx))
    click.echo("JoinedUp scheduler running (Ctrl+C to stop)")
    build_scheduler(jobs, blocking=True).start()


@main.command()
@click.pass_context
def deliver(ctx) -> None:
    """Run every background job once: fire due timers, remind, send due notifications."""
    from engine.cli import _engine

    result = background_jobs(_engine(ctx)).run_once()
    report = result["delivery"]
    click.echo(
        f"timers fired {result['timers']}, reminders {result['reminders']}, "
        f"emails sent {report.sent}, retrying {report.retried}, failed {report.failed}"
    )


__all__ = ["main"]

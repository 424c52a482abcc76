"""The ``joinedup`` console script: the engine's commands plus ``serve``."""

from __future__ import annotations

import click

from engine.cli import main


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the web app (development server) and print its address."""
    from notifications.scheduler import BackgroundJobs, build_scheduler

    from . import create_app, engine_of
    from .secret_key import SecretKeyError

    try:
        app = create_app()
    except SecretKeyError as error:
        raise click.ClickException(str(error)) from None
    scheduler = build_scheduler(BackgroundJobs(engine_of(app)))
    scheduler.start()
    click.echo(f"JoinedUp is running at http://{host}:{port}/  (Ctrl+C to stop)")
    try:
        app.run(host=host, port=port, debug=False, use_reloader=False)
    finally:
        scheduler.shutdown(wait=False)


@main.command()
@click.pass_context
def scheduler(ctx) -> None:
    """Run the background jobs (timers, notifications, reminders, digest) until stopped."""
    from engine.cli import _engine
    from notifications.scheduler import BackgroundJobs, build_scheduler

    click.echo("JoinedUp scheduler running (Ctrl+C to stop)")
    build_scheduler(BackgroundJobs(_engine(ctx)), blocking=True).start()


@main.command()
@click.pass_context
def deliver(ctx) -> None:
    """Run every background job once: fire due timers, remind, send due notifications."""
    from engine.cli import _engine
    from notifications.scheduler import BackgroundJobs

    result = BackgroundJobs(_engine(ctx)).run_once()
    report = result["delivery"]
    click.echo(
        f"timers fired {result['timers']}, reminders {result['reminders']}, "
        f"emails sent {report.sent}, retrying {report.retried}, failed {report.failed}"
    )


__all__ = ["main"]

"""The ``joinedup`` console script: the engine's commands plus ``serve``."""

from __future__ import annotations

import click

from engine.cli import main


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the web app (development server) and print its address."""
    from . import create_app

    app = create_app()
    click.echo(f"JoinedUp is running at http://{host}:{port}/  (Ctrl+C to stop)")
    app.run(host=host, port=port, debug=False, use_reloader=False)


__all__ = ["main"]

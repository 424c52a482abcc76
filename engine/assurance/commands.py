"""The ``joinedup assurance-backfill`` command (registered on ``engine.cli.main``)."""

from __future__ import annotations

import click


@click.command("assurance-backfill")
@click.pass_context
def assurance_backfill(ctx: click.Context) -> None:
    """Write the dashboard's facts for instances that ran before them (safe to run again)."""
    from ..cli import _engine  # the command group imports this module

    filled = _engine(ctx).backfill_assurance()
    click.echo(f"{filled.deadlines} deadlines, {filled.stages} stages, {filled.outcomes} outcomes")

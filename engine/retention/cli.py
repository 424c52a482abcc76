"""``joinedup purge``: run the retention purge now, or list what it would remove."""

from __future__ import annotations

import click

from ..actors import Actor


@click.command()
@click.option("--dry-run", is_flag=True, help="List what would be purged; remove nothing.")
@click.option("--as", "user", default="cli", show_default=True, help="Recorded as who ran it.")
@click.pass_context
def purge(ctx: click.Context, dry_run: bool, user: str) -> None:
    """Purge ended instances and closed cases past their retention (see README)."""
    from ..cli import _engine

    result = _engine(ctx).purge(Actor(user, system=True, via="cli"), dry_run=dry_run)
    for item in result.items:
        ended = item.ended_at.date().isoformat()
        click.echo(f"{item.kind}\t{item.key}\tended/closed {ended}\t{item.rule}")
    verb = "would be purged" if dry_run else "purged"
    summary = f"{result.count('case')} cases and {result.count('instance')} instances {verb}"
    click.echo(summary + ("" if dry_run else f" (report {result.run_id})"))

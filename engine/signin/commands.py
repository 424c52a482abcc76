"""``joinedup set-password`` and ``joinedup deactivate``: both end the person's sessions."""

from __future__ import annotations

import click


@click.command("set-password")
@click.argument("username")
@click.pass_context
def set_password(ctx: click.Context, username: str) -> None:
    """Set USERNAME's password (asked for, never an argument); signs them out everywhere."""
    from ..cli import _engine

    password = click.prompt("New password", hide_input=True, confirmation_prompt=True, err=True)
    _engine(ctx).change_password(username, password)
    click.echo(f"Password changed for {username}; their sessions and API token have ended.")


@click.command()
@click.argument("username")
@click.pass_context
def deactivate(ctx: click.Context, username: str) -> None:
    """Stop USERNAME signing in; ends their sessions and API token."""
    from ..cli import _engine

    _engine(ctx).deactivate(username)
    click.echo(f"{username} is deactivated; their sessions and API token have ended.")

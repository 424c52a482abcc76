"""``joinedup involve`` and ``joinedup release``: the operator changes a case's agencies."""

from __future__ import annotations

import click

from ..actors import Actor


def _engine(ctx: click.Context):
    from ..cli import _engine as open_engine  # the CLI module registers these commands

    return open_engine(ctx)


@click.command()
@click.argument("case_ref")
@click.argument("agency")
@click.option("--reason", required=True, help="Why the agency joins (recorded on the case).")
@click.option("--as", "user", default="cli", show_default=True, help="Recorded as who did it.")
@click.pass_context
def involve(ctx, case_ref: str, agency: str, reason: str, user: str) -> None:
    """Involve AGENCY in case CASE_REF: it sees the case and its tasks from now on."""
    _engine(ctx).involve(case_ref, agency, reason, _operator(user))
    click.echo(f"{agency} is now involved in {case_ref}")


@click.command()
@click.argument("case_ref")
@click.argument("agency")
@click.option("--reason", required=True, help="Why the agency leaves (recorded on the case).")
@click.option("--as", "user", default="cli", show_default=True, help="Recorded as who did it.")
@click.pass_context
def release(ctx, case_ref: str, agency: str, reason: str, user: str) -> None:
    """Release AGENCY from case CASE_REF: it no longer sees the case or its new tasks."""
    _engine(ctx).release(case_ref, agency, reason, _operator(user))
    click.echo(f"{agency} is no longer involved in {case_ref}")


def _operator(user: str) -> Actor:
    return Actor(user, system=True, via="cli")

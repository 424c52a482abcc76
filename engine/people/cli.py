"""``joinedup create-admin``, ``joinedup people …`` and ``joinedup teams …``.

Whoever runs the command line has the database, so these act as the operator (an actor with
every role, recorded as "cli"). Passwords are asked for twice, or read from a file; never an
argument, which would show in the process list and shell history.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..actors import Actor
from ..config import open_engine
from ..errors import InvalidSubmission

OPERATOR = Actor("cli", system=True, via="cli")
PASSWORD_FILE = click.option(
    "--password-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the password from this file (its first line) instead of asking.",
)


def _engine(ctx: click.Context):
    root = ctx.find_root().obj
    if "engine" not in root:
        root["engine"] = open_engine(root["url"])
    return root["engine"]


def _password(password_file: Path | None) -> str:
    if password_file is not None:
        lines = password_file.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)


def _reset_link(token: str) -> str:
    base = os.environ.get("JOINEDUP_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    return f"{base}/reset-password/{token}"


class FieldErrors(click.ClickException):
    """Each field's problem on its own line."""

    def __init__(self, error: InvalidSubmission):
        lines = "\n".join(f"  - {name}: {message}" for name, message in error.errors.items())
        super().__init__(f"Nothing was saved:\n{lines}")


@click.command("create-admin")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Their full name.")
@click.option("--email", default=None, help="Their email address (for password resets).")
@click.option("--another", is_flag=True, help="Add one even though an administrator exists.")
@PASSWORD_FILE
@click.pass_context
def create_admin(ctx, username, display_name, email, another, password_file) -> None:
    """Create the first administrator (in the safeguarding partnership), who then adds
    everyone else in the browser."""
    engine = _engine(ctx)
    existing = engine.active_administrator()
    if existing and not another:
        raise click.ClickException(
            f"An active administrator ({existing}) already exists: use --another to add one more"
        )
    values = {"username": username, "display_name": display_name, "email": email}
    try:
        user = engine.create_admin(values, _password(password_file), another=another)
    except InvalidSubmission as error:
        raise FieldErrors(error) from None
    click.echo(f"Administrator {user.username} created: sign in at /sign-in.")


@click.group()
def people() -> None:
    """List, add, edit, deactivate and import people; reset their passwords."""


@people.command("list")
@click.option("--search", default="", help="Part of a username, name or email.")
@click.option("--page", default=1, show_default=True)
@click.pass_context
def list_people(ctx, search: str, page: int) -> None:
    """People by name (25 a page)."""
    listed = _engine(ctx).people(OPERATOR, search, page)
    for user in listed.items:
        state = "" if user.active else "  (deactivated)"
        roles = ";".join(user.roles)
        click.echo(
            f"{user.username:<16} {user.display_name:<32} {user.agency:<24} "
            f"team={user.team or '-'} roles={roles} manager={user.manager or '-'}{state}"
        )
    if listed.has_next:
        click.echo(f"more: --page {page + 1}")


def _details(display_name, email, agency, team, roles, manager) -> dict:
    given = {
        "display_name": display_name,
        "email": email,
        "agency": agency,
        "team": team,
        "roles": list(roles) or None,
        "manager": manager,
    }
    return {name: value for name, value in given.items() if value is not None}


def _person_options(command):
    for option in reversed(
        [
            click.option("--name", "display_name", help="Full name."),
            click.option("--email"),
            click.option("--agency", help="Agency code (see README)."),
            click.option("--team", help="Team code ('' for none)."),
            click.option("--role", "roles", multiple=True, help="A role code (repeat for more)."),
            click.option("--manager", help="The line manager's username ('' for none)."),
        ]
    ):
        command = option(command)
    return command


@people.command("add")
@click.argument("username")
@_person_options
@click.option("--set-password", is_flag=True, help="Set their password now (asked twice).")
@PASSWORD_FILE
@click.pass_context
def add_person(ctx, username, set_password, password_file, **details) -> None:
    """Add a person; without a password they are emailed a link to set one (24 hours)."""
    password = _password(password_file) if set_password or password_file else None
    values = {"username": username, **_details(**details)}
    try:
        created = _engine(ctx).create_person(OPERATOR, values, password)
    except InvalidSubmission as error:
        raise FieldErrors(error) from None
    click.echo(f"{created.user.username} added.")
    if created.reset_token:
        click.echo(f"Link to set their password (24 hours): {_reset_link(created.reset_token)}")


@people.command("edit")
@click.argument("username")
@_person_options
@click.pass_context
def edit_person(ctx, username, **details) -> None:
    """Change what is given (name, email, agency, team, roles, manager)."""
    try:
        _engine(ctx).update_person(username, OPERATOR, _details(**details))
    except InvalidSubmission as error:
        raise FieldErrors(error) from None
    click.echo(f"{username} updated.")


@people.command("deactivate")
@click.argument("username")
@click.pass_context
def deactivate_person(ctx, username: str) -> None:
    """Stop USERNAME signing in; end their sessions and token; hand over their tasks."""
    moved = _engine(ctx).deactivate_person(username, OPERATOR)
    click.echo(f"{username} is deactivated; their sessions and API token have ended.")
    click.echo(f"{len(moved.moved)} open task(s) went to {moved.group}: {moved.why}.")


@click.command("deactivate")
@click.argument("username")
@click.pass_context
def deactivate(ctx, username: str) -> None:
    """The same as ``people deactivate`` (kept from before there were ``people`` commands)."""
    ctx.invoke(deactivate_person, username=username)


@people.command("reactivate")
@click.argument("username")
@click.pass_context
def reactivate_person(ctx, username: str) -> None:
    """Let USERNAME sign in again (their handed-over tasks stay where they are)."""
    _engine(ctx).reactivate_person(username, OPERATOR)
    click.echo(f"{username} can sign in again.")


@people.command("reset-password")
@click.argument("username")
@click.pass_context
def reset_password(ctx, username: str) -> None:
    """End USERNAME's password and sessions; email them a link to set a new one."""
    token = _engine(ctx).reset_password(username, OPERATOR)
    click.echo(f"Link to set a new password (24 hours, emailed too): {_reset_link(token)}")


@people.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_people(ctx, file: Path) -> None:
    """Add and update people from a CSV file, all or nothing (see README for its columns)."""
    from .csv_import import ImportRefused

    try:
        done = _engine(ctx).import_people(OPERATOR, file.read_text(encoding="utf-8-sig"))
    except ImportRefused as error:
        lines = "\n".join(f"  - {problem}" for problem in error.problems)
        raise click.ClickException(f"Nothing was imported:\n{lines}") from None
    click.echo(f"{len(done.added)} added, {len(done.updated)} updated.")


@click.group()
def teams() -> None:
    """List and add teams."""


@teams.command("list")
@click.option("--search", default="")
@click.pass_context
def list_teams(ctx, search: str) -> None:
    """Teams by name."""
    for team in _engine(ctx).teams(OPERATOR, search).items:
        state = "" if team.active else "  (closed)"
        click.echo(
            f"{team.code:<20} {team.name:<40} {team.agency:<24} "
            f"manager={team.manager or '-'}{state}"
        )


@teams.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--agency", required=True)
@click.option("--manager", default=None, help="The team manager's username.")
@click.pass_context
def add_team(ctx, code: str, name: str, agency: str, manager: str | None) -> None:
    """Add a team to an agency."""
    values = {"code": code, "name": name, "agency": agency, "manager": manager}
    try:
        _engine(ctx).create_team(OPERATOR, values)
    except InvalidSubmission as error:
        raise FieldErrors(error) from None
    click.echo(f"Team {code} added.")


def register(main: click.Group) -> None:
    """Add these commands to the ``joinedup`` group."""
    for command in (create_admin, deactivate, people, teams):
        main.add_command(command)

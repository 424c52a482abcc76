"""``joinedup``: the command line over the engine's service layer.

Every command reads the database from ``DATABASE_URL`` (or ``--database``), brings the schema up
to date, and exits non-zero with a plain message on bad input.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from . import ownership
from .actors import Actor
from .assurance.commands import assurance_backfill
from .config import open_engine
from .db import UNREACHABLE, unavailable
from .errors import EngineError, InvalidDefinition, SettingError
from .models import CANCELLED, ENDED, ERROR, RUNNING
from .retention.cli import purge
from .service import Engine

INSTANCE_STATES = (RUNNING, ENDED, CANCELLED, ERROR)
DEFAULT_WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"


class EngineErrors(click.Group):
    """Turns engine errors into click errors (a message and exit status 1), never tracebacks."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UNREACHABLE as error:  # raised before any engine code could name it
            raise click.ClickException(str(unavailable(error))) from None
        except InvalidDefinition as error:
            lines = "\n".join(f"  - {problem}" for problem in error.problems)
            raise click.ClickException(f"Nothing was deployed:\n{lines}") from None
        except (EngineError, SettingError) as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=EngineErrors)
@click.version_option(package_name="joinedup", message="joinedup %(version)s")
@click.option("--database", envvar="DATABASE_URL", help="Database URL (default: SQLite file).")
@click.pass_context
def main(ctx: click.Context, database: str | None) -> None:
    """JoinedUp: multi-agency safeguarding processes run as BPMN."""
    ctx.obj = {"url": database}


def _engine(ctx: click.Context) -> Engine:
    if "engine" not in ctx.obj:
        ctx.obj["engine"] = open_engine(ctx.obj["url"])
    return ctx.obj["engine"]


@main.command("init-db")
@click.pass_context
def init_db(ctx: click.Context) -> None:
    """Create or upgrade the database schema."""
    _engine(ctx)
    click.echo("Database schema is up to date.")


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--by", "deployed_by", default=None, help="Who is deploying (recorded).")
@click.pass_context
def deploy(ctx: click.Context, path: Path | None, deployed_by: str | None) -> None:
    """Deploy a .bpmn/.dmn file or a folder of them (default: ./workflows)."""
    path = path or DEFAULT_WORKFLOWS
    result = _engine(ctx).deploy_path(
        path, source="cli", deployed_by=deployed_by or os.environ.get("USER")
    )
    for definition in result.deployed:
        click.echo(f"deployed  {definition.key} v{definition.version} ({definition.resource_name})")
    for definition in result.unchanged:
        click.echo(f"unchanged {definition.key} v{definition.version}")


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.pass_context
def validate(ctx: click.Context, path: Path | None) -> None:
    """Check .bpmn/.dmn/.form files as a deploy would, without deploying anything; warn about
    user tasks without a deadline and an escalation, or offered to nobody (a warning does not
    stop a deploy)."""
    from .deploy_checks.deploy_warnings import deploy_warnings
    from .deployment_ops import read_path

    resources = read_path(path or DEFAULT_WORKFLOWS)
    for warning in deploy_warnings(resources):
        click.echo(f"WARNING: {warning}")
    problems = _engine(ctx).validate(resources)
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise click.ClickException(f"{len(problems)} problem(s):\n{lines}")
    click.echo("No problems found.")


@main.command()
@click.pass_context
def definitions(ctx: click.Context) -> None:
    """List deployed definitions with their latest version."""
    from .definitions import definition_summaries

    with _engine(ctx).db.reading() as session:
        rows = definition_summaries(session)
    if not rows:
        click.echo("Nothing is deployed yet; run `joinedup deploy`.")
    for row in rows:
        click.echo(f"{row['key']:<40} {row['kind']:<5} v{row['version']:<4} {row['name'] or ''}")


def _parse_variables(pairs: tuple[str, ...]) -> dict:
    variables = {}
    for pair in pairs:
        name, separator, raw = pair.partition("=")
        if not separator or not name.strip():
            raise click.BadParameter(f"'{pair}' should look like name=value", param_hint="--var")
        try:
            variables[name.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            variables[name.strip()] = raw
    return variables


@main.command()
@click.argument("key")
@click.option("--var", "pairs", multiple=True, help="A start variable, name=value (JSON or text).")
@click.option("--business-key", default=None)
@click.option("--case", "case_ref", default=None, help="Case reference the instance belongs to.")
@click.option("--as", "user", default="cli", help="User id recorded as the starter.")
@click.pass_context
def start(ctx, key, pairs, business_key, case_ref, user) -> None:
    """Start the latest version of process KEY (on case CASE, which must exist)."""
    if case_ref is not None and not _engine(ctx).case_exists(case_ref):
        raise click.BadParameter(f"there is no case {case_ref!r}", param_hint="--case")
    ref = _engine(ctx).start(
        key,
        _parse_variables(pairs),
        business_key=business_key,
        case_ref=case_ref,
        actor=Actor.engine(user),  # whoever runs the CLI has the database: they may set timescales
    )
    click.echo(f"started instance {ref.id} ({ref.status})")


@main.command()
@click.option("--status", type=click.Choice(INSTANCE_STATES), default=None)
@click.option("--process", "process_key", default=None)
@click.pass_context
def instances(ctx, status, process_key) -> None:
    """List process instances, newest first."""
    from . import queries

    with _engine(ctx).db.reading() as session:
        rows = queries.instances(session, status=status, process_key=process_key)
    for row in rows:
        click.echo(
            f"{row.id:>6}  {row.process_key:<32} {row.status:<10} "
            f"case={row.case_ref or '-'} key={row.business_key or '-'} "
            f"started={row.started_at:%Y-%m-%d %H:%M}"
        )


@main.command()
@click.option("--user", default=None, help="Only tasks this user holds or may claim.")
@click.option("--group", "groups", multiple=True, help="Groups the user holds.")
@click.pass_context
def tasks(ctx, user, groups) -> None:
    """List active human tasks (all, or a user's)."""
    from . import queries

    engine = _engine(ctx)
    with engine.db.reading() as session:
        if user:
            rows = queries.tasks_for_user(session, Actor.of(user, *groups), limit=500)
        else:
            rows = queries.active_tasks(session)
    for row in rows:
        due = f"{row.due_at:%Y-%m-%d %H:%M}" if row.due_at else "-"
        who = row.assignee or ",".join(row.candidate_groups + row.candidate_users) or "anyone"
        click.echo(f"{row.id:>6}  {row.name:<36} instance={row.instance_id} due={due} for={who}")


@main.command("fire-timers")
@click.option("--limit", default=1000, show_default=True)
@click.pass_context
def fire_timers(ctx, limit) -> None:
    """Fire every timer that is due now."""
    fired = _engine(ctx).fire_due_timers(limit)
    click.echo(f"fired {fired} timer{'s' if fired != 1 else ''}")


@main.command()
@click.pass_context
def demo(ctx) -> None:
    """Deploy the shipped workflows and load demo people and a family case, into an empty
    database only (never over a process owner's uploads)."""
    from .demo import DEMO_PASSWORD, is_empty, load_demo

    engine = _engine(ctx)
    if not is_empty(engine):
        click.echo("The database already has processes, people or cases: demo not loaded.")
        return
    result = engine.deploy_path(DEFAULT_WORKFLOWS, source="demo", deployed_by="demo")
    click.echo(f"workflows: {len(result.deployed)} deployed")
    for line in load_demo(engine):
        click.echo(f"created {line}")
    click.echo(f"Demo users (pat, amy, sam, cal, mia, hos, chair...) use password {DEMO_PASSWORD}")


@main.command("issue-token")
@click.argument("username")
@click.pass_context
def issue_token(ctx, username: str) -> None:
    """Print a new API token for USERNAME (it replaces their previous one)."""
    click.echo(_engine(ctx).issue_token(username))


@main.command()
@click.argument("key")
@click.option("--add", "add", multiple=True, help="A username or group to make an owner.")
@click.option("--remove", "remove", multiple=True, help="A username or group to remove.")
@click.pass_context
def owners(ctx, key: str, add: tuple[str, ...], remove: tuple[str, ...]) -> None:
    """Show, or (as the operator) change, who owns process KEY: who may deploy new versions
    of it and migrate its instances. Without owners, the partnership's process owners do."""
    engine = _engine(ctx)
    if add or remove:
        listed = engine.set_process_owners(key, Actor.engine("cli"), list(add), list(remove))
    else:
        with engine.db.reading() as session:
            listed = ownership.owners_of(session, key)
    click.echo(f"{key}: {', '.join(listed)}")


@main.command("set-password")
@click.argument("username")
@click.pass_context
def set_password(ctx, username: str) -> None:
    """Set USERNAME's password (asked for, never an argument); signs them out everywhere."""
    password = click.prompt("New password", hide_input=True, confirmation_prompt=True, err=True)
    _engine(ctx).change_password(username, password)
    click.echo(f"Password changed for {username}; their sessions and API token have ended.")


WORKER = "Name (or remove) this user of AGENCY as a named worker; the agency stays involved."


@main.command()
@click.argument("case_ref")
@click.argument("agency")
@click.option("--reason", required=True, help="Why the agency joins (recorded on the case).")
@click.option("--worker", metavar="USERNAME", help=WORKER)
@click.option("--as", "user", default="cli", show_default=True, help="Recorded as who did it.")
@click.pass_context
def involve(ctx, case_ref: str, agency: str, reason: str, worker: str | None, user: str) -> None:
    """Involve AGENCY in case CASE_REF: it sees the case and its tasks from now on."""
    actor = Actor(user, system=True, via="cli")
    if worker is None:
        _engine(ctx).involve(case_ref, agency, reason, actor)
        click.echo(f"{agency} is now involved in {case_ref}")
    else:
        name = _engine(ctx).name_worker(case_ref, worker, reason, actor, agency=agency)
        click.echo(f"{name} ({agency}) is now named on {case_ref}")


@main.command()
@click.argument("case_ref")
@click.argument("agency")
@click.option("--reason", required=True, help="Why the agency leaves (recorded on the case).")
@click.option("--worker", metavar="USERNAME", help=WORKER)
@click.option("--as", "user", default="cli", show_default=True, help="Recorded as who did it.")
@click.pass_context
def release(ctx, case_ref: str, agency: str, reason: str, worker: str | None, user: str) -> None:
    """Release AGENCY from case CASE_REF: it no longer sees the case or its new tasks."""
    actor = Actor(user, system=True, via="cli")
    if worker is None:
        _engine(ctx).release(case_ref, agency, reason, actor)
        click.echo(f"{agency} is no longer involved in {case_ref}")
    else:
        name = _engine(ctx).release_worker(case_ref, agency, worker, reason, actor)
        click.echo(f"{name} is no longer named on {case_ref}; {agency} stays involved")


main.add_command(purge)  # engine.retention
from .people.cli import register  # noqa: E402 - its commands join the group defined above

register(main)
main.add_command(assurance_backfill)

"""Deploying and validating definition files: the engine's deployment operations (a mixin
of ``Engine``); one transaction each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from . import definitions as defs
from . import ownership
from .actors import Actor
from .admin_ops import ensure_process_owner
from .audit import record
from .errors import InvalidDefinition, NotFound
from .events.start_timers import schedule_start_events
from .models import Definition
from .resources import BPMN, DEFINITION_SUFFIXES, Resource, read_resource


class _DryRun(Exception):
    """Rolls back a validation run's unit of work."""


def read_path(path: str | Path) -> list[Resource]:
    """One definition file, or every .bpmn/.dmn/.form file under a folder, read and parsed."""
    path = Path(path)
    if not path.exists():
        raise NotFound(f"{path} does not exist")
    files = (
        sorted(p for p in path.rglob("*") if p.suffix in DEFINITION_SUFFIXES)
        if path.is_dir()
        else [path]
    )
    if not files:
        raise NotFound(f"No .bpmn, .dmn or .form files under {path}")
    root = path if path.is_dir() else path.parent
    return [read_resource(p.relative_to(root).as_posix(), p.read_bytes()) for p in files]


class DeploymentOperations:
    """Deploy files as new versions (with their owners' consent) or only validate them."""

    def deploy(
        self,
        resources: list[Resource],
        *,
        name: str = "deployment",
        source: str = "api",
        deployed_by: str | None = None,
        changed_only: bool = True,
        actor: Actor | None = None,
    ) -> defs.DeployResult:
        """Deploy parsed files together; unchanged ones are skipped, changed ones get N+1.

        With an ``actor`` (web upload, Modeler) each new version needs an owner of its key
        (``engine.ownership``); without one (the operator's CLI) nothing is restricted.
        """
        if not resources:
            raise InvalidDefinition([defs.Problem(name, "there are no files to deploy")])
        if actor is not None:
            ensure_process_owner(actor)
            deployed_by = deployed_by or actor.user_id
        with self.db.unit_of_work() as session:
            result = defs.deploy(
                session,
                resources,
                name=name,
                source=source,
                deployed_by=deployed_by,
                now=self.clock.now(),
                changed_only=changed_only,
            )
            ownership.check_deployment(session, actor, result.deployed, self.clock.now())
            trees = {resource.key: resource.tree for resource in resources}
            for definition in result.deployed:
                schedule_start_events(session, definition, trees.get(definition.key), self)
                record(
                    session,
                    "definition_deployed",
                    deployed_by,
                    self.clock.now(),
                    element_id=definition.key,
                    details={
                        "version": definition.version,
                        "resource": definition.resource_name,
                        "deployment_id": result.deployment_id,
                        "source": source,
                    },
                )
            return result

    def deploy_path(self, path: str | Path, **kwargs: Any) -> defs.DeployResult:
        """Deploy one file, or every .bpmn/.dmn/.form file under a folder, as one deployment."""
        kwargs.setdefault("name", Path(path).name)
        return self.deploy(read_path(path), **kwargs)

    def deployed_processes(self, deployment_id: int, actor: Actor) -> list[tuple[str, int]]:
        """``(key, version)`` of each process a deployment holds, in deploy order (process
        owners only): where the Modeler's "Open in Cockpit" after a deploy should land."""
        ensure_process_owner(actor)
        with self.db.reading() as session:
            rows = session.execute(
                select(Definition.key, Definition.version)
                .where(Definition.deployment_id == deployment_id, Definition.kind == BPMN)
                .order_by(Definition.id)
            )
            return [(key, version) for key, version in rows]

    def validate(self, resources: list[Resource]) -> list[defs.Problem]:
        """Every problem deploying these files would meet; nothing is stored either way."""
        try:
            with self.db.unit_of_work() as session:
                defs.deploy(
                    session,
                    resources,
                    name="validation",
                    source="validation",
                    deployed_by=None,
                    now=self.clock.now(),
                    changed_only=False,
                )
                raise _DryRun
        except _DryRun:
            return []
        except InvalidDefinition as error:
            return list(error.problems)

"""Process administration (a mixin of ``Engine``): versions, sources and instance diagrams.

Lists read the ``definition`` and ``process_instance`` tables (counts grouped in the database);
only the diagram of one instance loads that instance's state, as Camunda Cockpit's instance
view does.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from . import access, migration, ownership, queries
from .access_audit import INSTANCE_VIEWED
from .actors import Actor
from .audit import record
from .definitions import resolve_dependencies
from .dialect.call_activities import MappedCallActivity
from .errors import Conflict, MigrationBlocked, NotFound, NotPermitted
from .live_state import pruned_ids
from .models import CANCELLED, ENDED, ERROR, RUNNING, Definition, ProcessInstance
from .resources import BPMN

PROCESS_OWNER_ROLES = ("process-owner", "admin")


@dataclass
class VersionSummary:
    """One deployed version of a definition file and what runs on it."""

    definition: Definition
    running: int = 0
    failed: int = 0
    finished: int = 0


@dataclass(frozen=True)
class MigrationResult:
    """Which instances moved from which version to which."""

    key: str
    from_version: int
    to_version: int
    moved: list[int]


def ensure_process_owner(actor: Actor) -> None:
    """NotPermitted unless the actor owns processes (or administers the system)."""
    if not actor.has_role(*PROCESS_OWNER_ROLES):
        raise NotPermitted("Only process owners can manage process definitions")


class ProcessAdministration:
    """What the process administration pages and the Modeler's links read."""

    def definition_versions(self, actor: Actor, key: str | None = None) -> list[VersionSummary]:
        """Every version (of ``key``, or of everything), newest first, with instance counts."""
        ensure_process_owner(actor)
        with self.db.reading() as session:
            query = select(Definition).options(defer(Definition.source))
            if key is not None:
                query = query.where(Definition.key == key)
            definitions = session.scalars(
                query.order_by(Definition.key, Definition.version.desc())
            ).all()
            if key is not None and not definitions:
                raise NotFound(f"No definition '{key}' is deployed")
            counts = session.execute(
                select(ProcessInstance.definition_id, ProcessInstance.status, func.count())
                .where(ProcessInstance.definition_id.in_([d.id for d in definitions]))
                .group_by(ProcessInstance.definition_id, ProcessInstance.status)
            )
            summaries = {d.id: VersionSummary(d) for d in definitions}
            for definition_id, status, count in counts:
                summary = summaries[definition_id]
                if status == RUNNING:
                    summary.running += count
                elif status == ERROR:
                    summary.failed += count
                elif status in (ENDED, CANCELLED):
                    summary.finished += count
            return list(summaries.values())

    def definition_source(self, definition_id: int, actor: Actor) -> Definition:
        """One version with its file text, for download and for the diagram."""
        ensure_process_owner(actor)
        with self.db.reading() as session:
            definition = session.get(Definition, definition_id)
            if definition is None:
                raise NotFound(f"No definition version {definition_id}")
            return definition

    def process_owners(self, key: str, actor: Actor) -> list[str]:
        """Who owns process ``key``: usernames and groups (the partnership's by default)."""
        ensure_process_owner(actor)
        with self.db.reading() as session:
            return ownership.owners_of(session, key)

    def set_process_owners(
        self, key: str, actor: Actor, add: list[str] = (), remove: list[str] = ()
    ) -> list[str]:
        """Administrators add or remove owners of ``key``; returns who owns it afterwards."""
        with self.db.unit_of_work() as session:
            owners = ownership.set_owners(session, key, actor, self.clock.now(), add, remove)
            record(
                session,
                "process_owners_changed",
                actor.user_id,
                self.clock.now(),
                element_id=key,
                details={"added": list(add), "removed": list(remove), "owners": owners},
            )
            return owners

    def instance_diagram(self, instance_id: int, actor: Actor) -> dict:
        """The instance's diagram XML with its completed, active and waiting-timer elements."""
        with self.db.reading() as session:
            instance = access.visible_instance(session, instance_id, actor)
            definition = session.get(Definition, instance.definition_id)
            workflow = self.runtime.load(session, instance)
            timers = {timer.element_id for timer in queries.timers(session, instance_id)}
        self.record_look(
            actor,
            INSTANCE_VIEWED,
            case_ref=instance.case_ref,
            instance_id=instance.id,
            what=f"{instance.process_name or instance.process_key} (diagram)",
        )
        drawn = drawn_tasks(workflow)
        completed = {t.task_spec.bpmn_id for t in drawn if t.state == TaskState.COMPLETED}
        completed |= pruned_ids(workflow, drawn_specs(workflow))
        active = {t.task_spec.bpmn_id for t in drawn if t.state & migration.ACTIVE}
        return {
            "definition_id": definition.id,
            "version": definition.version,
            "xml": definition.source,
            "completed": sorted(completed - {None} - active),
            "active": sorted(active - {None} - timers),
            "timers": sorted(timers),
        }

    def migrate_instances(self, source_id: int, target_id: int, actor: Actor) -> MigrationResult:
        """Move every running instance of one version to a later one, all or none.

        MigrationBlocked lists each instance that cannot move and why; then nothing moves.
        """
        ensure_process_owner(actor)
        now = self.clock.now()
        with self.db.unit_of_work() as session:
            source, target = session.get(Definition, source_id), session.get(Definition, target_id)
            _check_versions(source, target)
            ownership.ensure_may_administer(session, actor, source.key)
            dependencies, missing = resolve_dependencies(session, target)
            if missing:
                raise Conflict(f"Version {target.version} needs {missing}, which is not deployed")
            dependency_ids = [d.id for d in dependencies]
            spec, subprocess_specs = self.specs.get(session, target.id, dependency_ids)
            running = session.scalars(
                select(ProcessInstance.id)
                .where(
                    ProcessInstance.definition_id == source.id, ProcessInstance.status == RUNNING
                )
                .order_by(ProcessInstance.id)
            ).all()
            planned, blocked = [], []
            for instance_id in running:
                instance = self.runtime.lock(session, instance_id)
                workflow = self.runtime.load(session, instance)
                blocked += migration.blockers(
                    workflow, spec, subprocess_specs, instance.id, target.version
                )
                planned.append((instance, workflow))
            if blocked:
                raise MigrationBlocked(blocked)
            for instance, workflow in planned:
                migration.move(workflow, spec, subprocess_specs)
                instance.definition_id, instance.dependency_ids = target.id, dependency_ids
                instance.process_name = target.name or instance.process_name
                record(
                    session,
                    "instance_migrated",
                    actor.user_id,
                    now,
                    instance=instance,
                    details={"from_version": source.version, "to_version": target.version},
                )
                self.runtime.save(session, instance, workflow, now, actor.user_id)
            return MigrationResult(
                target.key, source.version, target.version, [i.id for i, _w in planned]
            )


def _check_versions(source: Definition | None, target: Definition | None) -> None:
    if source is None or target is None:
        raise NotFound("No such definition version")
    if source.kind != BPMN or source.key != target.key or target.version <= source.version:
        raise Conflict(
            f"Instances can only move to a later version of the same process "
            f"({source.key} v{source.version} -> {target.key} v{target.version})"
        )


def drawn_tasks(workflow) -> list:
    """The tasks drawn on the instance's own diagram: the process's and those inside its
    embedded subprocesses (a called process has a diagram of its own)."""
    tasks = list(workflow.get_tasks(skip_subprocesses=True))
    for subprocess in workflow.subprocesses.values():
        if _embedded(workflow, subprocess):
            tasks.extend(subprocess.get_tasks(skip_subprocesses=True))
    return tasks


def drawn_specs(workflow) -> set[str]:
    """Names of the process specs drawn on the instance's diagram: its own and its embedded
    subprocesses' (those no call activity calls)."""
    specs = [workflow.spec, *workflow.subprocess_specs.values()]
    called = {
        task_spec.spec
        for spec in specs
        for task_spec in spec.task_specs.values()
        if isinstance(task_spec, MappedCallActivity)
    }
    return {workflow.spec.name} | (set(workflow.subprocess_specs) - called)


def _embedded(workflow, subprocess) -> bool:
    while subprocess is not workflow:
        parent = workflow.get_task_from_id(subprocess.parent_task_id)
        if parent is None or isinstance(parent.task_spec, MappedCallActivity):
            return False
        subprocess = parent.workflow
    return True

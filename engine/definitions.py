"""Deploying definition files and turning deployed versions into cached, shared specs.

Specs (what a diagram says) are immutable and shared by every instance of one version; an
instance records the definition version it started on and the versions of the called processes
and decisions it resolved at start, so later deployments never change a running case.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .decisions.checks import check_dmn
from .deploy_checks.start_event_checks import check_called_listeners
from .dialect.parser import DialectParser
from .errors import InvalidDefinition, NotFound, Problem, ProcessError
from .events.message_starts import MESSAGE_START, message_start_conflicts
from .models import Definition, DefinitionElement, Deployment
from .resources import (
    BPMN,
    DECISION,
    DMN,
    FORM,
    PROCESS,
    Resource,
    parse_xml,
    read_resource,
)
from .sandbox.diagram_checks import check_evaluated_text
from .validation import BPMN_NS, CAMUNDA_NS, check_bpmn


@dataclass
class DeployResult:
    """What a deploy did: the deployment row (None when nothing changed) and the files."""

    deployment_id: int | None
    deployed: list[Definition]
    unchanged: list[Definition]


def deploy(
    session: Session,
    resources: list[Resource],
    *,
    name: str,
    source: str,
    deployed_by: str | None,
    now: datetime,
    changed_only: bool = True,
) -> DeployResult:
    """Store new versions of changed files, check they all resolve and parse, or raise."""
    _refuse_duplicate_keys(resources)
    deployment = Deployment(name=name, source=source, deployed_by=deployed_by, deployed_at=now)
    deployed, unchanged = [], []
    for resource in resources:
        latest = latest_definition(session, resource.key, resource.kind)
        if changed_only and latest is not None and latest.checksum == resource.checksum:
            unchanged.append(latest)
            continue
        deployed.append(_store(session, deployment, resource, latest, deployed_by, now))
    if not deployed:
        return DeployResult(None, [], unchanged)
    session.add(deployment)
    session.flush()
    trees = {resource.key: resource.tree for resource in resources}
    problems = []
    for definition in deployed:
        problems += check_definition(session, definition, trees.get(definition.key))
    if problems:
        raise InvalidDefinition(problems)
    return DeployResult(deployment.id, deployed, unchanged)


def _refuse_duplicate_keys(resources: list[Resource]) -> None:
    seen: dict[str, str] = {}
    for resource in resources:
        for _kind, element_id, _name, _exec in resource.provides:
            if element_id in seen and seen[element_id] != resource.filename:
                raise InvalidDefinition(
                    [
                        Problem(
                            resource.filename,
                            f"'{element_id}' is also in {seen[element_id]}; ids must be unique",
                            element_id,
                        )
                    ]
                )
            seen[element_id] = resource.filename


def _store(session, deployment, resource, latest, deployed_by, now) -> Definition:
    definition = Definition(
        deployment=deployment,
        key=resource.key,
        version=(latest.version + 1) if latest else 1,
        kind=resource.kind,
        name=resource.name,
        resource_name=resource.filename,
        checksum=resource.checksum,
        source=resource.text,
        called_elements=resource.called_elements,
        decision_refs=resource.decision_refs,
        form_refs=resource.form_refs,
        starter_groups=resource.starter_groups,
        subject_kind=resource.subject_kind,
        history_ttl_days=resource.history_ttl_days,
        deployed_by=deployed_by,
        deployed_at=now,
    )
    session.add(definition)
    session.flush()
    session.add_all(
        DefinitionElement(
            definition_id=definition.id,
            kind=kind,
            element_id=element_id,
            name=element_name,
            executable=executable,
        )
        for kind, element_id, element_name, executable in [
            *resource.provides,
            *((MESSAGE_START, name, None, True) for name in resource.message_starts),
        ]
    )
    return definition


def check_definition(session: Session, definition: Definition, tree=None) -> list[Problem]:
    """Static checks, dependency resolution and a full SpiffWorkflow parse of one definition."""
    if definition.kind == FORM:
        return []  # checked completely when read (engine.camunda_forms)
    tree = (
        tree
        if tree is not None
        else read_resource(definition.resource_name, definition.source).tree
    )
    if definition.kind != BPMN:
        return check_dmn(tree, definition.resource_name)
    problems = check_bpmn(tree, definition.resource_name)
    problems += check_evaluated_text(tree, definition.resource_name)
    problems += message_start_conflicts(session, definition, tree)
    dependencies, missing = resolve_dependencies(session, definition)
    problems += [_missing_problem(definition, tree, ref_kind, ref) for ref_kind, ref in missing]
    problems += check_called_listeners(tree, definition.resource_name, dependencies)
    if problems:
        return problems
    return _parse_problems(definition, dependencies)


def _missing_problem(definition, tree, ref_kind, ref) -> Problem:
    if ref_kind == FORM:
        nodes = tree.xpath("//*[@id=$id]", id=ref["element"] or "")
        message = (
            f"links form '{ref['form'] or ref['resource']}' ({_binding_words(ref)}), which is not "
            "deployed: deploy its .form file with the diagram"
        )
        if ref["form"]:
            message += (
                f", and give the form the id '{ref['form']}' (Id, in the form's properties in "
                "Camunda Modeler)"
            )
    elif ref_kind == PROCESS:
        nodes = tree.xpath(
            ".//bpmn:callActivity[@calledElement=$ref]", namespaces={"bpmn": BPMN_NS}, ref=ref
        )
        message = f"calls process '{ref}', which is not deployed (deploy its file first or with it)"
    else:
        nodes = tree.xpath(
            ".//bpmn:businessRuleTask[@camunda:decisionRef=$ref]",
            namespaces={"bpmn": BPMN_NS, "camunda": CAMUNDA_NS},
            ref=ref,
        )
        message = (
            f"uses decision '{ref}', which is not deployed (deploy its DMN file first or with it)"
        )
    node = nodes[0] if nodes else None
    return Problem(
        definition.resource_name,
        message,
        node.get("id") if node is not None else None,
        node.sourceline if node is not None else None,
    )


def _binding_words(ref: dict) -> str:
    if ref["binding"] == "version":
        return f"version {ref['version']}"
    if ref["binding"] == "deployment":
        return "as deployed with this diagram"
    return "latest version"


def _parse_problems(definition: Definition, dependencies: list[Definition]) -> list[Problem]:
    from .deploy_checks.parse_problems import parse_problem

    try:
        build_specs(definition, dependencies)
    except Exception as error:  # the safety net: every parser failure becomes a problem
        return [parse_problem(definition.resource_name, definition.source, error)]
    return []


def latest_definition(session: Session, key: str, kind: str | None = None) -> Definition | None:
    """The newest version deployed under ``key`` (of ``kind`` when given)."""
    query = select(Definition).where(Definition.key == key)
    if kind:
        query = query.where(Definition.kind == kind)
    return session.scalars(query.order_by(Definition.version.desc()).limit(1)).first()


def startable_definition(
    session: Session, key: str, definition_id: int | None = None
) -> Definition:
    """The newest BPMN version for ``key`` (or exactly version ``definition_id``), or NotFound."""
    if definition_id is not None:
        definition = session.get(Definition, definition_id)
        if definition is None or definition.key != key or definition.kind != BPMN:
            raise NotFound(f"No process definition {key} with id {definition_id}")
        return definition
    definition = latest_definition(session, key, BPMN)
    if definition is None:
        keys = session.scalars(select(Definition.key).where(Definition.kind == BPMN).distinct())
        known = ", ".join(sorted(keys)) or "none"
        raise NotFound(f"No process '{key}' is deployed (deployed processes: {known})")
    return definition


def resolve_dependencies(session: Session, definition: Definition):
    """Latest versions of every process and decision ``definition`` needs, transitively.

    Returns ``(definitions, missing)``; missing lists (kind, id) pairs nothing provides.
    """
    found: dict[int, Definition] = {}
    missing: list[tuple[str, str]] = []
    pending = [definition]
    while pending:
        current = pending.pop()
        wanted = [(PROCESS, ref) for ref in current.called_elements]
        wanted += [(DECISION, ref) for ref in current.decision_refs]
        wanted += [(FORM, ref) for ref in current.form_refs or []]
        for kind, ref in wanted:
            provider = (
                linked_form(session, current, ref)
                if kind == FORM
                else _provider(session, kind, ref)
            )
            if provider is None:
                missing.append((kind, ref))
            elif provider.id != definition.id and provider.id not in found:
                found[provider.id] = provider
                pending.append(provider)
    return sorted(found.values(), key=lambda d: d.id), missing


def linked_form(session: Session, definition: Definition, ref: dict) -> Definition | None:
    """The form version a user task's link names, by its binding.

    ``latest`` is the newest form with that id; ``version`` exactly ``camunda:formRefVersion``;
    ``deployment`` the form as it stood when this diagram was deployed (an unchanged form is
    not stored again, so "deployed with it" means "current at that deployment").
    """
    query = form_versions(ref)
    if ref["binding"] == "deployment":
        query = query.where(Definition.deployment_id <= definition.deployment_id)
    return session.scalars(query.order_by(Definition.id.desc()).limit(1)).first()


def form_versions(ref: dict):
    """A query for the form versions a link names: by form id or file, and by version when
    the link is bound to one (``ref`` is what ``dialect.user_tasks.form_ref`` reads)."""
    query = select(Definition).where(Definition.kind == FORM)
    if ref["form"]:
        query = query.where(Definition.key == ref["form"])
    else:
        query = query.where(Definition.resource_name == ref["resource"])
    if ref["binding"] == "version":
        query = query.where(Definition.version == (ref["version"] or 0))
    return query


def _provider(session: Session, kind: str, element_id: str) -> Definition | None:
    query = (
        select(Definition)
        .join(DefinitionElement, DefinitionElement.definition_id == Definition.id)
        .where(DefinitionElement.kind == kind, DefinitionElement.element_id == element_id)
        .order_by(DefinitionElement.definition_id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def build_specs(definition: Definition, dependencies: list[Definition]):
    """Parse a definition with its dependencies into (process spec, subprocess specs)."""
    parser = DialectParser()
    for item in [definition, *dependencies]:
        if item.kind == FORM:
            continue
        tree = parse_xml(item.source)
        if item.kind == DMN:
            parser.add_dmn_xml(tree, filename=item.resource_name)
        else:
            parser.add_bpmn_xml(tree, filename=item.resource_name)
    spec = parser.get_spec(definition.key)
    return spec, parser.get_subprocess_specs(definition.key)


class SpecCache:
    """Parsed specs per (definition version, dependency versions), shared by all instances."""

    def __init__(self, size: int = 256):
        self._size = size
        self._specs: OrderedDict[tuple, tuple] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, definition_id: int, dependency_ids: list[int]):
        """(spec, subprocess_specs), parsed once per process and kept while in use."""
        cache_key = (definition_id, tuple(dependency_ids))
        with self._lock:
            if cache_key in self._specs:
                self._specs.move_to_end(cache_key)
                return self._specs[cache_key]
        definition = session.get(Definition, definition_id)
        dependencies = [session.get(Definition, dep) for dep in dependency_ids]
        try:
            specs = build_specs(definition, dependencies)
        except ValidationException as error:  # a version stored before a check was added
            message = str(error).split("\n")[0]
            raise ProcessError(
                f"{error.file_name or definition.resource_name} no longer parses: {message}; "
                "deploy a corrected version",
                error.id or None,
            ) from None
        with self._lock:
            self._specs[cache_key] = specs
            while len(self._specs) > self._size:
                self._specs.popitem(last=False)
        return specs


def definition_summaries(session: Session) -> list[dict]:
    """Each deployed key with its latest version and how many versions it has."""
    rows = session.execute(
        select(Definition.key, Definition.kind, func.max(Definition.version), func.count())
        .group_by(Definition.key, Definition.kind)
        .order_by(Definition.key)
    )
    summaries = []
    for key, kind, latest, versions in rows:
        definition = latest_definition(session, key, kind)
        summaries.append(
            {
                "key": key,
                "kind": kind,
                "name": definition.name,
                "version": latest,
                "versions": versions,
                "resource": definition.resource_name,
                "deployed_at": definition.deployed_at,
                "deployed_by": definition.deployed_by,
            }
        )
    return summaries

"""Message start events: correlating a message may start a new instance (Camunda 7).

A process whose start event waits for a message is indexed at deploy (``definition_element``
rows of kind ``message_start``, the message name as element id). Correlation first looks for
an instance waiting for the message; when none is, the latest version of the one process that
starts on it is started, with the message's business key and variables.
"""

from __future__ import annotations

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import ownership
from ..actors import Actor
from ..errors import Conflict, NotPermitted, Problem
from ..models import Definition, DefinitionElement, MessageSubscription

MESSAGE_START = "message_start"
_NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def message_start_names(process: etree._Element) -> list[str]:
    """The names of the messages a process's own start events wait for."""
    names = []
    for definition in process.iterfind("./bpmn:startEvent/bpmn:messageEventDefinition", _NS):
        ref = definition.get("messageRef")
        found = (
            process.getroottree()
            .getroot()
            .xpath("./bpmn:message[@id=$ref]", namespaces=_NS, ref=ref or "")
        )
        if found and found[0].get("name"):
            names.append(found[0].get("name"))
    return names


def process_started_by(session: Session, name: str) -> Definition | None:
    """The latest version of the process that starts on message ``name``; Conflict when the
    latest versions of several do (Camunda refuses to choose as well)."""
    latest = (
        select(Definition.key, func.max(Definition.version).label("version"))
        .group_by(Definition.key)
        .subquery()
    )
    query = (
        select(Definition)
        .join(DefinitionElement, DefinitionElement.definition_id == Definition.id)
        .join(latest, (latest.c.key == Definition.key) & (latest.c.version == Definition.version))
        .where(DefinitionElement.kind == MESSAGE_START, DefinitionElement.element_id == name)
    )
    found = list(session.scalars(query))
    if len(found) > 1:
        keys = ", ".join(sorted(d.key for d in found))
        raise Conflict(f"Message '{name}' starts several processes ({keys}); it must start one")
    return found[0] if found else None


def message_start_conflicts(session: Session, definition: Definition, tree) -> list[Problem]:
    """A just-stored process may not start on a message another process's latest version
    starts on (Camunda 7 refuses that deployment too)."""
    problems = []
    for name in definition_message_starts(session, definition.id):
        try:
            process_started_by(session, name)
        except Conflict:
            node = tree.xpath("//bpmn:message[@name=$name]", namespaces=_NS, name=name)
            problems.append(
                Problem(
                    definition.resource_name,
                    f"message '{name}' already starts another deployed process; a message "
                    "may start one process only: rename the message",
                    node[0].get("id") if node else definition.key,
                    node[0].sourceline if node else None,
                )
            )
    return problems


def definition_message_starts(session: Session, definition_id: int) -> list[str]:
    """The message names a stored definition starts on."""
    query = select(DefinitionElement.element_id).where(
        DefinitionElement.definition_id == definition_id, DefinitionElement.kind == MESSAGE_START
    )
    return list(session.scalars(query))


def ensure_may_start(session: Session, definition: Definition, actor: Actor | None) -> None:
    """A person starts a process by message only as they may start it otherwise: holding one
    of its ``camunda:candidateStarterGroups``, or as its process owner (the Modeler's Start
    button); the system always may."""
    if actor is None or actor.has_role(*definition.starter_groups):
        return
    if not ownership.may_administer(session, actor, definition.key):
        raise NotPermitted(f"You cannot start '{definition.key}'")


def waiting_instances(
    session: Session, name: str, business_key: str | None, instance_id: int | None
) -> list[int]:
    """The instances waiting for message ``name`` (with that business key or id, if given)."""
    query = select(MessageSubscription.instance_id).where(MessageSubscription.message_name == name)
    if business_key is not None:
        query = query.where(MessageSubscription.business_key == business_key)
    if instance_id is not None:
        query = query.where(MessageSubscription.instance_id == instance_id)
    return sorted(set(session.scalars(query)))


def process_to_start(
    session: Session, name: str, business_key: str | None, instance_id: int | None, actor
) -> Definition | None:
    """The process a message starts, when no instance waits for it (Camunda correlates to a
    waiting execution first) and it is not addressed to one instance; None otherwise."""
    if instance_id is not None or waiting_instances(session, name, business_key, instance_id):
        return None
    definition = process_started_by(session, name)
    if definition is not None:
        ensure_may_start(session, definition, actor)
    return definition

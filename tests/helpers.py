"""Test helpers: small BPMN documents written inline, and a scenario driver."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from engine.accounts import User
from engine.actors import Actor
from engine.models import HumanTask
from engine.resources import read_resource
from engine.service import Engine

WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"

BPMN_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_{pid}" '
    'targetNamespace="http://bpmn.io/schema/bpmn">\n'
)


def bpmn(process_id: str, body: str, name: str | None = None, extra: str = "") -> str:
    """A BPMN document holding one executable process with ``body`` as its content."""
    title = f' name="{name}"' if name else ""
    return (
        BPMN_HEAD.format(pid=process_id)
        + f'<bpmn:process id="{process_id}"{title} isExecutable="true">\n{body}\n</bpmn:process>\n'
        + extra
        + "</bpmn:definitions>\n"
    )


def flow(source: str, target: str, condition: str | None = None, flow_id: str | None = None) -> str:
    """A sequence flow, optionally conditional."""
    flow_id = flow_id or f"f_{source}_{target}"
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'
    return (
        f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )


def user_task(task_id: str, name: str | None = None, attrs: str = "", form: str = "") -> str:
    """A user task; ``attrs`` are raw camunda attributes, ``form`` raw formField elements."""
    extension = (
        f"<bpmn:extensionElements><camunda:formData>{form}</camunda:formData>"
        "</bpmn:extensionElements>"
        if form
        else ""
    )
    return f'<bpmn:userTask id="{task_id}" name="{name or task_id}" {attrs}>{extension}</bpmn:userTask>'


def linear(process_id: str, *steps: str, name: str | None = None) -> str:
    """start -> steps (user task ids, candidate group 'practitioner') -> end."""
    elements = ['<bpmn:startEvent id="start"/>']
    elements += [user_task(step, attrs='camunda:candidateGroups="practitioner"') for step in steps]
    elements.append('<bpmn:endEvent id="end"/>')
    chain = ["start", *steps, "end"]
    elements += [flow(a, b) for a, b in zip(chain, chain[1:], strict=False)]
    return bpmn(process_id, "\n".join(elements), name=name)


def then_task(
    process_id: str, element: str, element_id: str, task_name: str = "Next", extra: str = ""
) -> str:
    """start -> ``element`` (raw XML with id ``element_id``) -> a practitioners' task -> end."""
    return bpmn(
        process_id,
        '<bpmn:startEvent id="start"/>'
        + element
        + user_task("next", task_name, 'camunda:candidateGroups="practitioner"')
        + '<bpmn:endEvent id="end"/>'
        + flow("start", element_id)
        + flow(element_id, "next")
        + flow("next", "end"),
        extra=extra,
    )


def timer_wait(definition: str, element_id: str = "wait") -> str:
    """An intermediate timer catch event; ``definition`` is e.g. <bpmn:timeDuration>P1D</...>."""
    return (
        f'<bpmn:intermediateCatchEvent id="{element_id}" name="Wait"><bpmn:timerEventDefinition>'
        f"{definition}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )


def with_boundary(
    process_id: str, task_name: str, boundary: str, follow_up: str, group: str = "manager"
) -> str:
    """A practitioners' task ``work`` with a boundary event (raw XML, id ``edge``) leading to a
    follow-up task for ``group``; each path has its own end."""
    return bpmn(
        process_id,
        '<bpmn:startEvent id="start"/>'
        + user_task("work", task_name, 'camunda:candidateGroups="practitioner"')
        + boundary
        + user_task("follow_up", follow_up, f'camunda:candidateGroups="{group}"')
        + '<bpmn:endEvent id="end"/><bpmn:endEvent id="followed_up"/>'
        + flow("start", "work")
        + flow("work", "end")
        + flow("edge", "follow_up")
        + flow("follow_up", "followed_up"),
    )


def add_csc_process_owner(engine: Engine, username: str = "cpo") -> None:
    """A children's social care process owner (not one of the partnership's)."""
    from engine.demo import DEMO_PASSWORD

    engine.create_user(
        username=username,
        password=DEMO_PASSWORD,
        display_name="Cleo Process Owner",
        agency="childrens-social-care",
        roles=["process-owner"],
    )


def resource(filename: str, text: str):
    return read_resource(filename, text)


@dataclass
class Scenario:
    """Drives processes through the engine as named people would, step by step."""

    engine: Engine
    clock: object

    def deploy(self, filename: str, text: str, **kwargs):
        return self.engine.deploy([resource(filename, text)], **kwargs)

    def deploy_shipped(self):
        return self.engine.deploy_path(WORKFLOWS, deployed_by="process-owner")

    def as_user(self, user_id: str, *groups: str) -> Person:
        return Person(self, Actor.of(user_id, *groups))


@dataclass
class Person:
    scenario: Scenario
    actor: Actor

    @property
    def engine(self) -> Engine:
        return self.scenario.engine

    def start(self, key: str, variables: dict | None = None, **kwargs):
        return self.engine.start(key, variables, actor=self.actor, **kwargs)

    def inbox(self, **filters) -> list[HumanTask]:
        return self.engine.tasks_for_user(self.actor, **filters)

    def task(self, name: str) -> HumanTask:
        matches = [task for task in self.inbox() if task.name == name]
        names = [task.name for task in self.inbox()]
        assert matches, f"{self.actor.user_id} has no task '{name}' (inbox: {names})"
        return matches[0]

    def complete(self, name: str, **data):
        return self.engine.complete(self.task(name).id, data, self.actor)

    def claim(self, name: str):
        return self.engine.claim(self.task(name).id, self.actor)


def person(engine: Engine, username: str) -> Actor:
    """The signed-in actor of a real user (their agency, roles and groups)."""
    with engine.db.reading() as session:
        return session.scalars(select(User).where(User.username == username)).one().actor()


def down_and_up(engine: Engine, revision: str) -> None:
    """Migrate the engine's database down to ``revision`` and back to the newest (left at the
    newest whatever happens), as an upgrade of a database last migrated at ``revision`` runs."""
    from alembic import command

    from engine.db import make_engine
    from engine.schema import alembic_config, upgrade

    database = make_engine(engine.db.engine.url.render_as_string(hide_password=False))
    try:
        command.downgrade(alembic_config(database), revision)
    finally:
        upgrade(database)
        database.dispose()

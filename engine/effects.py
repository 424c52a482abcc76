"""Applying convention effects (case records, notifications) in the step's transaction."""

from __future__ import annotations

from datetime import datetime
from types import EllipsisType

from sqlalchemy.orm import Session

from notifications.outbox import GROUP, USER, enqueue

from .audit import record
from .dialect.conventions import Effect
from .disclosure import audience
from .disclosure.grants import grant_from_process
from .involvement.conventions import involve_from_process
from .models import HumanTask, ProcessInstance


def apply_effects(
    session: Session,
    instance: ProcessInstance,
    effects: list[Effect],
    now: datetime,
    actor: str | None,
) -> None:
    """Involve each effect's agency in the case and apply its sharing decision, then write its
    case-record entry and outbox rows (so both see the new involvement and disclosure)."""
    for effect in effects:
        if effect.involve_agency:
            involve_from_process(session, instance, effect, now, actor)
        if effect.disclose_to:
            grant_from_process(session, instance, effect, now, actor)
        if effect.record:
            record(
                session,
                "case_record",
                actor,
                now,
                instance=instance,
                element_id=effect.element_id,
                task_name=effect.element_name,
                details={"entry": effect.record, **effect.record_data},
                held_by=effect.held_by,
            )
        recipients = [(GROUP, g) for g in effect.notify_groups]
        recipients += [(USER, u) for u in effect.notify_users]
        if recipients:
            notify(
                session,
                instance,
                recipients,
                effect.template,
                now,
                step=effect.element_name or effect.element_id,
                element_id=effect.element_id,
                urgent=effect.urgent,
                held_by=effect.held_by,
                instance_id=instance.id,
                case_ref=instance.case_ref,
            )


def notify(
    session: Session,
    instance: ProcessInstance,
    recipients: list[tuple[str, str]],
    event: str,
    now: datetime,
    step: str,
    element_id: str | None = None,
    urgent: bool = False,
    held_by: str | None | EllipsisType = ...,
    **context,
) -> None:
    """Outbox rows about one instance (template = event type); each names process and step.

    ``urgent`` rows are sent at once whatever the recipients' preferences (some event types
    are always urgent; the notifications package decides that). A notification about what an
    agency holds (``held_by``, by default the instance's holder) reaches only the agencies
    that may read it (``engine.disclosure.audience``); delivery checks each person's agency."""
    if held_by is ...:
        held_by = instance.held_by
    enqueue(
        session,
        recipients=recipients,
        template=event,
        event_type=event,
        now=now,
        instance_id=instance.id,
        case_ref=instance.case_ref,
        element_id=element_id,
        urgent=urgent,
        audience=audience(session, instance.id, held_by),
        context={"process": instance.process_name or instance.process_key, "step": step, **context},
    )


def notify_without_case(
    session: Session,
    recipients: list[tuple[str, str]],
    event: str,
    now: datetime,
    *,
    instance_id: int | None,
    element_id: str | None,
    context: dict,
) -> None:
    """Outbox rows about a process rather than a case (its owners are told of a failure):
    they carry no case reference, so they reach people whatever cases they are involved in."""
    enqueue(
        session,
        recipients=recipients,
        template=event,
        event_type=event,
        now=now,
        instance_id=instance_id,
        element_id=element_id,
        context=context,
    )


def notify_person(
    session: Session, username: str, event: str, now: datetime, context: dict, urgent: bool
) -> None:
    """One outbox row to one person about no instance or case (their own account)."""
    enqueue(
        session,
        recipients=[(USER, username)],
        template=event,
        event_type=event,
        now=now,
        urgent=urgent,
        context=context,
    )


def announce_task(
    session: Session,
    instance: ProcessInstance,
    task: HumanTask,
    now: datetime,
    assignee: str | None = None,
    event: str | None = None,
) -> None:
    """Tell the assignee (or else the candidates) about a task: that it is waiting for them,
    or the ``event`` given (due soon, overdue); urgent when the task is (``notify_urgency``)."""
    who = assignee or task.assignee
    if who:
        recipients, event = [(USER, who)], event or "task_assigned"
    else:
        recipients = [(GROUP, g) for g in task.candidate_groups]
        recipients += [(USER, u) for u in task.candidate_users]
        event = event or "task_available"
    notify(
        session,
        instance,
        recipients,
        event,
        now,
        step=task.name,
        element_id=task.element_id,
        urgent=task.urgent,
        held_by=None,  # a task's own candidates may see it, whoever holds it
        task_id=task.id,
    )

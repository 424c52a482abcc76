"""Applying convention effects (case records, notifications) in the step's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from notifications.outbox import GROUP, USER, enqueue

from .audit import record
from .dialect.conventions import Effect
from .involvement.conventions import involve_from_process
from .models import ProcessInstance


def apply_effects(
    session: Session,
    instance: ProcessInstance,
    effects: list[Effect],
    now: datetime,
    actor: str | None,
) -> None:
    """Involve each effect's agency in the case, then write its case-record entry and
    outbox rows (so notifications see the new involvement)."""
    for effect in effects:
        if effect.involve_agency:
            involve_from_process(session, instance, effect, now, actor)
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
    **context,
) -> None:
    """Outbox rows about one instance (template = event type); each names process and step.

    ``urgent`` rows are sent at once whatever the recipients' preferences (some event types
    are always urgent; the notifications package decides that)."""
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
        context={"process": instance.process_name or instance.process_key, "step": step, **context},
    )

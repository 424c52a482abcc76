"""Who a signal reaches: the indexed subscriptions and the deliveries a broadcast writes.

A signal thrown by an instance (intermediate or end event) or sent through the API reaches every
subscription of its name: waiting catch events, boundary events and event-subprocess starts of
every running instance, whatever its business key, and it starts an instance of every latest
process version with a signal start event of that name. The receivers are found in the indexed
``signal_subscription`` table, never by loading workflows. The broadcast writes one
``signal_delivery`` row per receiver in the sender's transaction; after it commits each receiver
is stepped in its own transaction, so one failing receiver never blocks the others: its failure
stays on its row (and in the audit trail) and the sweep retries it with back-off.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, uuid5

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from ..dialect.signals import BroadcastSignalEventDefinition, take_thrown_signals
from ..errors import ProcessError
from ..models import Definition
from ..resources import BPMN
from ..validation import NS
from .event_tables import SignalDelivery, SignalSubscription

QUEUED = "joinedup_signals_queued"  # session.info: deliver after this transaction commits


_SUBSCRIPTIONS = select(SignalSubscription).where(
    SignalSubscription.instance_id == bindparam("instance_id")
)


def sync_signal_subscriptions(session: Session, instance, wanted: dict, now: datetime) -> None:
    """Index what in the instance waits for a signal (``waiting_for_signals``)."""
    existing = {
        row.spiff_task_id: row
        for row in session.scalars(_SUBSCRIPTIONS, {"instance_id": instance.id})
    }
    for key, row in existing.items():
        if key not in wanted:
            session.delete(row)
    for key, (name, element_id) in wanted.items():
        if key not in existing:
            session.add(
                SignalSubscription(
                    signal_name=name,
                    instance_id=instance.id,
                    spiff_task_id=key,
                    process_key=instance.process_key,
                    element_id=element_id,
                    created_at=now,
                )
            )


def waiting_for_signals(instance, workflow) -> dict[str, tuple[str, str]]:
    """What in the instance waits for a signal (waiting catch and boundary events, and the
    signal-started event subprocesses while the instance runs): {task id or a stable id per
    event subprocess: (signal name, element id)}."""
    wanted = {}
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, SignalEventDefinition):
            wanted[str(task.id)] = (_name_for(definition, task), task.task_spec.bpmn_id)
    if workflow.completed:
        return wanted
    for spec_name in workflow.spec.start.trigger_specs:
        for start in workflow.subprocess_specs[spec_name].bpmn_start_events:
            if isinstance(start.event_definition, SignalEventDefinition):
                key = str(uuid5(NAMESPACE_URL, f"joinedup:{instance.id}:{start.bpmn_id}"))
                wanted[key] = (start.event_definition.name, start.bpmn_id)
    return wanted


def queue_thrown_signals(session: Session, instance, workflow, now: datetime) -> None:
    """Broadcast what this step threw to every other instance and signal start event."""
    for name in take_thrown_signals(workflow):
        queue_broadcast(session, name, {}, now, sent_by=None, thrower=instance.id)


def queue_broadcast(
    session: Session,
    name: str,
    variables: dict,
    now: datetime,
    sent_by: str | None,
    thrower: int | None = None,
) -> int:
    """One delivery row per receiver of signal ``name`` (the thrower has caught it already)."""
    rows = session.execute(
        select(
            SignalSubscription.instance_id,
            SignalSubscription.definition_id,
            SignalSubscription.element_id,
        ).where(SignalSubscription.signal_name == name)
    ).all()
    instances = sorted({row.instance_id for row in rows if row.instance_id} - {thrower})
    starts = sorted({(row.definition_id, row.element_id) for row in rows if not row.instance_id})
    deliveries = [{"instance_id": instance_id} for instance_id in instances]
    deliveries += [{"definition_id": d, "element_id": e} for d, e in starts]
    for target in deliveries:
        session.add(
            SignalDelivery(
                signal_name=name,
                variables=dict(variables),
                sent_by=sent_by,
                created_at=now,
                fire_at=now,
                **target,
            )
        )
    if deliveries:
        session.info[QUEUED] = True
    return len(deliveries)


def signal_start_events(tree, key: str) -> list[tuple[str, str]]:
    """(element id, signal name) of each signal start event of process ``key``."""
    found = []
    starts = tree.xpath("//bpmn:process[@id=$key]/bpmn:startEvent", namespaces=NS, key=key)
    for event in starts:
        for definition in event.xpath("bpmn:signalEventDefinition", namespaces=NS):
            ref = definition.get("signalRef") or ""
            signals = tree.xpath("//bpmn:signal[@id=$ref]", namespaces=NS, ref=ref)
            if signals and signals[0].get("name"):
                found.append((event.get("id"), signals[0].get("name")))
    return found


def register_signal_starts(session: Session, definition: Definition, tree, now: datetime) -> None:
    """The new version's signal start events replace those of the versions before it."""
    if definition.kind != BPMN:
        return
    session.execute(
        delete(SignalSubscription).where(
            SignalSubscription.process_key == definition.key,
            SignalSubscription.instance_id.is_(None),
        )
    )
    for element_id, name in signal_start_events(tree, definition.key):
        session.add(
            SignalSubscription(
                signal_name=name,
                definition_id=definition.id,
                process_key=definition.key,
                element_id=element_id,
                created_at=now,
            )
        )


def _name_for(definition, task) -> str:
    """The name the task waits for (a ``${...}`` name evaluated on its data)."""
    if not isinstance(definition, BroadcastSignalEventDefinition):
        return definition.name
    try:
        return definition.name_for(task)
    except WorkflowTaskException as error:
        raise ProcessError(
            f"the signal name '{definition.name}' cannot be evaluated: {error}",
            task.task_spec.bpmn_id,
        ) from None

"""The index rows of a batch of locked instances, read with one query per table.

A timer sweep steps many instances in one transaction. Left to itself, each instance's save
reads its own active tasks, signal, timer and message rows (four round trips an instance);
read here once for the whole batch under the instances' locks, they are exactly what the
tables hold when each instance's step begins, because every change to an instance's rows runs
under its lock. ``take_rows`` hands an instance's rows to its save once: after that save the
tables have moved on, and a second save in the transaction reads them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..events.event_tables import SignalSubscription
from ..models import ACTIVE_TASK_STATES, HumanTask, MessageSubscription, Timer
from .indexed import IndexedState

BATCH_ROWS = "joinedup_batch_rows"  # session.info: instance id -> InstanceRows


@dataclass
class InstanceRows:
    """One instance's rows: what its task and signal index hold, and its timer and message
    subscription rows (ORM objects of this session, by spiff task id)."""

    ready: set[str] = field(default_factory=set)
    signals: dict = field(default_factory=dict)
    timers: dict[str, Timer] = field(default_factory=dict)
    messages: dict[str, MessageSubscription] = field(default_factory=dict)

    def indexed(self) -> IndexedState:
        return IndexedState(frozenset(self.ready), dict(self.signals))


def read_batch_rows(session: Session, instance_ids: list[int]) -> dict[int, InstanceRows]:
    """Every index row of these (locked) instances; kept for their saves in this session."""
    rows = {instance_id: InstanceRows() for instance_id in instance_ids}
    if not rows:
        return rows
    ids = list(rows)
    for instance_id, spiff_id in session.execute(
        select(HumanTask.instance_id, HumanTask.spiff_task_id).where(
            HumanTask.instance_id.in_(ids), HumanTask.status.in_(ACTIVE_TASK_STATES)
        )
    ):
        rows[instance_id].ready.add(spiff_id)
    for instance_id, key, name, element in session.execute(
        select(
            SignalSubscription.instance_id,
            SignalSubscription.spiff_task_id,
            SignalSubscription.signal_name,
            SignalSubscription.element_id,
        ).where(SignalSubscription.instance_id.in_(ids))
    ):
        rows[instance_id].signals[key] = (name, element)
    for timer in session.scalars(
        select(Timer)
        .where(Timer.instance_id.in_(ids))
        .order_by(Timer.id)
        .execution_options(populate_existing=True)
    ):
        rows[timer.instance_id].timers[timer.spiff_task_id] = timer
    for message in session.scalars(
        select(MessageSubscription).where(MessageSubscription.instance_id.in_(ids))
    ):
        rows[message.instance_id].messages[message.spiff_task_id] = message
    session.info[BATCH_ROWS] = rows
    return rows


def take_rows(session: Session, instance_id: int) -> InstanceRows | None:
    """An instance's rows read for this batch, handed out once (None: read the tables)."""
    return session.info.get(BATCH_ROWS, {}).pop(instance_id, None)

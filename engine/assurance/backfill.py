"""Facts for instances that ran before the fact tables existed, from their rows alone.

Deadlines come whole from ``human_task``; stages from the staged task rows (entered when the
first task of the stage was created, left when the last one closed); outcomes from the
instance row ("Ended before the dashboard": which end event it reached is in its state, which
this never loads). Milestones need the due dates inside the state, so old instances have none.
Running it again adds nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..accounts import User
from ..models import ACTIVE_TASK_STATES, CANCELLED, ENDED, HumanTask, ProcessInstance
from .facts import add_deadline_results, close_period
from .models import DeadlineResult, InstanceOutcome, StagePeriod

BATCH = 500
EARLIER = "Ended before the dashboard"


@dataclass
class Filled:
    """How many rows the backfill wrote."""

    deadlines: int = 0
    stages: int = 0
    outcomes: int = 0


def backfill(session: Session, after_id: int = 0, batch: int = BATCH) -> tuple[Filled, int | None]:
    """Facts for the next ``batch`` instances with an id above ``after_id``; returns what was
    written and the last id seen (None when there are no more)."""
    instances = session.scalars(
        select(ProcessInstance)
        .where(ProcessInstance.id > after_id)
        .order_by(ProcessInstance.id)
        .limit(batch)
    ).all()
    if not instances:
        return Filled(), None
    ids = [instance.id for instance in instances]
    tasks: dict[int, list[HumanTask]] = {}
    for task in session.scalars(select(HumanTask).where(HumanTask.instance_id.in_(ids))):
        tasks.setdefault(task.instance_id, []).append(task)
    agencies = _starter_agencies(session, instances)
    filled = Filled()
    for instance in instances:
        rows = tasks.get(instance.id, [])
        agency = agencies.get(instance.started_by)
        filled.deadlines += _deadlines(session, instance, rows, agency)
        filled.stages += _stages(session, instance, rows, agency)
        filled.outcomes += _outcome(session, instance, rows, agency)
    return filled, ids[-1]


def _starter_agencies(session, instances) -> dict[str, str]:
    names = {i.started_by for i in instances if i.started_by}
    query = select(User.username, User.agency).where(User.username.in_(names))
    return dict(session.execute(query).all()) if names else {}


def _deadlines(session, instance, rows, agency) -> int:
    closed = [t for t in rows if t.due_at and t.completed_at and t.status not in ACTIVE_TASK_STATES]
    known = set(
        session.scalars(
            select(DeadlineResult.task_id).where(DeadlineResult.instance_id == instance.id)
        )
    )
    return add_deadline_results(session, instance, closed, known, agency)


def _stages(session, instance, rows, agency) -> int:
    has_any = exists().where(StagePeriod.instance_id == instance.id)
    if session.scalar(select(has_any)):
        return 0
    by_stage: dict[int, list[HumanTask]] = {}
    for task in rows:
        if task.stage:
            by_stage.setdefault(task.stage, []).append(task)
    for stage, staged in sorted(by_stage.items()):
        period = StagePeriod(
            instance_id=instance.id,
            process_key=instance.process_key,
            agency=agency,
            stage=stage,
            stage_name=(staged[0].stage_name or f"Stage {stage}")[:255],
            entered_at=min(t.created_at for t in staged),
            timescale_due_at=min(
                (t.stage_moves_at for t in staged if t.stage_moves_at), default=None
            ),
        )
        if all(t.status not in ACTIVE_TASK_STATES and t.completed_at for t in staged):
            close_period(period, max(t.completed_at for t in staged))
        session.add(period)
    return len(by_stage)


def _outcome(session, instance, rows, agency) -> int:
    if instance.status not in (ENDED, CANCELLED) or instance.ended_at is None:
        return 0
    if session.scalar(select(exists().where(InstanceOutcome.instance_id == instance.id))):
        return 0
    staged = [t for t in rows if t.stage]
    top = max(staged, key=lambda t: t.stage, default=None)
    session.add(
        InstanceOutcome(
            instance_id=instance.id,
            process_key=instance.process_key,
            agency=agency,
            started_at=instance.started_at,
            ended_at=instance.ended_at,
            status=instance.status,
            top_stage=top.stage if top else None,
            top_stage_name=top.stage_name if top else None,
            outcome="Cancelled" if instance.status == CANCELLED else EARLIER,
        )
    )
    return 1

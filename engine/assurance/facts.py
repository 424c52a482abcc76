"""Writing the assurance facts of one engine step, in that step's transaction.

Called at the end of ``engine.indexing.sync_indexes``, when the human task rows are up to date.
The session does not autoflush here (the instance's version check must fail where the runtime
expects it), so the tasks this step closed are those the transaction registered as it closed
them (``engine.indexing.close_task``), flushed or not.
"""

from __future__ import annotations

from datetime import date, datetime, time

from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from ..live_state import completed_ids
from ..live_workflows import closed_tasks
from ..models import ACTIVE_TASK_STATES, CANCELLED, COMPLETED, RUNNING, HumanTask, ProcessInstance
from ..workdays import UK_TIME
from .models import DeadlineResult, InstanceOutcome, Milestone, StagePeriod

AGENCY_WIDTH = 64
BATCH_OUTCOMES = "joinedup_batch_outcomes"  # session.info: instance id -> (recorded, stage, name)


def record_facts(
    session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, now: datetime
) -> None:
    """Deadlines closed, stages entered and left, milestones reached, and the outcome."""
    data = workflow.last_task.data if workflow.last_task else workflow.task_tree.data
    parties = (_agency(data.get("started_by_agency")), _agency(data.get("other_agency")))
    # a batch's answer holds for this save only: a second save reads what the first wrote
    known = session.info.get(BATCH_OUTCOMES, {}).pop(instance.id, None)
    with session.no_autoflush:
        _record_deadlines(session, instance, parties[0], now)
        new_periods = []
        if getattr(workflow.spec, "stages", None):
            new_periods = _track_stages(session, instance, parties, now)
        if milestones := getattr(workflow.spec, "milestones", None):
            _track_milestones(session, instance, workflow, data, milestones, parties[0], now)
        if instance.status != RUNNING:
            _record_outcome(session, instance, workflow, parties, new_periods, now, known)


def _agency(value) -> str | None:
    return value[:AGENCY_WIDTH] if isinstance(value, str) and value else None


def owning_agency(task: HumanTask, fallback: str | None) -> str | None:
    """The agency whose people the task was for: its first agency candidate group, else its
    escalation group's agency, else the agency that started the process."""
    for group in [*(task.candidate_groups or []), *(task.escalate_to or [])]:
        if ":" in group:
            return _agency(group.split(":", 1)[0])
    return fallback


def deadline_met(task: HumanTask) -> bool | None:
    """Met, missed, or None when the task was taken away before its date (no result)."""
    if task.status == COMPLETED:
        return task.completed_at <= task.due_at
    return None if task.completed_at < task.due_at else False


def _record_deadlines(session, instance, starter_agency, now) -> None:
    closed = [
        row
        for row in closed_tasks(session, instance.id, now)
        if row.status in (COMPLETED, CANCELLED) and row.due_at is not None
    ]
    if not closed:
        return
    known = set(
        session.scalars(
            select(DeadlineResult.task_id).where(DeadlineResult.task_id.in_([t.id for t in closed]))
        )
    )
    add_deadline_results(session, instance, closed, known, starter_agency, closed_at=now)


def add_deadline_results(
    session, instance, closed, known: set, starter_agency, closed_at: datetime | None = None
) -> int:
    """A deadline result for each closed task with a deadline whose result is not ``known``,
    closed at ``closed_at`` (else the task's own completion time); how many were added."""
    added = 0
    for task in closed:
        met = deadline_met(task)
        if task.id in known or met is None:
            continue
        session.add(
            DeadlineResult(
                task_id=task.id,
                instance_id=instance.id,
                process_key=instance.process_key,
                agency=owning_agency(task, starter_agency),
                due_at=task.due_at,
                closed_at=closed_at or task.completed_at,
                met=met,
            )
        )
        added += 1
    return added


def _track_stages(session, instance, parties, now) -> list[StagePeriod]:
    """Close the open stage periods the work has left; open one for each stage newly at work."""
    rows = session.scalars(
        select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.status.in_(ACTIVE_TASK_STATES)
        )
    )
    active = [row for row in rows if row.status in ACTIVE_TASK_STATES]
    staged: dict[int, list[HumanTask]] = {}
    for row in active:
        if row.stage:
            staged.setdefault(row.stage, []).append(row)
    open_periods = session.scalars(
        select(StagePeriod).where(
            StagePeriod.instance_id == instance.id, StagePeriod.left_at.is_(None)
        )
    ).all()
    ending = instance.status != RUNNING
    still_open = {}
    for period in open_periods:
        # with no task at all the work waits (a timer, a message): still in the stage
        if ending or (active and period.stage not in staged):
            close_period(period, now)
        else:
            still_open[period.stage] = period
    new = []
    for stage, tasks in staged.items():
        moves = min((t.stage_moves_at for t in tasks if t.stage_moves_at), default=None)
        if stage in still_open:
            still_open[stage].timescale_due_at = still_open[stage].timescale_due_at or moves
            continue
        new.append(
            StagePeriod(
                instance_id=instance.id,
                process_key=instance.process_key,
                agency=parties[0],
                other_agency=parties[1],
                stage=stage,
                stage_name=(tasks[0].stage_name or f"Stage {stage}")[:255],
                entered_at=now,
                timescale_due_at=moves,
            )
        )
    session.add_all(new)
    return new


def close_period(period: StagePeriod, when: datetime) -> None:
    """The period ends ``when``: its length, and whether it ended before its timescale."""
    period.left_at = when
    period.seconds = max(0, int((when - period.entered_at).total_seconds()))
    due = period.timescale_due_at
    period.within_timescale = None if due is None else when < due


def _track_milestones(session, instance, workflow, data, declared, agency, now) -> None:
    rows = list(session.scalars(select(Milestone).where(Milestone.instance_id == instance.id)))
    known = {row.name for row in rows}
    for position, spec in enumerate(declared):
        if spec.name not in known and (due := end_of(data.get(spec.due_variable))) is not None:
            row = Milestone(
                instance_id=instance.id,
                process_key=instance.process_key,
                agency=agency,
                position=position,
                name=spec.name,
                element_id=spec.element_id,
                due_at=due,
            )
            session.add(row)
            rows.append(row)
    waiting = [row for row in rows if row.reached_at is None and row.dropped_at is None]
    if not waiting:
        return
    done = completed_ids(workflow)
    for row in waiting:
        if row.element_id in done:
            row.reached_at = now
        elif instance.status != RUNNING:
            row.dropped_at = now


def completed_tasks(workflow: BpmnWorkflow) -> list:
    """Every completed task, inside finished subprocesses too (a state filter would not go in)."""
    return [task for task in workflow.get_tasks() if task.state == TaskState.COMPLETED]


def end_of(value) -> datetime | None:
    """A due date as the last moment of that day in the UK; a time as itself; else None."""
    if isinstance(value, str):
        try:
            value = (
                date.fromisoformat(value[:10])
                if len(value) <= 10
                else datetime.fromisoformat(value)
            )
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UK_TIME)
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59, 59), tzinfo=UK_TIME)
    return None


# One round trip for both things an ending step asks: whether the outcome is already written,
# and the highest stage stored (stage then name, as ``max`` compares the tuples below; both
# subqueries order alike, so they read the same row).
_HIGHEST_STORED = (
    select(StagePeriod.stage, StagePeriod.stage_name)
    .where(StagePeriod.instance_id == bindparam("instance"))
    .order_by(StagePeriod.stage.desc(), StagePeriod.stage_name.desc())
    .limit(1)
    .subquery()
)
_OUTCOME_AND_HIGHEST_STAGE = select(
    exists().where(InstanceOutcome.instance_id == bindparam("instance")),
    select(_HIGHEST_STORED.c.stage).scalar_subquery(),
    select(_HIGHEST_STORED.c.stage_name).scalar_subquery(),
)


def _highest_stored(column):
    return (
        select(column)
        .where(StagePeriod.instance_id == ProcessInstance.id)
        .order_by(StagePeriod.stage.desc(), StagePeriod.stage_name.desc())
        .limit(1)
        .scalar_subquery()
    )


_OUTCOMES_AND_HIGHEST_STAGES = select(
    ProcessInstance.id,
    exists().where(InstanceOutcome.instance_id == ProcessInstance.id),
    _highest_stored(StagePeriod.stage),
    _highest_stored(StagePeriod.stage_name),
).where(ProcessInstance.id.in_(bindparam("ids", expanding=True)))


def read_batch_outcomes(session: Session, instance_ids: list[int]) -> None:
    """What ``_record_outcome`` asks, for a batch of locked instances in one round trip: their
    outcome and stage rows change only under their locks, so the answer holds for each one's
    step in this transaction (handed out once, like ``live_workflows.take_rows``)."""
    rows = session.execute(_OUTCOMES_AND_HIGHEST_STAGES, {"ids": instance_ids})
    session.info[BATCH_OUTCOMES] = {key: tuple(rest) for key, *rest in rows}


def _record_outcome(session, instance, workflow, parties, new_periods, now, known) -> None:
    recorded, stage, stage_name = (
        known or session.execute(_OUTCOME_AND_HIGHEST_STAGE, {"instance": instance.id}).one()
    )
    if recorded:
        return
    stored = [(stage, stage_name)] if stage is not None else []
    reached = [(p.stage, p.stage_name) for p in new_periods] + stored
    top = max(reached, default=(None, None))
    session.add(
        InstanceOutcome(
            instance_id=instance.id,
            process_key=instance.process_key,
            agency=parties[0],
            other_agency=parties[1],
            started_at=instance.started_at,
            ended_at=instance.ended_at or now,
            status=instance.status,
            top_stage=top[0],
            top_stage_name=top[1],
            outcome=outcome_of(instance, workflow),
        )
    )


def outcome_of(instance: ProcessInstance, workflow: BpmnWorkflow) -> str:
    """ "Cancelled", or the name of the last end event the instance reached (its own words)."""
    if instance.status == CANCELLED:
        return "Cancelled"
    ends = [
        task
        for task in completed_tasks(workflow)
        if isinstance(task.task_spec, EndEvent) and task.task_spec.bpmn_name
    ]
    if not ends:
        return "Completed"
    return max(ends, key=lambda task: task.last_state_change).task_spec.bpmn_name[:255]

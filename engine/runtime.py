"""Loading, stepping and saving one instance inside the caller's transaction.

``InstanceRuntime.lock`` takes the instance row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
serialises writers with ``BEGIN IMMEDIATE``) and the ORM's version column rejects any save based
on an older read, so two nodes can never both apply a step to the same state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from notifications.outbox import USER

from .clock import Clock
from .db import is_postgres
from .definitions import SpecCache
from .dialect.conventions import Effect, effect_of
from .dialect.script_engine import ExpressionScriptEngine
from .dialect.serializer import StateSerializer
from .effects import apply_effects, notify
from .errors import InstanceNotRunning, NotFound, StaleInstance
from .events.signal_index import queue_thrown_signals
from .indexing import sync_indexes
from .live_state import prune
from .live_workflows import NOTHING_INDEXED, LiveWorkflows, remember_indexed
from .live_workflows.round_trip import data_round_trips
from .models import ENDED, RUNNING, HumanTask, ProcessInstance, TaskDraft
from .step_errors import failing_as_process_error
from .wording.subjects import process_summary
from .workdays import WorkingDayCalendar

# Tasks one advance may complete before it must wait; a loop with no wait in it stops here.
MAX_AUTOMATIC_STEPS = 500
LOCKED = "joinedup_locked_instances"  # session.info: instance ids this transaction locked
DRAFTED = "joinedup_drafted_tasks"  # session.info: locked tasks that had drafts when locked
SAVED = "joinedup_saved_workflows"  # session.info: id -> (instance, workflow, state) saved
UNFLUSHED = "joinedup_unflushed_saves"  # session.info: ids saved with flush=False

# Built once so each step reuses SQLAlchemy's compiled form instead of rebuilding the query.
_LOCK_INSTANCE = (
    select(ProcessInstance)
    .where(ProcessInstance.id == bindparam("instance_id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)
_TASK_AND_DRAFTS = (
    select(HumanTask, exists().where(TaskDraft.human_task_id == HumanTask.id).label("drafted"))
    .where(HumanTask.id == bindparam("task_id"))
    .execution_options(populate_existing=True)
)
_INSTANCE_OF_TASK = (
    select(ProcessInstance)
    .join(HumanTask, HumanTask.instance_id == ProcessInstance.id)
    .where(HumanTask.id == bindparam("task_id"))
    .with_for_update(of=ProcessInstance)
    .execution_options(populate_existing=True)
)
# SQLite's BEGIN IMMEDIATE has already serialised writers, so one statement reads everything
# after the last commit. On PostgreSQL a statement that waited for the lock still returns the
# other tables' rows as they were when it began: the task is read again once the lock is held.
_LOCK_FOR_TASK = _TASK_AND_DRAFTS.add_columns(ProcessInstance).join(
    ProcessInstance, HumanTask.instance_id == ProcessInstance.id
)


@dataclass(frozen=True)
class InstanceRef:
    """What a caller needs after changing an instance: its id, status and new version."""

    id: int
    status: str
    version: int


class InstanceRuntime:
    """Specs, script engine and serializer shared by every step this process makes."""

    def __init__(
        self,
        clock: Clock,
        calendar: WorkingDayCalendar,
        specs: SpecCache,
        live_workflows: int = 64,
    ):
        self.clock = clock
        self.specs = specs
        self.script_engine = ExpressionScriptEngine(clock, calendar)
        self.serializer = StateSerializer()
        self.live = LiveWorkflows(live_workflows)

    def lock(
        self,
        session: Session,
        instance_id: int,
        expected_version: int | None = None,
        running: bool = True,
    ) -> ProcessInstance:
        """The instance row, locked for this transaction; typed errors when it cannot be used."""
        instance = session.scalars(_LOCK_INSTANCE, {"instance_id": instance_id}).first()
        if instance is None:
            raise NotFound(f"Process instance {instance_id} does not exist")
        session.info.setdefault(LOCKED, set()).add(instance.id)
        self._check(instance, expected_version, running)
        return instance

    def check_version(self, instance: ProcessInstance, expected_version: int | None) -> None:
        """StaleInstance when the caller's page showed an older version of the instance."""
        self._check(instance, expected_version, running=False)

    @staticmethod
    def _check(instance: ProcessInstance, expected_version: int | None, running: bool) -> None:
        instance_id = instance.id
        if expected_version is not None and instance.version != expected_version:
            raise StaleInstance(
                f"Process instance {instance_id} has changed since you loaded it "
                f"(version {expected_version}, now {instance.version}); reload and try again"
            )
        if running and instance.status != RUNNING:
            raise InstanceNotRunning(f"Process instance {instance_id} is {instance.status}")

    def lock_for_task(
        self, session: Session, task_id: int, expected_version: int | None = None
    ) -> tuple[ProcessInstance, HumanTask]:
        """Lock a task's instance (found through the task), then read the task and whether
        it has saved drafts (``has_drafts``) as they are under the lock."""
        found = self._lock_and_read_task(session, task_id)
        if found is None:
            raise NotFound("No such task")
        task, drafted, instance = found
        session.info.setdefault(LOCKED, set()).add(instance.id)
        if drafted:  # nobody can save another while the instance is locked
            session.info.setdefault(DRAFTED, set()).add(task.id)
        self._check(instance, expected_version, running=False)
        return instance, task

    @staticmethod
    def _lock_and_read_task(session: Session, task_id: int):
        """(task, drafted, instance), or None when there is no such task."""
        if not is_postgres(session):
            return session.execute(_LOCK_FOR_TASK, {"task_id": task_id}).first()
        instance = session.scalars(_INSTANCE_OF_TASK, {"task_id": task_id}).first()
        if instance is None:
            return None
        task, drafted = session.execute(_TASK_AND_DRAFTS, {"task_id": task_id}).one()
        return task, drafted, instance

    @staticmethod
    def has_drafts(session: Session, task_id: int) -> bool:
        """Whether the task locked by ``lock_for_task`` had saved drafts then."""
        return task_id in session.info.get(DRAFTED, ())

    def new_workflow(
        self, session: Session, definition_id: int, dependency_ids: list[int], variables: dict
    ) -> BpmnWorkflow:
        """A fresh workflow of one definition version with its start variables."""
        spec, subprocess_specs = self.specs.get(session, definition_id, dependency_ids)
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self.script_engine)
        workflow.task_tree.data.update(variables)
        remember_indexed(workflow, NOTHING_INDEXED)  # a new instance has no rows yet
        return workflow

    def load(self, session: Session, instance: ProcessInstance) -> BpmnWorkflow:
        """The live workflow for an instance row. Under the row lock, the one this process
        saved last at the same version when it is still cached (it is then this step's alone)."""
        if instance.id in session.info.get(LOCKED, ()):
            workflow = self.live.take(instance.id, instance.version, instance.state)
            if workflow is not None:
                return workflow
        spec, subprocess_specs = self.specs.get(
            session, instance.definition_id, instance.dependency_ids
        )
        return self.serializer.loads(instance.state, spec, subprocess_specs, self.script_engine)

    def advance(self, workflow: BpmnWorkflow) -> list[Effect]:
        """Run engine steps until the workflow waits for people or time; returns the
        convention effects (case records, notifications) the steps asked for."""
        effects: list[Effect] = []
        steps = 0

        def collect(task) -> None:
            nonlocal steps
            steps += 1
            if steps > MAX_AUTOMATIC_STEPS:
                raise WorkflowTaskException(
                    f"the process ran {MAX_AUTOMATIC_STEPS} steps without waiting for a person, "
                    "a message or a timer: is there a loop with no wait in it?",
                    task=task,
                )
            if (effect := effect_of(task)) is not None:
                effects.append(effect)

        run_safely(workflow, workflow.do_engine_steps, did_complete_task=collect)
        return effects

    def advance_and_save(
        self,
        session: Session,
        instance: ProcessInstance,
        workflow: BpmnWorkflow,
        now: datetime,
        actor: str | None,
        *,
        flush: bool = True,
    ) -> None:
        """Run the workflow to its next wait, then save everything that step produced."""
        effects = self.advance(workflow)
        self.save(session, instance, workflow, now, actor, effects, flush=flush)

    def save(
        self,
        session: Session,
        instance: ProcessInstance,
        workflow: BpmnWorkflow,
        now: datetime,
        actor: str | None,
        effects: list[Effect] = (),
        *,
        flush: bool = True,
    ) -> None:
        """Write state, indexes, effects and the end of the instance, all in this transaction.

        ``flush=False`` leaves the writes to the caller's next flush, so a batch of instances
        stepped under their locks goes to the database together (``engine.sweep``). An instance
        saved so is flushed before it is saved again: its index sync reads its rows without
        autoflush, and must not find the ones its last save deleted or miss those it added."""
        unflushed = session.info.setdefault(UNFLUSHED, set())
        if instance.id in unflushed:
            session.flush()
            unflushed.clear()
        if not flush:
            unflushed.add(instance.id)
        apply_effects(session, instance, list(effects), now, actor)
        queue_thrown_signals(session, instance, workflow, now)
        prune(workflow)
        instance.state = self.serializer.dumps(workflow)
        instance.serializer_version = self.serializer.VERSION
        if data_round_trips(workflow):  # else the next step loads the saved state
            saved = session.info.setdefault((SAVED, id(self)), {})
            saved[instance.id] = (instance, workflow, instance.state)
        if workflow.completed and instance.status == RUNNING:
            instance.status, instance.ended_at, instance.ended_by = ENDED, now, actor
            if instance.started_by:
                notify(
                    session,
                    instance,
                    [(USER, instance.started_by)],
                    "process_finished",
                    now,
                    step="Finished",
                )
        instance.summary = process_summary(workflow, instance.summary)
        sync_indexes(session, instance, workflow, now, actor)
        if not flush:
            return
        try:
            session.flush()
        except StaleDataError:
            raise StaleInstance(
                f"Process instance {instance.id} was changed by someone else at the same "
                "time; nothing was saved - reload and try again"
            ) from None

    def after_commit(self, info: dict) -> None:
        """Cache the workflows a committed transaction saved, at the version it wrote; an
        instance whose state changed again after its save (or that ended) is not cached."""
        for instance_id, (instance, workflow, state) in info.pop((SAVED, id(self)), {}).items():
            if instance.status == RUNNING and instance.state is state:
                self.live.keep(instance_id, instance.version, state, workflow)
            else:
                self.live.forget(instance_id)


def spiff_task(workflow: BpmnWorkflow, spiff_task_id: str):
    """The workflow task behind a human task row, or None when it has gone."""
    try:
        return workflow.get_task_from_id(UUID(spiff_task_id))
    except TaskNotFoundException:
        return None


def run_safely(workflow: BpmnWorkflow, step, *args, **kwargs):
    """Run a SpiffWorkflow call, turning its errors into ProcessError with element and line."""
    with failing_as_process_error():
        return step(*args, **kwargs)

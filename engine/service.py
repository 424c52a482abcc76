"""The engine's service layer: every public operation is one database transaction.

The web app, the scheduler and the CLI call these methods and nothing else; a failure inside
one leaves nothing half written. Errors are typed (see ``engine.errors``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.util.event import BpmnEvent

from . import definitions as defs
from . import ownership, queries
from .access_audit.operations import AccessAuditOperations
from .actors import Actor
from .admin_ops import ProcessAdministration
from .assurance.operations import AssuranceOperations
from .audit import record
from .break_glass.operations import BreakGlassOperations
from .casework.operations import CaseworkOperations
from .clock import Clock
from .db import Database
from .decision_pages.operations import DecisionPageOperations
from .deployment_ops import DeploymentOperations
from .dialect.messages import VariablesMessageEventDefinition
from .errors import (
    Conflict,
    MessageNotCorrelated,
    NotFound,
    ProcessError,
)
from .events.message_starts import process_to_start, waiting_instances
from .events.signal_ops import SignalOperations
from .events.signals import SignalDeliveries
from .events.start_timers import StartTimerSweep
from .events.starting import InstanceStarting
from .incidents.opening import JOB_RETRIES
from .incidents.operations import IncidentOperations
from .inputs.variables import check_business_key, check_variables
from .involvement.operations import InvolvementOperations
from .models import (
    CANCELLED,
    HumanTask,
    ProcessInstance,
)
from .people.person_ops import PeopleAdministration
from .people.team_ops import TeamAdministration
from .people_ops import PeopleOperations
from .retention.operations import RetentionOperations
from .risk_reports import RiskReportOperations
from .risk_reports import ensure_may_send as ensure_may_send_report
from .runtime import InstanceRef, InstanceRuntime, run_safely
from .signin.operations import SignInOperations
from .sweep import TimerSweep, what_is_due
from .task_ops import TaskOperations
from .withdrawal import WithdrawalOperations, ensure_may_send
from .wording.operations import WordingOperations
from .workdays import WorkingDayCalendar


@dataclass
class _Step:
    """What a failing step had reached, so its error can be recorded after the rollback."""

    instance_id: int | None = None


class Engine(
    DeploymentOperations,
    TaskOperations,
    PeopleOperations,
    PeopleAdministration,
    TeamAdministration,
    ProcessAdministration,
    SignInOperations,
    AccessAuditOperations,
    InvolvementOperations,
    CaseworkOperations,
    BreakGlassOperations,
    DecisionPageOperations,
    WithdrawalOperations,
    RiskReportOperations,
    RetentionOperations,
    SignalOperations,
    IncidentOperations,
    InstanceStarting,
    AssuranceOperations,
    WordingOperations,
):
    """JoinedUp's workflow engine over SpiffWorkflow, bound to one database."""

    def __init__(
        self,
        database: Database | str,
        clock: Clock | None = None,
        calendar: WorkingDayCalendar | None = None,
        spec_cache_size: int = 256,
        job_retries: int = JOB_RETRIES,
        live_workflows: int = 64,
    ):
        self.db = database if isinstance(database, Database) else Database(database)
        self.clock = clock or Clock()
        self.db.clock = self.clock  # time-dependent rules read it from the session
        self.calendar = calendar or WorkingDayCalendar()
        self.specs = defs.SpecCache(spec_cache_size)
        # live_workflows: how many hot instances' workflows to keep between steps (0: none)
        self.runtime = InstanceRuntime(self.clock, self.calendar, self.specs, live_workflows)
        self.job_retries = job_retries  # tries of a background job before an incident
        self.timers = TimerSweep(self.db, self.runtime, self.clock, job_retries)
        self.start_timers = StartTimerSweep(self)
        self.signals = SignalDeliveries(self)
        self.db.commit_hooks["signals"] = self.signals.after_commit
        self.db.commit_hooks[f"live_workflows:{id(self.runtime)}"] = self.runtime.after_commit

    # --- instances ---------------------------------------------------------------------

    def start(
        self,
        key: str,
        variables: dict | None = None,
        *,
        business_key: str | None = None,
        case_ref: str | None = None,
        actor: Actor | None = None,
        definition_id: int | None = None,
        subject_id: int | None = None,
    ) -> InstanceRef:
        """Start process ``key`` (its latest version, or the version ``definition_id`` names)
        at its initial start event and run it to its first wait (``subject_id``: the member
        of case ``case_ref`` it is about, as ``start_on_case`` found them)."""
        who = actor.user_id if actor else None
        variables, business_key = check_variables(variables), check_business_key(business_key)
        with self._recording_errors(who, process_key=key), self.db.unit_of_work() as session:
            definition = defs.startable_definition(session, key, definition_id)
            instance = self.start_in(
                session,
                definition,
                variables,
                actor=actor,
                business_key=business_key,
                case_ref=case_ref,
                subject_id=subject_id,
            )
            return InstanceRef(instance.id, instance.status, instance.version)

    def start_owned(self, key: str, actor: Actor, **kwargs: Any) -> InstanceRef:
        """Start ``key`` as its process owner (Camunda Modeler's Start button): NotPermitted,
        naming its owners, unless the actor may administer the process (``engine.ownership``)."""
        with self.db.reading() as session:
            ownership.ensure_may_administer(session, actor, key)
        return self.start(key, actor=actor, **kwargs)

    def cancel(self, instance_id: int, actor: Actor, reason: str = "") -> InstanceRef:
        """Stop a running instance; its open tasks are cancelled and its timers removed."""
        now = self.clock.now()
        with self._recording_errors(actor.user_id, instance_id), self.db.unit_of_work() as session:
            instance = self.runtime.lock(session, instance_id)
            return self._cancel_locked(session, instance, actor, now, {"reason": reason})

    def _cancel_locked(self, session, instance, actor: Actor, now, details: dict) -> InstanceRef:
        """Cancel a locked instance in the caller's transaction: its tasks and timers go, its
        history says who and why (``details``)."""
        workflow = self.runtime.load(session, instance)
        run_safely(workflow, workflow.cancel)
        instance.status, instance.ended_at, instance.ended_by = CANCELLED, now, actor.user_id
        record(
            session, "instance_cancelled", actor.user_id, now, instance=instance, details=details
        )
        self.runtime.save(session, instance, workflow, now, actor.user_id)
        return InstanceRef(instance.id, instance.status, instance.version)

    # --- messages and timers -----------------------------------------------------------

    def correlate_message(
        self,
        name: str,
        *,
        business_key: str | None = None,
        instance_id: int | None = None,
        variables: dict | None = None,
        actor: Actor | None = None,
    ) -> InstanceRef:
        """Deliver message ``name`` to the one instance waiting for it (by business key).

        A withdrawal message is refused here for people: only the raiser sends one, through
        ``withdraw`` (``engine.withdrawal``)."""
        ensure_may_send(name, actor)
        ensure_may_send_report(name, actor)
        return self._deliver_message(
            name,
            business_key=business_key,
            instance_id=instance_id,
            variables=variables,
            actor=actor,
        )

    def _deliver_message(
        self,
        name: str,
        *,
        business_key: str | None = None,
        instance_id: int | None = None,
        variables: dict | None = None,
        actor: Actor | None = None,
    ) -> InstanceRef:
        now, who = self.clock.now(), actor.user_id if actor else None
        variables = check_variables(variables)
        with self.db.reading() as session:
            starts = process_to_start(session, name, business_key, instance_id, actor)
        if starts is not None:
            return self.start(
                starts.key,
                variables,
                business_key=business_key,
                actor=actor,
                definition_id=starts.id,
            )
        with self._recording_errors(who) as step, self.db.unit_of_work() as session:
            targets = waiting_instances(session, name, business_key, instance_id)
            if not targets:
                raise MessageNotCorrelated(
                    f"No running instance is waiting for message '{name}'"
                    + (f" with business key '{business_key}'" if business_key else "")
                )
            if len(targets) > 1:
                raise Conflict(
                    f"Message '{name}' matches {len(targets)} instances "
                    f"({', '.join(map(str, targets))}); give a business key or instance id"
                )
            step.instance_id = targets[0]
            instance = self.runtime.lock(session, targets[0])
            workflow = self.runtime.load(session, instance)
            event = BpmnEvent(
                VariablesMessageEventDefinition(name),
                {"payload": dict(variables or {}), "result_var": None},
            )
            run_safely(workflow, workflow.send_event, event)
            record(
                session,
                "message_received",
                who,
                now,
                instance=instance,
                details={"message": name, "variables": variables or {}},
            )
            self.runtime.advance_and_save(session, instance, workflow, now, who)
            return InstanceRef(instance.id, instance.status, instance.version)

    def fire_due_timers(self, limit: int = 100) -> int:
        """Fire every timer due by now (at most ``limit`` instances), timer start events
        included, and retry failed signal deliveries; returns how many timers fired."""
        timers, start_timers, signals = what_is_due(self.db, self.clock.now())
        fired = self.timers.fire_due(limit) if timers else 0
        fired += self.start_timers.fire_due(limit) if start_timers else 0
        if signals:
            self.signals.deliver_due(limit)
        return fired

    # --- queries -----------------------------------------------------------------------

    def tasks_for_user(self, actor: Actor, **filters: Any) -> list[HumanTask]:
        """Open tasks the actor holds or may claim, soonest due first (indexed table only)."""
        with self.db.reading() as session:
            return queries.tasks_for_user(session, actor, **filters)

    def instance_variables(self, instance_id: int) -> dict[str, Any]:
        """The data of an instance's most recently finished or active task (read-only view)."""
        with self.db.reading() as session:
            instance = session.get(ProcessInstance, instance_id)
            if instance is None:
                raise NotFound(f"Process instance {instance_id} does not exist")
            workflow = self.runtime.load(session, instance)
        return dict(workflow.last_task.data if workflow.last_task else workflow.task_tree.data)

    def instances_for_case(self, case_ref: str) -> list[ProcessInstance]:
        """Every instance on a case, newest first."""
        with self.db.reading() as session:
            return queries.instances_for_case(session, case_ref)

    @contextmanager
    def _recording_errors(
        self, actor: str | None, instance_id: int | None = None, process_key: str | None = None
    ) -> Iterator[_Step]:
        """After a step fails with a ProcessError and has rolled back, record the error."""
        step = _Step(instance_id)
        try:
            yield step
        except ProcessError as error:
            with self.db.unit_of_work() as session:
                instance = (
                    session.get(ProcessInstance, step.instance_id) if step.instance_id else None
                )
                record(
                    session,
                    "error",
                    actor,
                    self.clock.now(),
                    instance=instance,
                    element_id=error.element_id,
                    details={"message": str(error), "line": error.line, "process": process_key},
                )
            raise

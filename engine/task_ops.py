"""Human-task operations of the engine: claim, assign, complete, drafts and task views.

A mixin of ``Engine``; each public method is one transaction. Authorisation is enforced here:
a task the person may not see is NotFound (``engine.access``); they act only on tasks they are
assignee or candidate of; managers reassign only within their own team
(``access.reassignment``); a task's named parties may not do it (``access.parties``).
"""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, delete

from notifications.outbox import USER

from . import queries
from .access import ensure_may_see_task, may_see_task, parties
from .access.reassignment import eligible_assignees, ensure_may_reassign
from .access_audit import TASK_VIEWED
from .actors import Actor, may_claim, may_work_on
from .agencies import MANAGER_ROLES
from .audit import jsonable, record
from .effects import notify
from .errors import (
    InvalidSubmission,
    NotPermitted,
    TaskAlreadyClaimed,
    TaskAlreadyCompleted,
    TaskNotActive,
)
from .inbox import APPROVALS
from .incidents.opening import ensure_not_failed
from .indexing import announce_task, close_task, set_offered
from .inputs.variables import check_variables
from .models import (
    ACTIVE_TASK_STATES,
    CLAIMED,
    COMPLETED,
    OPEN,
    HumanTask,
    ProcessInstance,
    TaskDraft,
)
from .runtime import InstanceRef, run_safely, spiff_task
from .submission_checks import check_submission
from .task_views import (
    TaskView,
    build_view,
    draft_of,
    ensure_may_act,
    properties_of,
    user_task_spec,
    validate_task_data,
    visible_task,
)

_DRAFTS = TaskDraft.__table__
_DELETE_DRAFTS = delete(_DRAFTS).where(_DRAFTS.c.human_task_id == bindparam("task_id"))


class TaskOperations:
    """Claim, unclaim, assign, save drafts of and complete human tasks."""

    def claim(self, task_id: int, actor: Actor) -> None:
        """Take an unassigned task; someone else's claim is a TaskAlreadyClaimed conflict."""
        with self.db.unit_of_work() as session:
            instance, task = self._task_for_action(session, task_id, actor)
            if not may_claim(task, actor):
                raise NotPermitted("You are not a candidate for this task")
            if task.assignee and task.assignee != actor.user_id:
                raise TaskAlreadyClaimed(f"'{task.name}' is already claimed by {task.assignee}")
            self._ensure_not_party(session, instance, task, actor.user_id, acting=True)
            self._assign(session, task, actor.user_id, actor, "task_claimed")

    def unclaim(self, task_id: int, actor: Actor) -> None:
        """Give a claimed task back to its candidates."""
        with self.db.unit_of_work() as session:
            _instance, task = self._task_for_action(session, task_id, actor)
            if task.assignee != actor.user_id and not actor.system:
                raise NotPermitted("Only the person who holds a task can give it back")
            self._assign(session, task, None, actor, "task_unclaimed")

    def assign(self, task_id: int, assignee: str | None, actor: Actor) -> None:
        """Hand a task to a named person, or back to its candidates (``assignee`` None).

        Unassigning is reassigning: only a manager of the holder's own team may do either.
        """
        with self.db.unit_of_work() as session:
            instance, task = self._task_for_action(session, task_id, actor)
            ensure_may_reassign(session, task, assignee, actor)
            if assignee is not None and not actor.system:
                self._ensure_not_party(session, instance, task, assignee, acting=False)
            self._assign(session, task, assignee, actor, "task_assigned")

    def reassign_choices(self, tasks: list[HumanTask], actor: Actor) -> dict:
        """Per task the manager may reassign, who they may hand it to (``access.reassignment``)."""
        with self.db.reading() as session:
            return eligible_assignees(session, tasks, actor)

    def reassign_choices_for(self, task: HumanTask, actor: Actor):
        """Who a manager may hand this one task to, its named parties left out too (it reads
        the task's data); None when they may not reassign it at all."""
        with self.db.reading() as session:
            choices = eligible_assignees(session, [task], actor).get(task.id)
            if not choices:
                return choices
            instance = session.get(ProcessInstance, task.instance_id)
            properties = properties_of(user_task_spec(session, self.runtime, instance, task))
            if not parties.restricts(properties):
                return choices
            live = spiff_task(self.runtime.load(session, instance), task.spiff_task_id)
            excluded = parties.parties(session, properties, live.data if live else {}, instance.id)
            return [member for member in choices if member.username not in excluded]

    def _task_for_action(self, session, task_id: int, actor: Actor):
        """Lock the task's instance; NotFound unless the actor may see the task, then
        a conflict unless it is still active."""
        instance, task = self.runtime.lock_for_task(session, task_id)
        ensure_may_see_task(session, task, actor)
        self._ensure_active(task)
        return instance, task

    def _ensure_not_party(self, session, instance, task, username: str, acting: bool, live=None):
        """NotPermitted when ``username`` is a party the task's ``not_by`` properties exclude."""
        properties = properties_of(user_task_spec(session, self.runtime, instance, task))
        if not parties.restricts(properties):
            return
        if live is None:
            live = spiff_task(self.runtime.load(session, instance), task.spiff_task_id)
        excluded = parties.parties(session, properties, live.data if live else {}, instance.id)
        parties.ensure_not_party(username, excluded, properties, acting)

    def _assign(
        self, session, task: HumanTask, assignee: str | None, actor: Actor, event_type: str
    ) -> None:
        now = self.clock.now()
        previous, task.assignee = task.assignee, assignee
        task.status = CLAIMED if assignee else OPEN
        task.claimed_at = now if assignee else None
        set_offered(session, task.id, offered=assignee is None)
        instance = session.get(ProcessInstance, task.instance_id)
        record(
            session,
            event_type,
            actor.user_id,
            now,
            case_ref=task.case_ref,
            element_id=task.element_id,
            task_name=task.name,
            details={"task_id": task.id, "assignee": assignee, "previous": previous},
            instance=instance,
            held_by=task.held_by,
        )
        if assignee and assignee != actor.user_id:
            announce_task(session, instance, task, now, assignee=assignee)

    def complete(
        self,
        task_id: int,
        data: dict | None,
        actor: Actor,
        expected_version: int | None = None,
        decision: str | None = None,
    ):
        """Complete a task with form data (validated), then run the process to its next wait.

        ``decision`` (approved/declined) also tells whoever started the process.
        """
        now, data = self.clock.now(), check_variables(data)
        with self._recording_errors(actor.user_id) as step, self.db.unit_of_work() as session:
            instance, task = self._task_for_action(session, task_id, actor)
            step.instance_id = instance.id  # "already completed" said more than "stale"
            self.runtime.check_version(instance, expected_version)
            ensure_may_act(session, task, actor)
            ensure_not_failed(instance)
            workflow = self.runtime.load(session, instance)
            live = spiff_task(workflow, task.spiff_task_id)
            if live is None or live.state != TaskState.READY:
                raise TaskAlreadyCompleted(f"'{task.name}' has already been completed")
            self._ensure_not_party(session, instance, task, actor.user_id, True, live)
            cleaned = validate_task_data(session, instance, live.task_spec, data, live.data)
            live.data.update(cleaned)
            check_submission(session, live, data or {})
            run_safely(workflow, live.run)
            close_task(session, task, COMPLETED, now, by=actor.user_id)
            if self.runtime.has_drafts(session, task.id):
                session.connection().execute(_DELETE_DRAFTS, {"task_id": task.id})
            record(
                session,
                "task_completed",
                actor.user_id,
                now,
                instance=instance,
                element_id=task.element_id,
                task_name=task.name,
                details={"task_id": task.id, "data": cleaned},
                held_by=task.held_by,
            )
            if decision:
                _tell_starter(session, instance, task, decision, now)
            self.runtime.advance_and_save(session, instance, workflow, now, actor.user_id)
            return InstanceRef(instance.id, instance.status, instance.version)

    def save_draft(self, task_id: int, data: dict, actor: Actor) -> None:
        """Keep unfinished form values for this person; nothing is validated or run."""
        with self.db.unit_of_work() as session:
            _instance, task = self._task_for_action(session, task_id, actor)
            ensure_may_act(session, task, actor)
            draft = draft_of(session, task.id, actor.user_id)
            if draft is None:
                draft = TaskDraft(human_task_id=task.id, user_id=actor.user_id)
                session.add(draft)
            draft.data, draft.saved_at = jsonable(dict(data)), self.clock.now()

    def task_view(self, task_id: int, actor: Actor, look: bool = True) -> TaskView:
        """The task, its form fields and the values to show; NotFound if not the actor's.
        A look unless ``look`` is False (reading the form to check a submission)."""
        with self.db.reading() as session:
            task = visible_task(session, task_id, actor)
            view = build_view(session, self.runtime, task, actor)
        if look:
            self.record_look(
                actor,
                TASK_VIEWED,
                case_ref=task.case_ref,
                instance_id=task.instance_id,
                task_id=task.id,
                what=task.name,
            )
        return view

    def inbox(self, actor: Actor, tab: str = "mine", **filters) -> queries.InboxPage:
        """One page of an inbox tab, read from the indexed task table only."""
        with self.db.reading() as session:
            return queries.inbox(session, actor, tab, now=self.clock.now(), **filters)

    @staticmethod
    def _ensure_active(task: HumanTask) -> None:
        if task.status == COMPLETED:
            who = f" by {task.completed_by}" if task.completed_by else ""
            raise TaskAlreadyCompleted(f"'{task.name}' has already been completed{who}")
        if task.status not in ACTIVE_TASK_STATES:
            raise TaskNotActive(f"'{task.name}' is no longer active ({task.status})")

    def approvals(self, actor: Actor, **position) -> queries.InboxPage:
        """One page of the decisions (approval tasks) waiting for this manager: those they
        hold or are offered, on their agency's cases, soonest due first, keyset-paged like
        the inbox (``position``: ``after``/``before`` a cursor, or ``page``)."""
        if not actor.has_role(*MANAGER_ROLES, "senior-manager"):
            raise NotPermitted("Approvals are for managers")
        with self.db.reading() as session:
            return queries.inbox(session, actor, APPROVALS, now=self.clock.now(), **position)

    def decide(self, task_id: int, approved: bool, reason: str, actor: Actor):
        """Approve or decline an approval task with a reason (required)."""
        if not reason or not reason.strip():
            raise InvalidSubmission({"reason": "Enter the reason for your decision"})
        with self.db.reading() as session:
            task = visible_task(session, task_id, actor)
            instance = session.get(ProcessInstance, task.instance_id)
            properties = properties_of(user_task_spec(session, self.runtime, instance, task))
        if not task.approval or "approval_field" not in properties:
            raise NotPermitted(f"'{task.name}' is not an approval")
        data = {properties["approval_field"]: approved}
        data[properties.get("reason_field", "reason")] = reason.strip()
        outcome = "approved" if approved else "declined"
        return self.complete(task_id, data, actor, decision=outcome)

    def next_tasks(self, instance_id: int, actor: Actor) -> list[HumanTask]:
        """The instance's active tasks that this person may work on now (what comes next)."""
        with self.db.reading() as session:
            tasks = queries.active_tasks(session, instance_id)
            return [
                task
                for task in tasks
                if may_work_on(task, actor) and may_see_task(session, task, actor)
            ]


def _tell_starter(session, instance: ProcessInstance, task: HumanTask, decision: str, now) -> None:
    """The person who started the process hears of a manager's decision on it."""
    if instance.started_by:
        notify(
            session,
            instance,
            [(USER, instance.started_by)],
            "decision_made",
            now,
            step=f"{task.name}: {decision}",
            element_id=task.element_id,
        )

"""Withdrawing a matter that its raiser started (Professional Differences, Torbay s13).

A process lets its raiser withdraw by catching a withdrawal message (``WITHDRAWAL_MESSAGES``:
a message boundary event on the part that may be withdrawn). Only the raiser may send it: the
instance's ``raiser`` variable (as the waiting event sees it), or whoever started the instance
when the diagram names no raiser. The reasons and who withdrew arrive as the variables
``withdrawal_reason`` and ``withdrawn_by``, with ``withdrawn_at_stage``: the furthest stage its
open tasks had reached (0 when none declares one); the diagram records them on the case and tells
both agencies. Nobody else may deliver the message, through this or ``correlate_message``.

A mixin of ``Engine``: one transaction per call.
"""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import access, queries
from .actors import Actor
from .errors import Conflict, InvalidSubmission, NotPermitted
from .models import MessageSubscription, ProcessInstance
from .runtime import InstanceRef

WITHDRAWAL_MESSAGES = ("difference_withdrawn",)
MAX_REASON = 4000
NOT_THE_RAISER = "Only the person who raised this can withdraw it"


class WithdrawalOperations:
    """The raiser's withdrawal of a running instance, with reasons."""

    def withdraw(self, instance_id: int, actor: Actor, reason: str) -> InstanceRef:
        """Send the instance's withdrawal message as its raiser: NotFound if they cannot see
        it, NotPermitted for anyone but the raiser, Conflict when it waits for none, and
        InvalidSubmission without a reason - in that order, so nothing is revealed early."""
        with self.db.reading() as session:
            instance = access.visible_instance(session, instance_id, actor)
            message = waiting_withdrawal(session, instance.id)
            raiser = self._raiser(session, instance, message) if message else instance.started_by
            stage = queries.stage_reached(session, instance.id)
        if actor.system or actor.user_id != raiser:
            raise NotPermitted(NOT_THE_RAISER)
        if message is None:
            raise Conflict("This can no longer be withdrawn")
        reason = reason.strip() if isinstance(reason, str) else ""
        if not reason:
            raise InvalidSubmission({"reason": "Enter why you are withdrawing it"})
        if len(reason) > MAX_REASON:
            raise InvalidSubmission({"reason": f"Must be {MAX_REASON} characters or fewer"})
        variables = {
            "withdrawal_reason": reason,
            "withdrawn_by": actor.user_id,
            "withdrawn_at_stage": stage,
        }
        return self._deliver_message(
            message, instance_id=instance_id, variables=variables, actor=actor
        )

    def withdrawable(self, instance_ids: list[int], actor: Actor) -> set[int]:
        """Which of these instances the actor may be offered "Withdraw" on: running ones they
        started that wait for a withdrawal message (indexed tables only; ``withdraw`` checks
        the raiser itself)."""
        if not instance_ids:
            return set()
        with self.db.reading() as session:
            query = (
                select(ProcessInstance.id)
                .join(MessageSubscription, MessageSubscription.instance_id == ProcessInstance.id)
                .where(
                    ProcessInstance.id.in_(instance_ids),
                    ProcessInstance.started_by == actor.user_id,
                    MessageSubscription.message_name.in_(WITHDRAWAL_MESSAGES),
                )
            )
            return set(session.scalars(query))

    def _raiser(self, session: Session, instance: ProcessInstance, message: str) -> str | None:
        workflow = self.runtime.load(session, instance)
        for task in workflow.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            if getattr(definition, "name", None) == message:
                return task.data.get("raiser") or instance.started_by
        return instance.started_by


def waiting_withdrawal(session: Session, instance_id: int) -> str | None:
    """The withdrawal message the instance waits for now, if any."""
    return queries.waiting_for(session, instance_id, WITHDRAWAL_MESSAGES)


def ensure_may_send(name: str, actor: Actor | None) -> None:
    """A withdrawal message goes only through ``withdraw`` (or from the engine itself)."""
    if name in WITHDRAWAL_MESSAGES and actor is not None and not actor.system:
        raise NotPermitted(f"{NOT_THE_RAISER}: use Withdraw on the case or its process page")

"""Reporting an immediate risk at any moment of a matter one takes part in.

DOMAIN.md section 1: immediate risk of significant harm "can be raised at any stage, not only
at the start; protection action never waits for the ladder". A form may ask, but from stage 2
on the practitioners who see the family have no open form; so a process offers this action by
catching the message ``immediate_risk_reported`` (``RISK_MESSAGES``) on a non-interrupting
boundary event, which stays subscribed (``engine.dialect.boundary_events``): every report is
routed. The message carries ``risk_to`` (child, adult or both), ``risk_who`` (the person's
name), ``risk_details``, ``risk_stage`` (the furthest stage of the open tasks) and
``risk_reported_by``.

Who may send it: a party to the matter - whoever started it, and anyone who holds, is named
on or has completed one of its tasks (indexed tables only). Nobody may deliver the message any
other way (``ensure_may_send``). A mixin of ``Engine``: one transaction per call.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import access, queries
from ..actors import Actor
from ..errors import Conflict, InvalidSubmission, NotPermitted
from ..models import HumanTask, MessageSubscription, ProcessInstance
from ..runtime import InstanceRef

RISK_MESSAGES = ("immediate_risk_reported",)
RISK_TO = {
    "child": "A child or an unborn baby",
    "adult": "An adult",
    "both": "Both a child and an adult",
}
MAX_DETAILS, MAX_NAME = 4000, 200
NOT_A_PARTY = "Only someone taking part in this can report an immediate risk on it"


class RiskReportOperations:
    """A party's report of an immediate risk on a running instance."""

    def report_immediate_risk(
        self, instance_id: int, actor: Actor, risk_to, risk_who, risk_details
    ) -> InstanceRef:
        """Send the instance's risk message as a party: NotFound if they cannot see it,
        NotPermitted for anyone else, Conflict when it waits for none, InvalidSubmission
        naming each missing answer - in that order, so nothing is revealed early."""
        with self.db.reading() as session:
            instance = access.visible_instance(session, instance_id, actor)
            parties = parties_to(session, [instance.id]).get(instance.id, set())
            message = queries.waiting_for(session, instance.id, RISK_MESSAGES)
            stage = queries.stage_reached(session, instance.id)
        if actor.system or actor.user_id not in parties:
            raise NotPermitted(NOT_A_PARTY)
        if message is None:
            raise Conflict(
                "This is no longer running: report the risk to MASH or adult social care directly"
            )
        answers = checked_report(risk_to, risk_who, risk_details)
        variables = {**answers, "risk_stage": stage, "risk_reported_by": actor.user_id}
        return self._deliver_message(
            message, instance_id=instance_id, variables=variables, actor=actor
        )

    def risk_reportable(self, instance_ids: list[int], actor: Actor) -> set[int]:
        """Which of these instances the actor may be offered "Report an immediate risk" on."""
        if not instance_ids or actor.system:
            return set()
        with self.db.reading() as session:
            waiting = select(MessageSubscription.instance_id).where(
                MessageSubscription.instance_id.in_(instance_ids),
                MessageSubscription.message_name.in_(RISK_MESSAGES),
            )
            ids = list(session.scalars(waiting))
            parties = parties_to(session, ids)
        return {i for i in ids if actor.user_id in parties.get(i, set())}


def checked_report(risk_to, risk_who, risk_details) -> dict:
    """The three answers, stripped; InvalidSubmission naming each one missing or too long."""
    answers = {
        "risk_to": risk_to.strip() if isinstance(risk_to, str) else "",
        "risk_who": risk_who.strip() if isinstance(risk_who, str) else "",
        "risk_details": risk_details.strip() if isinstance(risk_details, str) else "",
    }
    errors = {}
    if answers["risk_to"] not in RISK_TO:
        errors["risk_to"] = "Say who is at risk: a child (or unborn baby), an adult, or both"
    if not answers["risk_who"]:
        errors["risk_who"] = "Name the person at risk, so the duty worker knows who to protect"
    elif len(answers["risk_who"]) > MAX_NAME:
        errors["risk_who"] = f"Must be {MAX_NAME} characters or fewer"
    if not answers["risk_details"]:
        errors["risk_details"] = "Say what the risk is, so MASH or adult social care can act on it"
    elif len(answers["risk_details"]) > MAX_DETAILS:
        errors["risk_details"] = f"Must be {MAX_DETAILS} characters or fewer"
    if errors:
        raise InvalidSubmission(errors)
    return answers


def parties_to(session: Session, instance_ids: list[int]) -> dict[int, set[str]]:
    """Each instance's parties: its starter, and whoever holds, is named on or completed one
    of its tasks."""
    if not instance_ids:
        return {}
    found: dict[int, set[str]] = {}
    starters = select(ProcessInstance.id, ProcessInstance.started_by).where(
        ProcessInstance.id.in_(instance_ids)
    )
    for instance_id, started_by in session.execute(starters):
        found[instance_id] = {started_by} if started_by else set()
    tasks = select(
        HumanTask.instance_id, HumanTask.assignee, HumanTask.completed_by, HumanTask.candidate_users
    ).where(
        HumanTask.instance_id.in_(instance_ids),
        or_(
            HumanTask.assignee.is_not(None),
            HumanTask.completed_by.is_not(None),
            HumanTask.candidate_users.is_not(None),
        ),
    )
    for instance_id, assignee, completed_by, candidates in session.execute(tasks):
        people = found.setdefault(instance_id, set())
        people.update(p for p in (assignee, completed_by, *(candidates or [])) if p)
    return found


def ensure_may_send(name: str, actor: Actor | None) -> None:
    """A risk report goes only through ``report_immediate_risk`` (or from the engine itself)."""
    if name in RISK_MESSAGES and actor is not None and not actor.system:
        raise NotPermitted(f"{NOT_A_PARTY}: use Report an immediate risk on its page")

"""Drives the joint-assessment processes on a real family case, as named people of agencies."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine import queries
from engine.actors import Actor
from engine.agencies import groups_for
from engine.models import ProcessInstance
from engine.workdays import to_local
from notifications.models import OutboxNotification

from .helpers import Person

NO_EXCEPTION = {
    "statutory_duty": "no",
    "seeking_consent_increases_risk": "no",
    "would_prejudice_crime": "no",
    "would_delay_investigation": "no",
    "consent_unobtainable": "no",
    "safeguarding_purpose": "no",
    "safety_at_risk": "no",
    "telling_unsafe": "no",
    "can_consent": "yes",  # an adult is assumed to have capacity (MCA)
}
CONSENT_GIVEN = {**NO_EXCEPTION, "consent": "given"}
CONSENT_REFUSED = {**NO_EXCEPTION, "consent": "refused"}
CONSENT_POSITION = "Record the consent position before sharing information"
JOINT_ASSESSMENT = "Complete the joint risk assessment"
AUTHORISE = "Authorise the joint risk assessment"


def assess_jointly(social_worker: Person, risk_level: str, **answers) -> None:
    """Complete the joint-risk-assessment call activity's form (pre-birth and return home)."""
    blank = dict.fromkeys(("risk_factors", "protective_factors", "family_views"), "-")
    social_worker.complete(
        JOINT_ASSESSMENT, risk_level=risk_level, **{**blank, "recommendation": "-", **answers}
    )


class Family:
    """One case (reference ``ref``) and the people working with it."""

    def __init__(self, scenario, engine, clock, ref: str):
        self.scenario, self.engine, self.clock, self.ref = scenario, engine, clock, ref
        self.instance_id = None

    def person(self, user_id: str, agency: str, *roles: str) -> Person:
        actor = Actor(user_id, groups_for(agency, list(roles)), agency=agency)
        return Person(self.scenario, actor)

    def create(self, members: list[dict], agencies: list[str]) -> Family:
        self.engine.create_case(
            Actor.engine(),
            reference=self.ref,
            family_name="Test",
            members=members,
            involvements=[{"agency": agency} for agency in agencies],
        )
        return self

    def start(self, person: Person, key: str, **variables):
        ref = self.engine.start_on_case(key, self.ref, person.actor, variables=variables)
        self.instance_id = ref.id
        return ref

    def at(self, moment: str) -> int:
        """Move the clock and fire whatever timers are due by then."""
        self.clock.set(moment)
        return self.engine.fire_due_timers()

    def variables(self) -> dict:
        return self.engine.instance_variables(self.instance_id)

    def status(self) -> str:
        with self.engine.db.reading() as session:
            return session.get(ProcessInstance, self.instance_id).status

    def records(self, entry: str | None = None) -> list[dict]:
        with self.engine.db.reading() as session:
            events = queries.case_timeline(session, self.ref)
        found = [e.details for e in events if e.event_type == "case_record"]
        return [r for r in found if entry in (None, r["entry"])]

    def entries(self) -> list[str]:
        return [record["entry"] for record in self.records()]

    def told(self, template: str) -> set[str]:
        with self.engine.db.reading() as session:
            rows = session.scalars(
                select(OutboxNotification).where(OutboxNotification.template == template)
            )
            return {row.recipient for row in rows}

    def due(self, person: Person, task_name: str) -> date:
        return to_local(person.task(task_name).due_at).date()

    def open_tasks(self) -> list[str]:
        with self.engine.db.reading() as session:
            return sorted(t.name for t in queries.active_tasks(session, self.instance_id))

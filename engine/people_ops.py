"""People and case operations of the engine (a mixin of ``Engine``); one transaction each."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from . import access, accounts, cases, ownership, queries, timeline
from .access_audit import CASE_VIEWED, INSTANCE_VIEWED
from .access_audit.trail import may_see_trail
from .actors import Actor
from .agencies import MANAGER_ROLES
from .casework import rules as casework_rules
from .definitions import latest_definition
from .errors import Conflict, NotPermitted
from .models import Definition, ProcessInstance


class StartableProcess(NamedTuple):
    key: str
    name: str
    subject_kind: str | None


class PeopleOperations:
    """Sign-in, API tokens, teams and cases."""

    def create_user(self, **details) -> accounts.User:
        """Add a person (see ``accounts.create_user`` for the checks)."""
        with self.db.unit_of_work() as session:
            return accounts.create_user(session, now=self.clock.now(), **details)

    def authenticate(self, username: str, password: str) -> accounts.User | None:
        """The person with these credentials, or None."""
        with self.db.reading() as session:
            return accounts.authenticate(session, username, password)

    def user(self, user_id: int) -> accounts.User | None:
        """A person by id (for the session)."""
        with self.db.reading() as session:
            return session.get(accounts.User, user_id)

    def user_for_token(self, token: str) -> accounts.User | None:
        """The person an API token belongs to."""
        with self.db.reading() as session:
            return accounts.user_for_token(session, token)

    def issue_token(self, username: str) -> str:
        """A new API token for ``username`` (replaces any earlier one)."""
        with self.db.unit_of_work() as session:
            return accounts.issue_token(session, username)

    def team_of(self, actor: Actor) -> list[accounts.User]:
        """The members of a manager's team (empty for anyone else)."""
        if not actor.has_role(*MANAGER_ROLES):
            return []
        with self.db.reading() as session:
            return accounts.team_members(session, actor.team)

    def create_case(self, actor: Actor, **details) -> cases.FamilyCase:
        """A new family case with members and involved agencies."""
        with self.db.unit_of_work() as session:
            return cases.create_case(
                session, now=self.clock.now(), created_by=actor.user_id, **details
            )

    def case(self, reference: str, actor: Actor, look: bool = True) -> cases.CaseView:
        """A case the actor's agency is involved in (NotFound otherwise); a look unless
        ``look`` is False (the case shown beside a task the person is looking at)."""
        with self.db.reading() as session:
            view = cases.case_view(session, reference, actor)
            view.may_see_access = may_see_trail(session, reference, actor)
            view.may_close = casework_rules.may_close(session, view.case, actor)
        if look:
            self.record_look(actor, CASE_VIEWED, case_ref=reference)
        return view

    def case_exists(self, reference: str) -> bool:
        """Whether a case has this reference (for callers with the database, like the CLI)."""
        with self.db.reading() as session:
            query = select(cases.FamilyCase.id).where(cases.FamilyCase.reference == reference)
            return session.scalar(query) is not None

    def cases(self, actor: Actor) -> list[cases.FamilyCase]:
        """Cases the actor's agency is involved in."""
        with self.db.reading() as session:
            return cases.cases_for(session, actor)

    def case_instances(self, reference: str, actor: Actor) -> list[ProcessInstance]:
        """Processes on a case the actor may see, newest first."""
        with self.db.reading() as session:
            cases.ensure_visible(session, reference, actor)
            return queries.instances_for_case(session, reference, reader=actor)

    def startable_processes(self, actor: Actor) -> list[StartableProcess]:
        """Processes whose ``camunda:candidateStarterGroups`` the actor holds."""
        with self.db.reading() as session:
            keys = session.scalars(
                select(Definition.key).where(Definition.kind == "bpmn").distinct()
            ).all()
            allowed = []
            for key in sorted(keys):
                definition = latest_definition(session, key, "bpmn")
                if actor.has_role(*definition.starter_groups):
                    allowed.append(
                        StartableProcess(key, definition.name or key, definition.subject_kind)
                    )
            return allowed

    def start_on_case(
        self,
        key: str,
        reference: str,
        actor: Actor,
        subject_id: int | None = None,
        variables: dict | None = None,
    ):
        """Start a process on a case the actor can see, if they hold a starter group.

        The process receives the case's facts (``cases.case_variables``) and who started it
        from which agency; ``variables`` may set timescales (``var()`` defaults) but not facts.
        """
        with self.db.reading() as session:
            case = cases.ensure_visible(session, reference, actor)  # first: reveal nothing
            if case.status == cases.CASE_CLOSED:
                raise Conflict(f"Case {reference} is closed: reopen it to start a process on it")
            definition = latest_definition(session, key, "bpmn")
            if definition is None or not actor.has_role(*definition.starter_groups):
                raise NotPermitted(f"You cannot start '{key}'")
            facts = cases.case_variables(session, case, definition.subject_kind, subject_id)
        facts["started_by_agency"] = actor.agency
        return self.start(
            key,
            {**(variables or {}), **facts},
            case_ref=reference,
            business_key=None,
            actor=actor,
            subject_id=facts.get("subject_id"),
        )

    def instance_detail(self, instance_id: int, actor: Actor) -> dict:
        """State, current tasks, waiting timers and messages and history of one instance, as
        far as the actor may read them; its raw variables only for its process owners and
        administrators (None for anyone else)."""
        with self.db.reading() as session:
            instance = access.visible_instance(session, instance_id, actor)
            detail = {
                "instance": instance,
                "tasks": [
                    task
                    for task in queries.active_tasks(session, instance_id)
                    if access.may_see_task(session, task, actor)
                ],
                "timers": queries.timers(session, instance_id),
                "messages": queries.message_waits(session, instance_id),
                "history": queries.history(session, instance_id, reader=actor),
                "position": queries.stage_positions(session, [instance_id]).get(instance_id),
            }
            may_read_variables = ownership.may_administer(session, actor, instance.process_key)
        detail["variables"] = self.instance_variables(instance_id) if may_read_variables else None
        self.record_look(
            actor,
            INSTANCE_VIEWED,
            case_ref=instance.case_ref,
            instance_id=instance.id,
            what=instance.process_name or instance.process_key,
        )
        return detail

    def case_timeline_page(
        self, reference: str, actor: Actor, filters: timeline.TimelineFilters
    ) -> timeline.TimelinePage:
        """One page of what happened on a case, newest first, narrowed by ``filters``."""
        with self.db.reading() as session:
            cases.ensure_visible(session, reference, actor)
            return timeline.timeline_page(session, reference, actor, filters)

    def case_timeline(self, reference: str, actor: Actor) -> list:
        """What happened on a case, oldest first (audit events)."""
        with self.db.reading() as session:
            cases.ensure_visible(session, reference, actor)
            return queries.case_timeline(session, reference, actor)

"""Who may hand a task to someone else: unassigning is reassigning.

A task someone holds may be unassigned or reassigned only by a manager of that person's own
team (same team, same agency). Handing a task to someone needs a manager whose team member
may claim it and whose agency is involved in the case.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts import User, team_members
from ..actors import Actor, may_claim
from ..agencies import MANAGER_ROLES, PARTNERSHIP
from ..cases import cases_involving, involved
from ..errors import NotPermitted
from ..models import HumanTask


def _person(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()


def _same_team(person: User | None, actor: Actor) -> bool:
    return (
        person is not None
        and bool(actor.team)
        and person.team == actor.team
        and person.agency == actor.agency
    )


def ensure_may_reassign(
    session: Session, task: HumanTask, assignee: str | None, actor: Actor
) -> None:
    """NotPermitted unless ``actor`` may take the task from its holder and give it to
    ``assignee`` (None: back to its candidates). The caller has checked the actor sees it."""
    if actor.system:
        return
    if not actor.has_role(*MANAGER_ROLES):
        raise NotPermitted("Only managers can reassign tasks")
    holder = task.assignee
    if holder and holder != actor.user_id and not _same_team(_person(session, holder), actor):
        raise NotPermitted(
            "Only a manager of the team of the person who holds this task can reassign it"
        )
    if assignee is None:
        return
    member = _person(session, assignee)
    if not _same_team(member, actor):
        who = member.display_name if member is not None else "The person you chose"
        raise NotPermitted(f"{who} is not in your team")
    if not (may_claim(task, member.actor()) and involved(session, task.case_ref, member.actor())):
        raise NotPermitted(f"{member.display_name} cannot do this task")


def may_take_from_holder(
    session: Session, task: HumanTask, actor: Actor, people: dict | None = None
) -> bool:
    """Whether ``actor`` is a manager who may take ``task`` from whoever holds it now
    (``people``: holders already read, by username)."""
    if not actor.has_role(*MANAGER_ROLES):
        return False
    holder = task.assignee
    if not holder or holder == actor.user_id:
        return True
    people = {} if people is None else people
    if holder not in people:
        people[holder] = _person(session, holder)
    return _same_team(people[holder], actor)


def eligible_assignees(
    session: Session, tasks: list[HumanTask], actor: Actor
) -> dict[int, list[User]]:
    """Per task the manager may reassign, the people they may hand it to: active members of
    their own team who are its candidates and whose agency is involved in its case. A task
    the manager may not reassign at all has no entry. Reads no workflow: a task's named
    parties (``access.parties``) are refused when chosen. A page of tasks costs a few
    statements however many tasks and cases it shows: the team, its agency's involvement in
    those cases at once, and only then anything one person needs on their own (a holder from
    another team, partnership work, a break-glass window)."""
    if actor.system or not actor.team or not actor.has_role(*MANAGER_ROLES):
        return {}
    team = [u for u in team_members(session, actor.team) if u.agency == actor.agency]
    people = {member.username: member for member in team}
    as_actors = {member.username: member.actor() for member in team}
    agency_cases = (
        cases_involving(session, {task.case_ref for task in tasks}, actor)
        if actor.agency not in (None, PARTNERSHIP)
        else set()
    )
    seen: dict[tuple[str | None, str], bool] = {}

    def may_do(task: HumanTask, member: User) -> bool:
        someone = as_actors[member.username]
        if not may_claim(task, someone):
            return False
        if task.case_ref in agency_cases:
            return True
        key = (task.case_ref, member.username)
        if key not in seen:
            seen[key] = involved(session, task.case_ref, someone)
        return seen[key]

    return {
        task.id: [member for member in team if may_do(task, member)]
        for task in tasks
        if may_take_from_holder(session, task, actor, people)
    }

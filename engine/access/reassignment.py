"""Who may hand a task to someone else: unassigning is reassigning.

A task someone holds may be unassigned or reassigned only by a manager of that person's own
team (same team, same agency). Handing a task to someone needs a manager whose team member
may claim it and whose agency is involved in the case.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts import User
from ..actors import Actor, may_claim
from ..agencies import MANAGER_ROLES
from ..cases import involved
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
        raise NotPermitted(f"{assignee} is not in your team")
    if not (may_claim(task, member.actor()) and involved(session, task.case_ref, member.actor())):
        raise NotPermitted(f"{member.display_name} cannot do this task")

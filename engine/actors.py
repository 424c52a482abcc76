"""Who is acting, and whether they may work on a human task."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import HumanTask


@dataclass(frozen=True)
class Actor:
    """A person (or the system) with the groups they hold; the web layer builds these."""

    user_id: str
    groups: frozenset[str] = field(default_factory=frozenset)
    system: bool = False
    agency: str | None = None
    team: str | None = None
    via: str = "web"  # how they reach us ("web" or "api"): the access audit records it

    @classmethod
    def of(cls, user_id: str, *groups: str, agency: str | None = None) -> Actor:
        """A person in ``groups`` (of ``agency``, when case involvement should be checked)."""
        return cls(user_id, frozenset(groups), agency=agency)

    def has_role(self, *roles: str) -> bool:
        """True when the actor holds any of ``roles`` (the system holds them all)."""
        return self.system or bool(self.groups.intersection(roles))

    @classmethod
    def engine(cls, name: str = "system") -> Actor:
        """The scheduler or the CLI, which may act on any task."""
        return cls(name, frozenset(), system=True)


def may_claim(task: HumanTask, actor: Actor) -> bool:
    """Candidates may claim (whether someone else holds it is a separate conflict): its
    candidate users, holders of its candidate groups, or anyone when nobody is named."""
    if actor.system or actor.user_id in task.candidate_users:
        return True
    if actor.groups.intersection(task.candidate_groups):
        return True
    return not (task.candidate_users or task.candidate_groups)


def may_work_on(task: HumanTask, actor: Actor) -> bool:
    """Whether the actor may open and complete a task.

    An assigned task is its assignee's alone (others claim it only after it is given back,
    or a manager reassigns it); an unassigned one is open to whoever may claim it.
    """
    if task.assignee and not actor.system:
        return task.assignee == actor.user_id
    return may_claim(task, actor)

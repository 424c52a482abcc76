"""Who may see what: cases, process instances and human tasks.

One rule everywhere: what a person may not see does not exist for them. The service layer
answers NotFound with a generic message (no case reference, task name, person or agency), the
same as for an id that was never used, so neither existence nor content is revealed. 403
(NotPermitted) is kept for things the person can see but may not do.

- A case: the agencies involved in it (and the partnership) - ``cases.involved``.
- A process instance on a case: whoever may see the case. Without a case: the person who
  started it, the process's owners and administrators.
- A task: whoever may see its instance, and always the person who holds it or completed it
  (so an agency released from a case keeps sight of its own work there, and nothing new);
  for an instance without a case also the task's own candidates.
- On a case, what a process holds under a sharing decision (``held_by``) is further limited
  to the holding agency and those the decision named (``engine.disclosure``); an unclaimed
  held task is also seen by its candidates, who are to do it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import disclosure, ownership
from ..actors import Actor, may_claim
from ..cases import involved
from ..errors import NotFound
from ..models import HumanTask, ProcessInstance

NO_SUCH_PAGE = "Page not found"
NO_SUCH_TASK = "No such task"


def may_see_instance(session: Session, instance: ProcessInstance, actor: Actor) -> bool:
    """The case's agencies; for an instance without a case its starter and process owners."""
    if actor.system:
        return True
    if instance.case_ref is not None:
        return involved(session, instance.case_ref, actor) and disclosure.may_read(
            session, actor, instance.id, instance.held_by
        )
    if instance.started_by is not None and instance.started_by == actor.user_id:
        return True
    return ownership.may_administer(session, actor, instance.process_key)


def may_see_task(session: Session, task: HumanTask, actor: Actor) -> bool:
    """Whoever may see the task's instance, its holder and completer, and (without a case)
    its candidates."""
    if actor.system or actor.user_id in (task.assignee, task.completed_by):
        return True
    if task.case_ref is not None:
        if not involved(session, task.case_ref, actor):
            return False
        if task.assignee is None and task.held_by is not None and may_claim(task, actor):
            return True
        return disclosure.may_read(session, actor, task.instance_id, task.held_by)
    if may_claim(task, actor):
        return True
    return may_see_instance(session, session.get(ProcessInstance, task.instance_id), actor)


def visible_instance(session: Session, instance_id: int, actor: Actor) -> ProcessInstance:
    """The instance, if the actor may see it; NotFound (saying nothing) otherwise."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None or not may_see_instance(session, instance, actor):
        raise NotFound(NO_SUCH_PAGE)
    return instance


def ensure_may_see_task(session: Session, task: HumanTask | None, actor: Actor) -> HumanTask:
    """The task, if the actor may see it; NotFound (saying nothing) otherwise."""
    if task is None or not may_see_task(session, task, actor):
        raise NotFound(NO_SUCH_TASK)
    return task

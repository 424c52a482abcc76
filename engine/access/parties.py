"""Parties who may not do a user task: a dispute's raiser never decides its escalation.

A user task names them in its ``camunda:properties`` (Camunda Modeler, "Extension properties"):

- ``not_by`` = variables holding usernames (or lists of them), e.g. ``initiator``: the person
  who raised the matter.
- ``not_by_completers_of`` = element ids of earlier user tasks in the same instance; whoever
  completed them took part as a party (e.g. ``stage1``: the practitioner at stage 1).
- ``not_by_reason`` = the message a party is given (a generic one otherwise).

They may not claim it, be assigned it or complete it (403).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotPermitted
from ..models import COMPLETED, HumanTask

NOT_BY = "not_by"
NOT_BY_COMPLETERS_OF = "not_by_completers_of"
NOT_BY_REASON = "not_by_reason"
DEFAULT_REASON = "You are a party to this, so someone else must do it"


def _names(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]


def restricts(properties: dict) -> bool:
    """Does the task name any parties at all? (Only then is its data needed.)"""
    return bool(_names(properties.get(NOT_BY)) or _names(properties.get(NOT_BY_COMPLETERS_OF)))


def parties(session: Session, properties: dict, data: dict, instance_id: int) -> set[str]:
    """The usernames the task's properties exclude, from its data and earlier completions."""
    found: set[str] = set()
    for variable in _names(properties.get(NOT_BY)):
        value = data.get(variable)
        values = value if isinstance(value, list | tuple | set) else [value]
        found.update(v for v in values if isinstance(v, str) and v)
    elements = _names(properties.get(NOT_BY_COMPLETERS_OF))
    if elements:
        query = select(HumanTask.completed_by).where(
            HumanTask.instance_id == instance_id,
            HumanTask.element_id.in_(elements),
            HumanTask.status == COMPLETED,
            HumanTask.completed_by.is_not(None),
        )
        found.update(session.scalars(query))
    return found


def ensure_not_party(username: str, excluded: set[str], properties: dict, acting: bool) -> None:
    """NotPermitted when ``username`` is a party: the task's own reason when they are the one
    acting, a plain one when a manager tries to hand it to them."""
    if username not in excluded:
        return
    if acting:
        raise NotPermitted(properties.get(NOT_BY_REASON) or DEFAULT_REASON)
    raise NotPermitted("The person you chose is a party to this, so it must go to someone else")

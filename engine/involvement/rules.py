"""Who may change which agencies are involved in a case.

A MASH (front door) duty worker, a manager (manager, senior manager or Head of Service) of
children's social care or adult social care, an administrator, and the engine itself (the
CLI's operator). Cases record no lead worker today, so there is no lead-worker rule yet.
Everyone must first be able to see the case (404 otherwise, as everywhere); someone who can
see it but holds none of these roles gets 403.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..actors import Actor
from ..cases import FamilyCase, ensure_visible
from ..errors import NotPermitted

LEAD_AGENCIES = ("childrens-social-care", "adult-social-care")
LEAD_MANAGER_ROLES = ("manager", "senior-manager", "head-of-service")
CHANGER_GROUPS = frozenset(
    {"admin", "mash"}
    | {f"{agency}:{role}" for agency in LEAD_AGENCIES for role in LEAD_MANAGER_ROLES}
)
NOT_PERMITTED = (
    "Only a MASH worker, a children's or adult social care manager or an administrator may "
    "change which agencies are involved in a case"
)


def may_change(actor: Actor) -> bool:
    """Does the actor hold a role that may add or release agencies?"""
    return actor.system or bool(actor.groups & CHANGER_GROUPS)


def ensure_may_change(session: Session, reference: str, actor: Actor) -> FamilyCase:
    """The case, if the actor may change its involvement: NotFound unless they can see it,
    NotPermitted when they can see it but may not change it."""
    case = ensure_visible(session, reference, actor)
    if not may_change(actor):
        raise NotPermitted(NOT_PERMITTED)
    return case

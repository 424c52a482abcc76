"""``disclose_to``: a sharing decision in a diagram lets other agencies read what is held.

A process owner adds, in the "Extension properties" of the element that records a sharing
decision (a service or send task, a throw or end event):

- ``disclose_to`` = agency codes, comma-separated, or an expression giving them
  (``${shared_with if decision != 'do_not_share' else ''}``); empty shares nothing.
- ``disclose_basis`` = why (may contain ``${...}``): the decision and its basis.

When the element runs, each agency may from then on read what the element's holder
(``disclosure_holder``) holds in this instance - what was recorded before the decision too -
in the same transaction as the step, with a ``disclosure_granted`` event on the case.
In a process that records openly there is nothing held, and the property does nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..agencies import AGENCIES
from ..audit import record
from ..errors import ProcessError
from ..models import ProcessInstance
from .models import DisclosureGrant

DISCLOSE_TO, DISCLOSE_BASIS = "disclose_to", "disclose_basis"
MAX_BASIS = 2000


def grant_from_process(
    session: Session, instance: ProcessInstance, effect, now: datetime, actor: str | None
) -> None:
    """Apply one element's ``disclose_to`` (an ``Effect``): grants from its holder."""
    holder = effect.held_by
    if holder is None:
        return
    for agency in effect.disclose_to:
        if agency not in AGENCIES:
            raise ProcessError(
                f"{DISCLOSE_TO} '{agency[:64]}' is not a known agency", effect.element_id
            )
        if agency == holder or _exists(session, instance.id, holder, agency):
            continue
        basis = (effect.disclose_basis or "").strip()[:MAX_BASIS] or None
        session.add(
            DisclosureGrant(
                instance_id=instance.id,
                case_ref=instance.case_ref,
                from_agency=holder,
                to_agency=agency,
                basis=basis,
                element_id=effect.element_id,
                granted_at=now,
                granted_by=actor,
            )
        )
        record(
            session,
            "disclosure_granted",
            actor,
            now,
            instance=instance,
            element_id=effect.element_id,
            task_name=effect.element_name,
            held_by=holder,
            details={"from_agency": holder, "to_agency": agency, "basis": basis},
        )


def _exists(session: Session, instance_id: int, holder: str, agency: str) -> bool:
    query = select(DisclosureGrant.id).where(
        DisclosureGrant.instance_id == instance_id,
        DisclosureGrant.from_agency == holder,
        DisclosureGrant.to_agency == agency,
    )
    return session.scalar(query) is not None

"""Who may create, change and close a case, and the checks every change passes first.

- Create: a person of an agency that works with families (any agency but the safeguarding
  partnership, whose board and business roles oversee cases rather than hold them), or an
  administrator, who names the agency that holds the new case.
- Change the family or the details: anyone who may see the case (404 otherwise, naming
  nothing), while it is open.
- Close or reopen: a manager (manager, senior manager, Head of Service) of an involved agency,
  a worker named on the case, or an administrator.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..actors import Actor
from ..agencies import AGENCIES, PARTNERSHIP
from ..cases import CASE_CLOSED, CaseInvolvement, FamilyCase, ensure_visible
from ..db import is_postgres
from ..disclosure import readable
from ..errors import Conflict, NotPermitted
from ..models import ERROR, RUNNING, ProcessInstance

CLOSER_ROLES = ("manager", "senior-manager", "head-of-service")


class StaleRecord(Conflict):
    """The page was opened before someone else's change: nothing was saved."""

    code = "stale_record"


def may_create(actor: Actor) -> bool:
    """May the actor open a new case?"""
    if actor.system or actor.has_role("admin"):
        return True
    return actor.agency is not None and actor.agency != PARTNERSHIP


def ensure_may_create(actor: Actor) -> None:
    if not may_create(actor):
        raise NotPermitted(
            "Only people of an agency that works with families, or an administrator, may "
            "create a case"
        )


def holder_choices(actor: Actor) -> list[str]:
    """The agencies that may hold a case an administrator (or the engine) creates; empty for
    people of an agency that works with families, whose own agency holds it."""
    if actor.agency and actor.agency != PARTNERSHIP:
        return []
    return [code for code in AGENCIES if code != PARTNERSHIP]


def may_close(session: Session, case: FamilyCase, actor: Actor) -> bool:
    """Manager roles of an involved agency, a named worker, an administrator."""
    if actor.system or actor.has_role("admin"):
        return True
    rows = select(CaseInvolvement).where(CaseInvolvement.case_id == case.id)
    if actor.has_role(*CLOSER_ROLES):
        rows = rows.where(CaseInvolvement.agency == actor.agency)
    else:
        rows = rows.where(CaseInvolvement.worker_username == actor.user_id)
    return bool(session.scalar(select(exists(rows))))


def locked_case(session: Session, reference: str, actor: Actor) -> FamilyCase:
    """The case, if the actor may see it (NotFound otherwise), locked against other writers
    (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite writers are serialised already)."""
    case = ensure_visible(session, reference, actor)
    if is_postgres(session):
        session.refresh(case, with_for_update=True)
    return case


def ensure_open(case: FamilyCase) -> None:
    if case.status == CASE_CLOSED:
        raise Conflict(f"Case {case.reference} is closed: reopen it before changing it")


def ensure_current(row, expected: object, what: str) -> None:
    """StaleRecord when the page's ``expected`` version is not the row's (None: not checked)."""
    if expected in (None, ""):
        return
    if str(expected) != str(row.version):
        raise StaleRecord(
            f"Someone else changed {what} after you opened this page, so nothing was saved. "
            "Check what is recorded now, then make your change again."
        )


def open_processes(
    session: Session, case: FamilyCase, actor: Actor, subject_id: int | None = None
) -> tuple[int, int]:
    """(how many processes on the case that have not ended the actor may read, how many
    there are), of those about one member when ``subject_id`` is given. Refusals count only
    what the actor may read: work another agency holds is refused without a number or a name."""
    query = select(ProcessInstance.id, readable(ProcessInstance, actor)).where(
        ProcessInstance.case_ref == case.reference, ProcessInstance.status.in_((RUNNING, ERROR))
    )
    if subject_id is not None:
        query = query.where(ProcessInstance.subject_id == subject_id)
    shown = [bool(may_read) for _id, may_read in session.execute(query)]
    return sum(shown), len(shown)

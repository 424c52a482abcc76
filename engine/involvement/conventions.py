"""``involve_agency``: a process involves an agency in its case, in the step's transaction.

A process owner adds, in Camunda Modeler's "Extension properties" panel of a service task,
send task or throw/end event (or with the "Involve agency in case" element template):

- ``involve_agency`` = an agency code (``childrens-social-care``) or an expression
  (``${other_agency}``) evaluated on the task's data through the expression sandbox.
- ``involve_reason`` = why (may contain ``${...}``); without it the reason names the step.

When the element runs, the agency joins the instance's case (``service.join``) with history
and an ``involvement_joined`` audit event, in the same transaction as the step, so the tasks
the process creates next are visible to that agency. Already involved: nothing changes. An
instance without a case involves nobody. Deployment refuses a literal that is not a known
agency and an expression that does not compile (element and line named).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..agencies import AGENCIES
from ..cases import FamilyCase
from ..errors import ProcessError
from ..models import ProcessInstance
from . import service

INVOLVE_AGENCY, INVOLVE_REASON = "involve_agency", "involve_reason"


def involve_from_process(
    session: Session,
    instance: ProcessInstance,
    effect,
    now: datetime,
    actor: str | None,
) -> None:
    """Apply one element's ``involve_agency`` (an ``Effect``) to the instance's case."""
    agency = (effect.involve_agency or "").strip()
    if not agency or instance.case_ref is None:
        return
    if agency not in AGENCIES:
        raise ProcessError(
            f"{INVOLVE_AGENCY} '{agency[:64]}' is not a known agency", effect.element_id
        )
    case = session.scalars(select(FamilyCase).where(FamilyCase.reference == instance.case_ref))
    case = case.first()
    if case is None or agency in service.current_agencies(session, case):
        return
    step = effect.element_name or effect.element_id
    reason = (effect.involve_reason or "").strip() or f"Involved by the process at '{step}'"
    change = service.Change(
        actor, now, reason[: service.MAX_REASON], "process", instance, effect.element_id
    )
    service.join(session, case, agency, change)


def check_properties(tree, filename: str) -> Iterator:
    """Deploy-time problems: a literal ``involve_agency`` that is not a known agency.

    (Every ``${...}`` in a ``camunda:property``, these included, is compiled by the parser's
    own property check, which names the element and line.)"""
    from ..validation import NS, problem_at

    for prop in tree.iterfind(f".//camunda:property[@name='{INVOLVE_AGENCY}']", NS):
        value = (prop.get("value") or "").strip()
        if "${" not in value and value not in AGENCIES:
            known = ", ".join(sorted(AGENCIES))
            yield problem_at(
                filename, prop, f"{INVOLVE_AGENCY} '{value}' is not a known agency ({known})"
            )

"""A case created whole, with its family, agencies, carers and protective factors: the demo's
(``engine.demo``) and the tests' way in. People create cases through ``records.create``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..cases import CaseInvolvement, FamilyCase, FamilyMember
from ..involvement.models import InvolvementPeriod
from .models import CaringRelationship, ProtectiveFactor

CREATED_REASON = "Recorded when the case was created"


def create_case(
    session: Session,
    *,
    reference: str,
    family_name: str,
    now: datetime,
    created_by: str | None,
    summary: str | None = None,
    members: list[dict] = (),
    involvements: list[dict] = (),
    caring: list[dict] = (),
    protective: list[dict] = (),
) -> FamilyCase:
    """A case with its members and involved agencies (each with its first history row);
    ``caring`` and ``protective`` name members by name (the demo's family)."""
    case = FamilyCase(
        reference=reference,
        family_name=family_name,
        summary=summary,
        created_at=now,
        created_by=created_by,
    )
    session.add(case)
    session.flush()
    rows = [FamilyMember(case_id=case.id, **member) for member in members]
    session.add_all(rows)
    session.flush()
    named = {row.name: row.id for row in rows}
    for care in caring:
        carer, cared = named[care["carer"]], named[care["cared_for"]]
        session.add(
            CaringRelationship(
                case_id=case.id,
                carer_id=carer,
                cared_for_id=cared,
                care=care["care"],
                recorded_at=now,
                recorded_by=created_by,
            )
        )
    for factor in protective:
        member_id = named.get(factor.get("rests_on"))
        session.add(
            ProtectiveFactor(
                case_id=case.id,
                description=factor["description"],
                member_id=member_id,
                recorded_at=now,
                recorded_by=created_by,
            )
        )
    for involvement in involvements:
        session.add(CaseInvolvement(case_id=case.id, case_ref=reference, **involvement))
        session.add(
            InvolvementPeriod(
                case_id=case.id,
                case_ref=reference,
                joined_at=now,
                joined_by=created_by,
                join_reason=CREATED_REASON,
                **involvement,
            )
        )
    return case

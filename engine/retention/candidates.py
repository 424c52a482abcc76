"""What is due for purging, read from indexed columns only (no workflow is ever loaded).

Instances: per definition version (few rows), the ended instances whose end time plus that
version's time to live has passed, ``(definition_id, status, ended_at)``. Cases: closed cases
of each type past their years, ``(status, closed_at)``, with no unfinished instance. Neither
includes anything on a case under a legal hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from ..cases import CASE_CLOSED, FamilyCase
from ..models import CANCELLED, ENDED, Definition, ProcessInstance
from .models import LegalHold
from .policy import RetentionPolicy, add_years, subtract_years

FINISHED = (ENDED, CANCELLED)
INSTANCE, CASE = "instance", "case"


@dataclass(frozen=True)
class Due:
    """One thing the policy removes: its kind, id, report key, end or close time and rule."""

    kind: str
    id: int
    key: str
    ended_at: datetime
    removal_at: datetime
    rule: str


def held_cases():
    """A subquery of the references of cases under a legal hold now."""
    return select(LegalHold.case_ref).where(LegalHold.lifted_at.is_(None))


def _on_no_case(column):
    """An instance on a case is part of the case's record: kept while the case is (open,
    closed or held) and purged with it by the case type's rule; historyTimeToLive applies to
    instances on no case, or on one already purged."""
    return or_(column.is_(None), column.not_in(select(FamilyCase.reference)))


def _ttl_rules(session: Session, policy: RetentionPolicy) -> list[tuple[int, str, int, str]]:
    rows = session.execute(
        select(Definition.id, Definition.key, Definition.version, Definition.history_ttl_days)
        .where(Definition.kind == "bpmn")
        .order_by(Definition.id)
    )
    rules = []
    for definition_id, key, version, ttl in rows:
        days, why = policy.ttl_rule(ttl)
        if days is not None:
            rules.append((definition_id, f"{key} v{version}", days, why))
    return rules


def due_instances(
    session: Session, policy: RetentionPolicy, until: datetime, limit: int
) -> list[Due]:
    """Ended instances whose removal time is at or before ``until``, oldest first."""
    found: list[Due] = []
    for definition_id, name, days, why in _ttl_rules(session, policy):
        query = (
            select(ProcessInstance.id, ProcessInstance.process_key, ProcessInstance.ended_at)
            .where(
                ProcessInstance.definition_id == definition_id,
                ProcessInstance.status.in_(FINISHED),
                ProcessInstance.ended_at <= until - timedelta(days=days),
                _on_no_case(ProcessInstance.case_ref),
            )
            .order_by(ProcessInstance.ended_at)
            .limit(limit - len(found))
        )
        for instance_id, key, ended_at in session.execute(query):
            rule = f"{why} ({name})"
            removal = ended_at + timedelta(days=days)
            found.append(
                Due(INSTANCE, instance_id, f"{instance_id} {key}", ended_at, removal, rule)
            )
        if len(found) >= limit:
            break
    return sorted(found, key=lambda due: due.removal_at)


def due_cases(session: Session, policy: RetentionPolicy, until: datetime, limit: int) -> list[Due]:
    """Closed cases past their type's years at ``until``, with no unfinished instance."""
    unfinished = exists().where(
        ProcessInstance.case_ref == FamilyCase.reference,
        ProcessInstance.status.not_in(FINISHED),
    )
    found: list[Due] = []
    for case_type, years in sorted(policy.case_years.items()):
        query = (
            select(FamilyCase.id, FamilyCase.reference, FamilyCase.closed_at)
            .where(
                FamilyCase.status == CASE_CLOSED,
                FamilyCase.case_type == case_type,
                FamilyCase.closed_at <= subtract_years(until, years),
                FamilyCase.reference.not_in(held_cases()),
                ~unfinished,
            )
            .order_by(FamilyCase.closed_at)
            .limit(limit - len(found))
        )
        for case_id, reference, closed_at in session.execute(query):
            removal = add_years(closed_at, years)
            rule = policy.case_rule(case_type)
            found.append(Due(CASE, case_id, reference, closed_at, removal, rule))
        if len(found) >= limit:
            break
    return sorted(found, key=lambda due: due.removal_at)

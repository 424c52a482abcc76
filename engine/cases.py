"""Family cases: who is in the family, their vulnerabilities, and which agencies are involved."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, exists, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import break_glass, partnership
from .actors import Actor
from .agencies import ADULT_SERVICES, PARTNERSHIP
from .casework.models import CaringRelationship, ProtectiveFactor
from .db import Base, session_now
from .errors import InvalidSubmission, NotFound

VULNERABILITIES = {
    "domestic-abuse": "Domestic abuse",
    "parental-mental-ill-health": "Parental or familial mental ill-health",
    "learning-disability": "Learning disability",
    "substance-misuse": "Substance misuse",
    "sexual-exploitation": "Sexual exploitation",
}
# What a case is about; retention (how long a closed case is kept) is set per case type.
CASE_TYPES = {
    "family": "Family with children (children's services)",
    "adult": "Adult with care and support needs",
}
CASE_OPEN, CASE_CLOSED = "open", "closed"
MEMBER_KINDS = {"adult": "Adult", "child": "Child", "unborn": "Unborn baby"}
# the date a process on a member of each kind counts from
KEY_DATES = {"unborn": "expected_due_date", "child": "date_of_birth", "adult": "date_of_birth"}


class FamilyCase(Base):
    """A family known to the partnership, under one case reference."""

    __tablename__ = "family_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    family_name: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str | None] = mapped_column(Text)
    case_type: Mapped[str] = mapped_column(String(32), default="family")
    status: Mapped[str] = mapped_column(String(12), default=CASE_OPEN, index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(64))
    # bumped by every change to the case's details (engine.casework: a stale page is refused)
    version: Mapped[int] = mapped_column(default=1)


class FamilyMember(Base):
    """An adult, child or unborn baby in the household."""

    __tablename__ = "family_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("family_case.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))
    relationship: Mapped[str | None] = mapped_column(String(64))
    date_of_birth: Mapped[date | None]
    expected_due_date: Mapped[date | None]
    vulnerabilities: Mapped[list] = mapped_column(default=list)
    school: Mapped[str | None] = mapped_column(String(255))
    gp: Mapped[str | None] = mapped_column(String(255))
    young_carer: Mapped[bool] = mapped_column(default=False)  # a child who cares for someone
    version: Mapped[int] = mapped_column(default=1)  # as FamilyCase.version


class CaseInvolvement(Base):
    """An agency (and its named worker) involved with a case; the basis of who may see it."""

    __tablename__ = "case_involvement"
    __table_args__ = (Index(None, "agency", "case_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("family_case.id"), index=True)
    case_ref: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str] = mapped_column(String(64))
    worker_username: Mapped[str | None] = mapped_column(String(64))
    worker_name: Mapped[str | None] = mapped_column(String(255))


@dataclass
class CaseView:
    """A case with its family and agencies, ready for a page."""

    case: FamilyCase
    members: list[FamilyMember]
    involvements: list[CaseInvolvement]
    caring: list[CaringRelationship] = field(default_factory=list)
    protective: list[ProtectiveFactor] = field(default_factory=list)
    may_see_access: bool = False  # may open "who has seen this case" (engine.access_audit)
    may_close: bool = False  # may close or reopen it (engine.casework.rules)

    def member(self, member_id: int | None) -> FamilyMember | None:
        """The member with this id (None when there is none)."""
        return next((m for m in self.members if m.id == member_id), None)

    @property
    def agencies(self) -> list[tuple[str, list[str]]]:
        """Each involved agency once, in the order it joined, with its named workers."""
        named: dict[str, list[str]] = {}
        for row in self.involvements:
            workers = named.setdefault(row.agency, [])
            if row.worker_name:
                workers.append(row.worker_name)
        return list(named.items())


def involved(session: Session, case_ref: str | None, actor: Actor) -> bool:
    """May this actor see the case as an involved agency's people do?

    Their agency is involved in it now; or, for the partnership's people (who are no agency
    of the family's), work on it is given to them (``engine.partnership``); or they have a
    break-glass window open on it (``engine.break_glass``). Engine callers and people
    without an agency always may; so may anyone for an instance without a case."""
    if actor.system or actor.agency is None or case_ref is None:
        return True
    if actor.agency == PARTNERSHIP:
        if partnership.has_work_on(session, case_ref, actor):
            return True
    elif session.scalar(
        select(
            exists().where(
                CaseInvolvement.case_ref == case_ref, CaseInvolvement.agency == actor.agency
            )
        )
    ):
        return True
    return break_glass.is_open(session, case_ref, actor)


def cases_involving(session: Session, case_refs: set, actor: Actor) -> set[str]:
    """Which of ``case_refs`` the actor's agency is involved in now (one statement for all)."""
    wanted = [ref for ref in case_refs if ref is not None]
    if not wanted:
        return set()
    return set(session.scalars(involved_cases(actor).where(CaseInvolvement.case_ref.in_(wanted))))


def involved_cases(actor: Actor):
    """A subquery of the case references the actor's agency is involved in."""
    return select(CaseInvolvement.case_ref).where(CaseInvolvement.agency == actor.agency)


def visible_cases(session: Session, actor: Actor):
    """A condition on ``FamilyCase``: the cases ``involved`` lets the actor see now."""
    if actor.agency == PARTNERSHIP:
        mine = FamilyCase.reference.in_(select(partnership.worked_cases(actor)))
    else:
        mine = FamilyCase.reference.in_(involved_cases(actor))
    glass = FamilyCase.reference.in_(break_glass.rules.open_cases(actor, session_now(session)))
    return or_(mine, glass)


def ensure_visible(session: Session, reference: str, actor: Actor) -> FamilyCase:
    """The case, if the actor may see it; NotFound otherwise (its existence is not revealed)."""
    case = session.scalars(select(FamilyCase).where(FamilyCase.reference == reference)).first()
    if case is None or not involved(session, reference, actor):
        raise NotFound("Page not found")
    return case


def case_view(session: Session, reference: str, actor: Actor) -> CaseView:
    """A case the actor may see, with its family and agencies (NotFound otherwise)."""
    case = ensure_visible(session, reference, actor)
    members = session.scalars(
        select(FamilyMember).where(FamilyMember.case_id == case.id).order_by(FamilyMember.id)
    )
    involvements = session.scalars(
        select(CaseInvolvement)
        .where(CaseInvolvement.case_id == case.id)
        .order_by(CaseInvolvement.id)
    )
    caring = select(CaringRelationship).where(CaringRelationship.case_id == case.id)
    protective = select(ProtectiveFactor).where(ProtectiveFactor.case_id == case.id)
    return CaseView(
        case,
        list(members),
        list(involvements),
        caring=list(session.scalars(caring.order_by(CaringRelationship.id))),
        protective=list(session.scalars(protective.order_by(ProtectiveFactor.id))),
    )


def members_of_kind(session: Session, case: FamilyCase, kind: str) -> list[FamilyMember]:
    """The case's members of one kind (e.g. the unborn babies), in the order recorded."""
    query = select(FamilyMember).where(FamilyMember.case_id == case.id, FamilyMember.kind == kind)
    return list(session.scalars(query.order_by(FamilyMember.id)))


def case_variables(
    session: Session, case: FamilyCase, subject_kind: str | None, subject_id: int | None
) -> dict:
    """What a process started on this case knows from the start: the family's involved
    agencies, the vulnerability factors recorded for its adults and, for a process about one
    member, who that is and the date it counts from."""
    agencies = list(
        session.scalars(
            select(CaseInvolvement.agency)
            .where(CaseInvolvement.case_id == case.id)
            .order_by(CaseInvolvement.id)
        )
    )
    adults = members_of_kind(session, case, "adult")
    variables = {
        "case_ref": case.reference,
        "family_name": case.family_name,
        "involved_agencies": agencies,
        "adult_services": [agency for agency in agencies if agency in ADULT_SERVICES],
        # the household factors only (an adult's own factors are not co-existing household ones)
        "adult_vulnerabilities": sorted(
            {v for adult in adults for v in adult.vulnerabilities or [] if v in VULNERABILITIES}
        ),
    }
    if subject_kind:
        subject = _subject(session, case, subject_kind, subject_id)
        key_date = KEY_DATES[subject_kind]
        variables.update(
            subject_id=subject.id,
            subject_name=subject.name,
            **{key_date: getattr(subject, key_date)},
        )
    return variables


def _subject(session: Session, case: FamilyCase, kind: str, subject_id: int | None) -> FamilyMember:
    candidates = members_of_kind(session, case, kind)
    kind_name = MEMBER_KINDS[kind].lower()
    if subject_id is not None:
        candidates = [member for member in candidates if member.id == subject_id]
    if not candidates:
        raise InvalidSubmission({"subject": f"The case has no {kind_name} for this process"})
    if len(candidates) > 1:
        raise InvalidSubmission({"subject": f"Choose which {kind_name} the process is about"})
    subject, key_date = candidates[0], KEY_DATES[kind]
    if getattr(subject, key_date) is None:
        what = key_date.replace("_", " ")
        raise InvalidSubmission({"subject": f"Record {subject.name}'s {what} on the case first"})
    return subject


def cases_for(session: Session, actor: Actor, limit: int = 100) -> list[FamilyCase]:
    """Cases the actor may see (``involved``), newest first."""
    query = select(FamilyCase)
    if not (actor.system or actor.agency is None):
        query = query.where(visible_cases(session, actor))
    return list(session.scalars(query.order_by(FamilyCase.id.desc()).limit(limit)))


# create_case lives with the rest of casework; imported last, as it needs this module's models
from .casework.seed import create_case  # noqa: E402, F401

"""The agencies of a local safeguarding partnership, and the roles people hold in them."""

from __future__ import annotations

AGENCIES = {
    "childrens-social-care": "Children's social care",
    "adult-mental-health": "Adult mental health",
    "drug-and-alcohol": "Drug and alcohol service",
    "adult-social-care": "Adult social care",
    "learning-disability": "Adult learning disability",
    "health-visiting": "Health visiting",
    # NHS community health and the integrated care board: continuing healthcare (transition)
    "health": "Health (NHS community health and continuing healthcare)",
    "midwifery": "Midwifery",
    "probation": "Probation",
    "youth-offending": "Youth offending",
    "police": "Police",
    "education": "Education",
    "early-help": "Early help",
    "domestic-abuse": "Domestic abuse service",
    "safeguarding-partnership": "Safeguarding partnership",
}
# The partnership is no agency of the family's: its people see a case only through work given
# to them there or a break-glass window (engine.partnership, engine.break_glass).
PARTNERSHIP = "safeguarding-partnership"
# Services for adults that contribute to a child's joint assessment (Torbay s7.1, s8.1).
ADULT_SERVICES = (
    "adult-mental-health",
    "drug-and-alcohol",
    "adult-social-care",
    "learning-disability",
    "probation",
    "domestic-abuse",
)

ROLES = {
    "practitioner": "Practitioner",
    "manager": "Manager",
    "senior-manager": "Senior manager",
    "head-of-service": "Head of Service",
    "process-owner": "Process owner",
    "admin": "Administrator",
    # duties that processes assign work to
    "mash": "MASH (front door) duty worker",
    "board-chair": "Safeguarding partnership chair",
    "partnership-business-manager": "Partnership business manager",
    "conference-chair": "Child protection conference chair (independent of the case)",
    "iro": "Independent Reviewing Officer (IRO)",
    "nominated-officer": "Nominated Officer (approves a s20 child leaving care after 20+ WD)",
    "dcs": "Director of Children's Services",
    "dass": "Director of Adult Social Services",
    "named-midwife": "Named safeguarding midwife",
}
MANAGER_ROLES = frozenset({"manager", "senior-manager", "head-of-service", "board-chair"})


def groups_for(agency: str, roles: list[str], team: str | None = None) -> frozenset[str]:
    """The candidate groups a person holds: each role, each role within their agency, and
    ``team:<code>`` for their team (its queue, where a leaver's tasks are handed over)."""
    held = frozenset(roles) | frozenset(f"{agency}:{role}" for role in roles)
    return held | {team_group(team)} if team else held


def team_group(team: str) -> str:
    """The candidate group of a team's queue."""
    return f"team:{team}"


def agency_name(code: str | None) -> str:
    """An agency's display name (the code itself when unknown)."""
    return AGENCIES.get(code or "", code or "")

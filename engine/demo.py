"""Demo data: one person per agency and role, and two family cases, so the app can be tried.

Every demo account's password is ``DEMO_PASSWORD`` (documented in the README). Running it
again changes nothing that already exists.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from .accounts import User
from .actors import Actor
from .agencies import groups_for
from .cases import FamilyCase
from .models import Definition
from .people.models import Team

DEMO_PASSWORD = "joinedup-demo-2026"  # noqa: S105 - documented demo credential
DEMO_CASE = "DEMO-001"
LOOKED_AFTER_CASE = "DEMO-002"

PEOPLE = [
    # username, name, agency, roles, team
    ("pat", "Pat Practitioner", "adult-mental-health", ["practitioner"], "amh-north"),
    ("amy", "Amy Manager", "adult-mental-health", ["manager"], "amh-north"),
    # the rungs above a professional difference for adult mental health (Torbay s13)
    ("sue", "Sue Senior Manager", "adult-mental-health", ["senior-manager"], None),
    ("hal", "Hal Head of Service", "adult-mental-health", ["head-of-service"], None),
    ("sam", "Sam Social Worker", "childrens-social-care", ["practitioner"], "csc-east"),
    ("cal", "Cal Team Manager", "childrens-social-care", ["manager"], "csc-east"),
    ("mia", "Mia MASH Worker", "childrens-social-care", ["practitioner", "mash"], "mash"),
    ("sen", "Sen Senior Manager", "childrens-social-care", ["senior-manager"], None),
    ("hos", "Hana Head of Service", "childrens-social-care", ["head-of-service"], None),
    ("dan", "Dan Recovery Worker", "drug-and-alcohol", ["practitioner"], None),
    ("ash", "Ash Adult Social Worker", "adult-social-care", ["practitioner"], None),
    ("lee", "Lee Learning Disability Nurse", "learning-disability", ["practitioner"], None),
    ("hv", "Holly Health Visitor", "health-visiting", ["practitioner"], None),
    ("mo", "Mo Midwife", "midwifery", ["practitioner"], None),
    ("pete", "Pete Probation Officer", "probation", ["practitioner"], None),
    ("yas", "Yas Youth Offending Worker", "youth-offending", ["practitioner"], None),
    ("pc", "PC Parker", "police", ["practitioner"], None),
    ("eve", "Eve Designated Safeguarding Lead", "education", ["practitioner"], None),
    ("ella", "Ella Early Help Worker", "early-help", ["practitioner"], None),
    ("chair", "Chris Partnership Chair", "safeguarding-partnership", ["board-chair"], None),
    (
        "pbm",
        "Pam Business Manager",
        "safeguarding-partnership",
        ["partnership-business-manager"],
        None,
    ),
    ("owner", "Olu Process Owner", "safeguarding-partnership", ["process-owner"], None),
    ("admin", "Ade Administrator", "safeguarding-partnership", ["admin"], None),
    # the roles DOMAIN.md section 10 lists that return home, conferences and pre-birth need
    ("ira", "Ira Independent Reviewing Officer", "childrens-social-care", ["iro"], None),
    ("nora", "Nora Nominated Officer", "childrens-social-care", ["nominated-officer"], None),
    ("dee", "Dee Director of Children's Services", "childrens-social-care", ["dcs"], None),
    ("dax", "Dax Director of Adult Social Services", "adult-social-care", ["dass"], None),
    ("cora", "Cora Conference Chair", "childrens-social-care", ["conference-chair"], None),
    ("nell", "Nell Named Midwife", "midwifery", ["named-midwife"], None),
    ("amal", "Amal Adult Social Care Manager", "adult-social-care", ["manager"], None),
    ("hasc", "Hope Head of Adult Social Care", "adult-social-care", ["head-of-service"], None),
    ("hhv", "Hal Head of Health Visiting", "health-visiting", ["head-of-service"], None),
    # NHS continuing healthcare screening at 16-17 (transition to adulthood)
    ("nina", "Nina Continuing Healthcare Nurse", "health", ["practitioner"], None),
    ("hugo", "Hugo Health Team Manager", "health", ["manager"], None),
]

TEAMS = [
    # code, name, agency, manager
    ("amh-north", "Adult mental health north", "adult-mental-health", "amy"),
    ("csc-east", "Children's social care east", "childrens-social-care", "cal"),
    ("mash", "Multi-agency safeguarding hub (MASH)", "childrens-social-care", "cal"),
]
# line managers: a leaver's tasks go to their manager's team queue
MANAGERS = {"pat": "amy", "sam": "cal", "mia": "cal"}

FAMILY = {
    "reference": DEMO_CASE,
    "family_name": "Taylor",
    "summary": "Mother pregnant; parental mental ill-health and substance misuse; history of "
    "domestic abuse. Ruby (7) attends Bay Primary.",
    "members": [
        {
            "name": "Jade Taylor",
            "kind": "adult",
            "relationship": "Mother",
            "date_of_birth": date(1996, 2, 14),
            "vulnerabilities": ["parental-mental-ill-health", "substance-misuse"],
        },
        {
            "name": "Liam Brooks",
            "kind": "adult",
            "relationship": "Partner",
            "date_of_birth": date(1993, 9, 3),
            "vulnerabilities": ["domestic-abuse"],
        },
        {
            "name": "Ruby Taylor",
            "kind": "child",
            "relationship": "Daughter",
            "date_of_birth": date(2019, 5, 2),
            "school": "Bay Primary School",
            "gp": "Harbour Medical Practice",
            "young_carer": True,
            "vulnerabilities": [],
        },
        {
            "name": "Baby Taylor",
            "kind": "unborn",
            "relationship": "Jade's baby",
            "expected_due_date": date(2027, 4, 15),
            "vulnerabilities": [],
        },
    ],
    "involvements": [
        {
            "agency": "childrens-social-care",
            "worker_username": "sam",
            "worker_name": "Sam Social Worker",
        },
        {
            "agency": "adult-mental-health",
            "worker_username": "pat",
            "worker_name": "Pat Practitioner",
        },
        {
            "agency": "drug-and-alcohol",
            "worker_username": "dan",
            "worker_name": "Dan Recovery Worker",
        },
        {"agency": "midwifery", "worker_username": "mo", "worker_name": "Mo Midwife"},
        {
            "agency": "health-visiting",
            "worker_username": "hv",
            "worker_name": "Holly Health Visitor",
        },
        {"agency": "probation", "worker_username": "pete", "worker_name": "Pete Probation Officer"},
        {
            "agency": "education",
            "worker_username": "eve",
            "worker_name": "Eve Designated Safeguarding Lead",
        },
    ],
    "caring": [
        {
            "carer": "Ruby Taylor",
            "cared_for": "Jade Taylor",
            "care": "Reminds her mother to take her medication and helps with meals",
        }
    ],
    "protective": [
        {
            "description": "Maternal grandmother lives nearby and visits most days",
            "rests_on": None,
        }
    ],
}


# A looked-after child (section 20) whose return home can be planned from the browser: start
# "Return home" on Kai as sam; the adult services contribute, cal/nora/dee/ira approve.
LOOKED_AFTER = {
    "reference": LOOKED_AFTER_CASE,
    "family_name": "Okafor",
    "summary": "Kai (15) accommodated under section 20 since his mother's admission to a "
    "mental health ward; she is now home and the plan is for Kai to return. Mother's partner "
    "has a learning disability and receives adult social care.",
    "members": [
        {
            "name": "Grace Okafor",
            "kind": "adult",
            "relationship": "Mother",
            "date_of_birth": date(1988, 6, 30),
            "vulnerabilities": ["parental-mental-ill-health"],
        },
        {
            "name": "Tom Reid",
            "kind": "adult",
            "relationship": "Mother's partner",
            "date_of_birth": date(1985, 1, 12),
            "vulnerabilities": ["learning-disability"],
        },
        {
            "name": "Kai Okafor",
            "kind": "child",
            "relationship": "Son (looked after, section 20)",
            "date_of_birth": date(2011, 8, 19),
            "vulnerabilities": [],
        },
    ],
    "involvements": [
        {
            "agency": "childrens-social-care",
            "worker_username": "sam",
            "worker_name": "Sam Social Worker",
        },
        {
            "agency": "adult-mental-health",
            "worker_username": "pat",
            "worker_name": "Pat Practitioner",
        },
        {
            "agency": "adult-social-care",
            "worker_username": "ash",
            "worker_name": "Ash Adult Social Worker",
        },
        {
            "agency": "education",
            "worker_username": "eve",
            "worker_name": "Eve Designated Safeguarding Lead",
        },
    ],
}


def _has_case(session, reference: str) -> bool:
    query = select(FamilyCase.id).where(FamilyCase.reference == reference)
    return session.scalars(query).first() is not None


def is_empty(engine) -> bool:
    """No process deployed, nobody and no case recorded: the only database the demo loads into."""
    with engine.db.reading() as session:
        return not any(
            session.scalars(select(model.id).limit(1)).first() is not None
            for model in (Definition, User, FamilyCase)
        )


def _load_teams(engine) -> list[str]:
    created = []
    with engine.db.unit_of_work() as session:
        existing = set(session.scalars(select(Team.code)))
        for code, name, agency, manager in TEAMS:
            if code not in existing:
                now = engine.clock.now()
                session.add(
                    Team(code=code, name=name, agency=agency, manager=manager, created_at=now)
                )
                created.append(f"team {code} ({name})")
    return created


def load_demo(engine) -> list[str]:
    """Create what is missing; returns a line per thing created."""
    created = _load_teams(engine)
    with engine.db.reading() as session:
        existing = set(session.scalars(select(User.username)))
        has_case = _has_case(session, DEMO_CASE)
        has_looked_after = _has_case(session, LOOKED_AFTER_CASE)
    for username, name, agency, roles, team in PEOPLE:
        if username not in existing:
            engine.create_user(
                username=username,
                password=DEMO_PASSWORD,
                display_name=name,
                agency=agency,
                roles=roles,
                team=team,
                email=f"{username}@joinedup.test",
                manager=MANAGERS.get(username),
            )
            created.append(f"user {username} ({name}, {', '.join(roles)})")
    if not has_case:
        pat = next(u for u in PEOPLE if u[0] == "pat")
        actor = Actor("pat", groups_for(pat[2], pat[3], pat[4]), agency=pat[2], team=pat[4])
        engine.create_case(actor, **FAMILY)
        created.append(f"case {DEMO_CASE} (Taylor family)")
        ref = engine.start_on_case("professional-differences", DEMO_CASE, actor)
        created.append(f"professional difference raised by pat (instance {ref.id})")
    if not has_looked_after:
        sam = next(u for u in PEOPLE if u[0] == "sam")
        actor = Actor("sam", groups_for(sam[2], sam[3], sam[4]), agency=sam[2], team=sam[4])
        engine.create_case(actor, **LOOKED_AFTER)
        created.append(f"case {LOOKED_AFTER_CASE} (Okafor family: Kai, looked after)")
    return created

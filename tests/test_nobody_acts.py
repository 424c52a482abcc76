"""Nothing stalls, by construction: with nobody acting, every shipped process either finishes
or has told a named manager group about every task still open — it never just waits.

Each process is started on the demo case by the demo person who would start it; the clock then
jumps from one due timer to the next (firing it) and past every deadline, running the reminder
job at each stop, years ahead (transition milestones run to the child's 18th birthday).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.demo import DEMO_CASE, DEMO_PASSWORD, LOOKED_AFTER_CASE
from engine.models import ACTIVE_TASK_STATES, HumanTask, ProcessInstance, Timer
from notifications.models import OutboxNotification
from notifications.scheduler import BackgroundJobs
from notifications.settings import SmtpSettings
from webapp import engine_of

from .family import CONSENT_GIVEN, CONSENT_POSITION, CONSENT_REFUSED
from .test_disclosure import complete

MANAGERS = ("manager", "senior-manager", "head-of-service")
FAR_AHEAD = datetime.fromisoformat("2040-01-01T12:00:00+00:00")

REFERRAL = {"concerns": "Mother relapsing", "parents_vulnerabilities": "Mental ill-health"}
REFERRED = [
    ("mo", CONSENT_POSITION, CONSENT_GIVEN),
    (
        "mo",
        "Refer the pregnancy to children's social care",
        {"parents_aware": "yes", "parent_learning_disability": "yes", **REFERRAL},
    ),
]
NOT_SHARED = [("mo", CONSENT_POSITION, CONSENT_REFUSED)]
THRESHOLD = "Make the threshold decision on the pre-birth referral"
ASSESSING = [
    *REFERRED,
    (
        "mia",
        THRESHOLD,
        {"threshold": "statutory-assessment", "significant_harm": "no", "threshold_reasons": "-"},
    ),
]
# the midwife doubts Jade can agree to the birth and discharge plan: the mental capacity
# assessment (a called process) is about her, and nobody acts on it
PARENT_CAPACITY_IN_DOUBT = [
    ("mo", CONSENT_POSITION, CONSENT_GIVEN),
    (
        "mo",
        "Refer the pregnancy to children's social care",
        {
            "parents_aware": "yes",
            "parent_learning_disability": "yes",
            "parent_capacity_doubt": "yes",
            "parent_name": "Jade Taylor",
            **REFERRAL,
        },
    ),
    (
        "mia",
        THRESHOLD,
        {"threshold": "statutory-assessment", "significant_harm": "no", "threshold_reasons": "-"},
    ),
]
HARM_SUSPECTED = [
    *REFERRED,
    (
        "mia",
        THRESHOLD,
        {"threshold": "statutory-assessment", "significant_harm": "yes", "threshold_reasons": "-"},
    ),
]
ASSESSED = [
    *ASSESSING,
    *[(who, CONSENT_POSITION, CONSENT_REFUSED) for who in ("pat", "dan", "pete", "mo", "hv")],
    (
        "lee",
        "Assess the parent's capacity to care for the baby (adult learning disability)",
        {
            "ld_cognitive_capacity": "-",
            "ld_care_capacity": "-",
            "ld_support_needed": "-",
            "ld_risk_view": "medium",
            "ld_joint": "yes",
        },
    ),
    (
        "sam",
        "Complete the focused parenting capacity assessment with adult learning disability",
        {"capacity_to_parent": "-", "parenting_support": "-", "parenting_joint": "yes"},
    ),
    (
        "sam",
        "Complete the joint risk assessment",
        {
            "risk_level": "medium",
            "risk_factors": "-",
            "protective_factors": "-",
            "family_views": "-",
            "recommendation": "-",
        },
    ),
    (
        "cal",
        "Authorise the joint risk assessment",
        {"jra_authorised": "yes", "authorisation_notes": "-"},
    ),
    (
        "cal",
        "Decide the outcome of the pre-birth assessment",
        {"outcome": "conference-and-legal-planning", "outcome_reasons": "-"},
    ),
]
VIEWS = {"young_person_views": "I want to live near my friends"}
CONSENT = "Ask the young person's consent to a transition assessment"
IDENTIFY = (
    "sam",
    "Identify the young person's transition needs",
    {"transition_reason": "care-and-support", "needs_summary": "Autism", **VIEWS},
)
IDENTIFIED = [
    IDENTIFY,
    ("sam", CONSENT, {"assessment_consent": "given", **VIEWS}),
    ("sam", CONSENT_POSITION, CONSENT_GIVEN),
]
# Kai (DEMO-002) turns 16 on 19 August 2027: from then his capacity may be assessed (the
# mental capacity assessment, a called process), and nobody acts on it
CAPACITY_IN_QUESTION = [
    ("clock", "2027-08-19T12:00:00+00:00", {}),
    IDENTIFY,
    ("sam", CONSENT, {"assessment_consent": "capacity_in_question", **VIEWS}),
]
CAPACITY_LACKING = [
    *CAPACITY_IN_QUESTION,
    (
        "sam",
        "Assess capacity for this one decision",
        {
            "reason_for_doubt": "Learning disability",
            "practicable_steps": "Easy-read booklet",
            "impairment": "yes",
            "understands": "no",
            "retains": "yes",
            "weighs": "no",
            "communicates": "yes",
            "because_of_impairment": "yes",
            "capacity_evidence": "-",
            "person_views": "-",
        },
    ),
]
ASKED = [
    (
        "pat",
        "Record the request",
        {"agency": "probation", "question": "Is the father on licence?", "urgent": "false"},
    )
]
# process key, who starts it, the family member it is about (kind), what is done before
# everybody stops acting; transition is about Kai (15) in DEMO-002, as Ruby (7) is too young
STARTS = {
    "pre-birth, nothing done": ("pre-birth-assessment", "mo", "unborn", []),
    "pre-birth, referred": ("pre-birth-assessment", "mo", "unborn", REFERRED),
    "pre-birth, assessing": ("pre-birth-assessment", "mo", "unborn", ASSESSING),
    "pre-birth, may not share": ("pre-birth-assessment", "mo", "unborn", NOT_SHARED),
    "pre-birth, significant harm": ("pre-birth-assessment", "mo", "unborn", HARM_SUSPECTED),
    "pre-birth, parent's capacity in doubt": (
        "pre-birth-assessment",
        "mo",
        "unborn",
        PARENT_CAPACITY_IN_DOUBT,
    ),
    "pre-birth, conference and legal planning": ("pre-birth-assessment", "mo", "unborn", ASSESSED),
    "transition, nothing done": ("transition-to-adulthood", "sam", "child", []),
    "transition, identified": ("transition-to-adulthood", "sam", "child", IDENTIFIED),
    "transition, capacity in question": (
        "transition-to-adulthood",
        "sam",
        "child",
        CAPACITY_IN_QUESTION,
    ),
    "transition, lacks capacity": ("transition-to-adulthood", "sam", "child", CAPACITY_LACKING),
    "information request, nothing done": ("information-request", "pat", None, []),
    "information request, asked": ("information-request", "pat", None, ASKED),
}


def start(engine, key: str, username: str, subject_kind: str | None):
    person = engine.authenticate(username, DEMO_PASSWORD).actor()
    case = LOOKED_AFTER_CASE if key == "transition-to-adulthood" else DEMO_CASE
    subject = None
    if subject_kind:
        members = engine.case(case, person, look=False).members
        [subject] = [m.id for m in members if m.kind == subject_kind]
    return engine.start_on_case(key, case, person, subject_id=subject)


def run_the_clock(engine, jobs, clock, until: datetime) -> int:
    """Fire every timer in due order and remind at each stop; returns the stops made."""
    for stop in range(1, 1000):
        jobs.remind()
        with engine.db.reading() as session:
            due = session.scalar(select(func.min(Timer.due_at)))
        if due is None or due > until:
            clock.set(until)
            jobs.remind()
            return stop
        clock.set(max(due, clock.now()) + timedelta(seconds=1))
        engine.fire_due_timers(limit=1000)
    raise AssertionError("the clock never ran out of timers")


def managers_told(session, task: HumanTask) -> list[str]:
    """Manager groups told about this open task: its escalation, or a notification to a
    manager group from its instance since it was created (a boundary timer's path)."""
    rows = session.scalars(
        select(OutboxNotification).where(
            OutboxNotification.instance_id == task.instance_id,
            OutboxNotification.recipient_kind == "group",
            OutboxNotification.created_at >= task.created_at,
        )
    )
    return [
        row.recipient
        for row in rows
        if row.recipient.rsplit(":", 1)[-1] in MANAGERS
        and (row.event_type != "task_escalated" or row.context.get("escalated_task_id") == task.id)
    ]


@pytest.mark.parametrize("story", STARTS)
def test_with_nobody_acting_a_process_finishes_or_a_named_manager_is_told(app, clock, story):
    key, starter, subject, steps = STARTS[story]
    engine = engine_of(app)
    jobs = BackgroundJobs(engine, SmtpSettings(host=""))
    ref = start(engine, key, starter, subject)
    for username, task_name, data in steps:
        if username == "clock":  # time passes before anyone acts
            clock.set(datetime.fromisoformat(task_name))
            engine.fire_due_timers()
            continue
        complete(engine, username, task_name, **data)
    run_the_clock(engine, jobs, clock, FAR_AHEAD)
    with engine.db.reading() as session:
        instance = session.get(ProcessInstance, ref.id)
        open_tasks = list(
            session.scalars(
                select(HumanTask).where(
                    HumanTask.instance_id == ref.id, HumanTask.status.in_(ACTIVE_TASK_STATES)
                )
            )
        )
        assert instance.status == "completed" or open_tasks, f"{key} just waits"
        for task in open_tasks:
            assert task.due_at is not None, f"{key}: '{task.name}' has no deadline"
            assert managers_told(session, task), f"{key}: no manager told of '{task.name}'"

"""The kinds of notification, what they say, and which ones the protocols make compulsory.

Two levels of compulsion:

- **statutory**: the protocols require the notification in writing, so a person may not turn
  its email off (a daily summary is allowed);
- **urgent**: a child may be at immediate risk, or protection action or a professional
  difference is under way (Torbay s13: "protection action never waits for the ladder"). An
  urgent notification is always emailed straight away *and* shown in the app, whatever the
  person chose; it never waits for the daily summary. Urgent event types are the fixed set
  ``URGENT_EVENTS`` below; a diagram may also mark any one notification urgent with the
  ``notify_urgency=urgent`` property (see ``engine/dialect/conventions.py``).
"""

from __future__ import annotations

IMMEDIATELY, DIGEST, OFF = "immediately", "digest", "off"
MODES = {IMMEDIATELY: "Straight away", DIGEST: "In a daily summary", OFF: "Off"}
ALWAYS_IMMEDIATELY = "Always sent immediately"

# event type -> (title shown in the app and the email subject, statutory)
EVENTS = {
    "task_assigned": ("A task has been assigned to you", False),
    "task_available": ("A task is waiting for your team", False),
    "task_due_soon": ("A task is due soon", False),
    "task_overdue": ("A task is overdue", False),
    "process_finished": ("A process you started has finished", False),
    "decision_made": ("A manager has made a decision", False),
    "difference_raised": ("A professional difference has been raised", True),
    "stage_deadline_reminder": ("A stage deadline is approaching", False),
    # Torbay s13 and Pan-Hampshire: escalations and outcomes go to all parties, in writing.
    "escalated": ("A professional difference has been escalated", True),
    "outcome": ("The outcome of a professional difference", True),
    "withdrawn": ("A professional difference has been withdrawn", True),
    "child_protection_action": ("Child protection action has been taken", True),
    "immediate_risk_raised": ("Immediate risk has been raised in a professional difference", True),
    "adult_safeguarding_action": ("An adult safeguarding concern has been decided", True),
    # Joint assessments (Torbay s6-s8, s10; Pan-Hampshire transition to adulthood).
    "pre_birth_referral": ("A pre-birth referral needs a threshold decision", True),
    "threshold_decision": ("A threshold decision has been made on your referral", False),
    "information_sharing": ("An information-sharing decision has been recorded", True),
    "contribution_received": ("An agency has contributed to a joint assessment", False),
    "joint_risk_assessment": ("A joint risk assessment has been authorised", False),
    "assessment_outcome": ("The outcome of a joint assessment", True),
    "early_help_referral": ("A family has been referred to early help", False),
    "birth_plan": ("A birth and discharge plan has been agreed", True),
    "birth_recorded": ("A baby on a pre-birth plan has been born", True),
    "sharing_reviewed": ("A safeguarding lead has reviewed a decision not to share", True),
    "strategy_discussion": ("A strategy discussion is needed: significant harm suspected", True),
    "strategy_outcome": ("The outcome of a strategy discussion", True),
    "s47_outcome": ("The outcome of a section 47 enquiry", True),
    "conference_outcome": ("An initial child protection conference has been held", True),
    "legal_planning": ("A legal planning meeting has decided", True),
    "pre_birth_overtaken": ("A baby was born before the pre-birth plan was complete", True),
    "discharge_plan": ("A hospital discharge plan has been agreed", True),
    "pregnancy_loss": (
        "A pregnancy you were supporting has ended: please take care in contact with the family",
        True,
    ),
    "review_escalated": ("A manager has acted on a review's escalation", True),
    "return_decision": ("A decision on a child's return home", True),
    "returned_home": ("A child has returned home", True),
    "unplanned_return": ("A child has returned home without a plan", True),
    "plan_review": ("A plan has been reviewed", False),
    "transition_started": ("Transition planning has started for a young person", False),
    "transition_plan": ("A transition plan has been agreed", False),
    "transition_assessment": ("A Care Act transition assessment has been recorded", False),
    "eligibility": ("An eligibility decision for adult care and support", False),
    "handover": ("A young person has been handed over to adult services", True),
    "services_continue": ("Children's services continue past 18: no adult plan yet (s66)", True),
    "assessment_refused": ("A transition assessment was refused: reasons sent in writing", True),
    "chc_screening": ("NHS continuing healthcare screening has been recorded", False),
    "marm_referral": ("A young person's high risk needs a MARM meeting", True),
    "transition_stopped": ("Transition planning has stopped for a young person", True),
    "refusal_decision": ("A decision has been made on a refused transition assessment", True),
    "marm_meeting": ("A Multi-Agency Risk Management meeting has been held", True),
    # Mental Capacity Act 2005 (DOMAIN.md section 9): one decision at a time.
    "decision_stands": ("A person has capacity for a decision: their decision stands", False),
    "best_interests_decision": ("A best-interests decision has been made", True),
    "deadline_reminder": ("A deadline is approaching", False),
    # A missed protocol deadline goes to a manager: escalation cannot be switched off.
    "deadline_missed": ("A protocol deadline has been missed", True),
    # A user task's escalate_to group: nobody acted by the deadline (engine.escalation).
    "task_escalated": ("A task has missed its deadline and is escalated to you", True),
    # Someone outside a case opened it (break-glass): its lead agency's managers must know.
    "break_glass_opened": ("Someone outside the case has opened it (break-glass)", True),
    # Background work on a process failed after its retries (engine.incidents): its owners.
    "incident_opened": ("A process you own has failed and needs you to retry or cancel it", False),
    # An administrator reset the person's password (engine.people.resets): the link to set one.
    "password_reset": ("Set your JoinedUp password", True),
}
DEFAULT_TITLE = "Something needs your attention in JoinedUp"

# Immediate risk and child protection (Torbay s13, DOMAIN.md section 1): never silenced,
# never delayed. Every urgent event type is statutory too.
URGENT_EVENTS = frozenset(
    {
        "difference_raised",  # a child's safety is disputed between agencies
        "child_protection_action",  # MASH acted now under child protection procedures
        "immediate_risk_raised",  # someone at immediate risk, raised at any stage of a difference
        "adult_safeguarding_action",  # adult social care acted on an adult safeguarding concern
        "pre_birth_referral",  # a referral to MASH, the children's services front door
    }
)


# About the person's own account: queued urgent (emailed at once whatever their preferences)
# but titled plainly, never shown in the app; the link is removed once the email is sent.
ACCOUNT_EVENTS = frozenset({"password_reset"})
SECRET_CONTEXT = "reset_path"  # noqa: S105 - the context key, not a secret


def title_of(event_type: str) -> str:
    return EVENTS.get(event_type, (DEFAULT_TITLE, False))[0]


def is_statutory(event_type: str) -> bool:
    """Statutory notifications cannot be turned off (a digest is allowed)."""
    return EVENTS.get(event_type, ("", False))[1] or is_urgent(event_type)


def is_urgent(event_type: str) -> bool:
    """Urgent notifications go by email and in-app straight away, whatever the preferences."""
    return event_type in URGENT_EVENTS


def urgent_title(event_type: str) -> str:
    """The title of an urgent notification: marked so it stands out in a mailbox."""
    return f"URGENT: {title_of(event_type)}"

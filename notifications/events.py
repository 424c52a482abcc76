"""The kinds of notification, what they say, and which ones the protocols make compulsory."""

from __future__ import annotations

IMMEDIATELY, DIGEST, OFF = "immediately", "digest", "off"
MODES = {IMMEDIATELY: "Straight away", DIGEST: "In a daily summary", OFF: "Off"}

# event type -> (title shown in the app and the email subject, statutory)
EVENTS = {
    "task_assigned": ("A task has been assigned to you", False),
    "task_available": ("A task is waiting for your team", False),
    "task_due_soon": ("A task is due soon", False),
    "task_overdue": ("A task is overdue", False),
    "process_finished": ("A process you started has finished", False),
    "decision_made": ("A manager has made a decision", False),
    "difference_raised": ("A professional difference has been raised", False),
    "stage_deadline_reminder": ("A stage deadline is approaching", False),
    # Torbay s13 and Pan-Hampshire: escalations and outcomes go to all parties, in writing.
    "escalated": ("A professional difference has been escalated", True),
    "outcome": ("The outcome of a professional difference", True),
    "withdrawn": ("A professional difference has been withdrawn", True),
    "child_protection_action": ("Child protection action has been taken", True),
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
    "return_decision": ("A decision on a child's return home", True),
    "returned_home": ("A child has returned home", True),
    "plan_review": ("A plan has been reviewed", False),
    "transition_started": ("Transition planning has started for a young person", False),
    "transition_plan": ("A transition plan has been agreed", False),
    "transition_assessment": ("A Care Act transition assessment has been recorded", False),
    "eligibility": ("An eligibility decision for adult care and support", False),
    "handover": ("A young person has been handed over to adult services", True),
    "deadline_reminder": ("A deadline is approaching", False),
    # A missed protocol deadline goes to a manager: escalation cannot be switched off.
    "deadline_missed": ("A protocol deadline has been missed", True),
}
DEFAULT_TITLE = "Something needs your attention in JoinedUp"


def title_of(event_type: str) -> str:
    return EVENTS.get(event_type, (DEFAULT_TITLE, False))[0]


def is_statutory(event_type: str) -> bool:
    """Statutory notifications cannot be turned off (a digest is allowed)."""
    return EVENTS.get(event_type, ("", False))[1]

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
}
DEFAULT_TITLE = "Something needs your attention in JoinedUp"


def title_of(event_type: str) -> str:
    return EVENTS.get(event_type, (DEFAULT_TITLE, False))[0]


def is_statutory(event_type: str) -> bool:
    """Statutory notifications cannot be turned off (a digest is allowed)."""
    return EVENTS.get(event_type, ("", False))[1]

"""The inbox: each tab a keyset-paged union of index ranges (``keyset``, ``tabs``), so a page
costs the same at 10k open tasks as at 300k; cursors (``cursor``) mark where a page ends."""

from .cursor import Cursor, InvalidCursor
from .pages import InboxPage, inbox
from .tabs import API_TABS, APPROVALS, TABS

__all__ = [
    "API_TABS",
    "APPROVALS",
    "TABS",
    "Cursor",
    "InboxPage",
    "InvalidCursor",
    "inbox",
]

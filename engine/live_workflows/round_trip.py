"""Whether a workflow's data comes back from its saved state exactly as it is in memory.

A cached workflow is used in place of its saved state, so it may be cached only when the two
are the same: JSON's types and the value types the serializer restores exactly. A tuple
(saved as a list), a dict with a number for a key (saved with a string) or a set would make a
hot instance behave differently from one loaded after a restart or on another node.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

EXACT = frozenset({str, int, float, bool, type(None), datetime, date, timedelta, Decimal, UUID})


def data_round_trips(workflow) -> bool:
    """True when every task's data, and the workflow's, would load back unchanged."""
    workflows = [workflow, *workflow.subprocesses.values()]
    return all(
        _same_after_saving(w.data) and all(_same_after_saving(t.data) for t in w.tasks.values())
        for w in workflows
    )


def _same_after_saving(value) -> bool:
    kind = type(value)
    if kind in EXACT:
        return True
    if kind is list:
        return all(_same_after_saving(item) for item in value)
    if kind is dict:
        return all(type(key) is str and _same_after_saving(item) for key, item in value.items())
    return False

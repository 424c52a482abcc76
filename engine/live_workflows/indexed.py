"""What the index tables held for a workflow, and the task rows a transaction closed.

After a workflow is loaded under its row lock, or saved, its READY user tasks are exactly the
instance's active ``human_task`` rows and its signal waits exactly its ``signal_subscription``
rows (every save keeps them so, in the same transaction). Remembering those sets with the
workflow object lets the next save compare before and after in memory and touch the tables
only for what changed. A workflow with nothing remembered is synced by reading the tables.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

CLOSED = "joinedup_closed_tasks"  # session.info: task rows this transaction closed


@dataclass(frozen=True)
class IndexedState:
    """The spiff ids of the active human tasks and the signal subscriptions (key -> (signal,
    element)) that the tables hold for one workflow."""

    ready: frozenset[str]
    signals: dict


NOTHING_INDEXED = IndexedState(frozenset(), {})
_indexed: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def indexed_state(workflow) -> IndexedState | None:
    """What the tables held for this workflow object when it was loaded or saved, if known."""
    with _lock:
        return _indexed.get(workflow)


def remember_indexed(workflow, state: IndexedState) -> None:
    """Record what the tables hold for ``workflow`` now (after a load or a save)."""
    with _lock:
        _indexed[workflow] = state


def register_closed(session: Session, row) -> None:
    """Note a human task row this transaction closed (completed or cancelled)."""
    session.info.setdefault(CLOSED, []).append(row)


def closed_tasks(session: Session, instance_id: int | None = None, at: datetime | None = None):
    """The task rows this transaction closed (of one instance, at ``at``, when given)."""
    return [
        row
        for row in session.info.get(CLOSED, ())
        if (instance_id is None or row.instance_id == instance_id)
        and (at is None or row.completed_at == at)
    ]

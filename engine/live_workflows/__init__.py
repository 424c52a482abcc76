"""What the step path knows about an instance without asking the database again.

- ``cache``: the live workflows of hot instances, keyed by (instance id, row version), so a
  step on an instance this process stepped last does not deserialize its state again.
- ``batch_read``: a swept batch's index rows, read once for all its instances.
- ``indexed``: what the index tables held for a workflow when it was loaded or last saved,
  and which task rows this transaction closed, so a save writes only what the step changed.
"""

from .batch_read import InstanceRows, read_batch_rows, take_rows
from .cache import LiveWorkflows
from .indexed import (
    NOTHING_INDEXED,
    IndexedState,
    closed_tasks,
    indexed_state,
    register_closed,
    remember_indexed,
)

__all__ = [
    "NOTHING_INDEXED",
    "IndexedState",
    "InstanceRows",
    "LiveWorkflows",
    "closed_tasks",
    "indexed_state",
    "read_batch_rows",
    "register_closed",
    "remember_indexed",
    "take_rows",
]

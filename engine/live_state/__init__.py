"""The live part of an instance's state: what its next steps can still need.

SpiffWorkflow keeps every task it ever ran in the tree, so a loop's state (and the work of
each step that walks the tree) grows with every pass. ``prune`` takes out finished tasks no
live task can read and keeps, on the workflow, the element ids they completed
(``history``), so diagrams, milestones and version checks still see the path taken. The
audit trail keeps each completion in full.
"""

from .history import completed_ids, history_of, pruned_ids, set_history
from .pruning import prune, prune_state

__all__ = ["completed_ids", "history_of", "prune", "prune_state", "pruned_ids", "set_history"]

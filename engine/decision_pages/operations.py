"""Engine operations for decision pages (a mixin of ``Engine``)."""

from __future__ import annotations

from .. import queries
from ..models import HumanTask


class DecisionPageOperations:
    """Where running instances stand, read from the indexed task table."""

    def stage_positions(self, instance_ids: list[int]) -> dict[int, HumanTask]:
        """For each instance, the active task that says which stage it is at (if any).

        The caller has already decided the person may see these instances."""
        with self.db.reading() as session:
            return queries.stage_positions(session, list(instance_ids))

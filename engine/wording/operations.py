"""The engine's wording operations: a page's words in bulk, and what happens next."""

from __future__ import annotations

from collections.abc import Iterable

from ..actors import Actor
from .labels import field_labels
from .next_steps import NextStep, next_steps
from .people import display_names, team_names
from .words import Words


class WordingOperations:
    """Mixed into ``engine.service.Engine``."""

    def words_for(self, instance_ids: Iterable[int] = ()) -> Words:
        """Everything a page needs to say codes in words, looked up at once: every person's
        display name, every team's name and the form labels of the given instances' processes."""
        with self.db.reading() as session:
            people, teams = display_names(session), team_names(session)
        words = Words(people=people, teams=teams, load_labels=self._instance_labels)
        return words.prime(instance_ids)

    def _instance_labels(self, instance_ids: set[int]) -> dict:
        cache = self.__dict__.setdefault("_wording_labels", {})
        with self.db.reading() as session:
            return field_labels(session, self.specs, instance_ids, cache)

    def next_steps(self, instance_id: int, actor: Actor) -> list[NextStep]:
        """The instance's open tasks after a step, who has each and when it is due."""
        words = self.words_for()
        with self.db.reading() as session:
            return next_steps(session, instance_id, actor, words)

"""Each instance's form labels, from the shared spec cache (no workflow state is loaded)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..decision_pages.context import Label, labels_of
from ..models import ProcessInstance


def field_labels(
    session: Session, specs, instance_ids: Iterable[int], cache: dict[tuple, dict[str, Label]]
) -> dict[int, dict]:
    """Form field labels (and choices' names) of each instance's process, by instance id;
    ``cache`` (one per engine) keeps them by definition, as definitions never change."""
    ids = {i for i in instance_ids if i}
    if not ids:
        return {}
    rows = session.execute(
        select(
            ProcessInstance.id, ProcessInstance.definition_id, ProcessInstance.dependency_ids
        ).where(ProcessInstance.id.in_(ids))
    ).all()
    return {
        row.id: _labels(session, specs, row.definition_id, row.dependency_ids, cache)
        for row in rows
    }


def _labels(session, specs, definition_id: int, dependency_ids: list, cache: dict) -> dict:
    key = (definition_id, tuple(dependency_ids or ()))
    if key not in cache:
        cache[key] = labels_of(*specs.get(session, definition_id, dependency_ids or []))
    return cache[key]

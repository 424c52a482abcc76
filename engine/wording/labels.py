"""Each instance's form labels, from the shared spec cache and the Camunda Forms pinned when it
started (no workflow state is loaded)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..camunda_forms import CamundaForm, parse_form
from ..decision_pages.context import Label, labels_of
from ..models import Definition, ProcessInstance

FORM = "form"


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
        row.id: _labels(session, specs, row.definition_id, row.dependency_ids or [], cache)
        for row in rows
    }


def _labels(session, specs, definition_id: int, dependency_ids: list, cache: dict) -> dict:
    key = (definition_id, tuple(dependency_ids))
    if key not in cache:
        labels = labels_of(*specs.get(session, definition_id, dependency_ids))
        for form in _linked_forms(session, dependency_ids):
            for component in form.inputs():
                options = {choice.value: choice.label for choice in component.choices}
                labels.setdefault(component.key, Label(component.label or "", options))
        cache[key] = labels
    return cache[key]


def _linked_forms(session: Session, dependency_ids: list) -> list[CamundaForm]:
    """The Camunda Forms among the definitions an instance was pinned to when it started."""
    if not dependency_ids:
        return []
    query = select(Definition).where(Definition.id.in_(dependency_ids), Definition.kind == FORM)
    return [parse_form(d.source, d.resource_name) for d in session.scalars(query)]

"""Camunda multi-instance collections written as Modeler users write them: ``${agencies}``."""

from __future__ import annotations

import re

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
_SIMPLE_VARIABLE = re.compile(r"^\s*[$#]\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\s*$")


def variable_name(collection: str | None) -> str | None:
    """``agencies`` for ``${agencies}`` or ``agencies``; None for anything more complex."""
    if collection is None:
        return None
    match = _SIMPLE_VARIABLE.match(collection)
    if match:
        return match.group(1)
    return collection.strip() if collection.strip().isidentifier() else None


class CollectionByName:
    """For any activity parser: SpiffWorkflow takes ``camunda:collection`` as a bare variable
    name, so the simple ``${name}`` form is reduced to the name (validation refuses more)."""

    def _add_multiinstance_task(self, loop_characteristics):
        attribute = f"{{{CAMUNDA_NS}}}collection"
        name = variable_name(loop_characteristics.get(attribute))
        if name:
            loop_characteristics.set(attribute, name)
        return super()._add_multiinstance_task(loop_characteristics)

"""Camunda multi-instance collections written as Modeler users write them: ``${agencies}``."""

from __future__ import annotations

import re

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
# Each instance copies the activity's data; a cardinality or collection of 100,000 would
# exhaust memory in one step. Real processes fan out over agencies or family members.
MAX_INSTANCES = 500
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


class BoundedInstances:
    """A multi-instance activity that refuses to create more than :data:`MAX_INSTANCES`."""

    def create_child(self, my_task, *args, **kwargs):
        if len(my_task.children) >= MAX_INSTANCES:
            raise WorkflowTaskException(
                f"the multi-instance activity would run more than {MAX_INSTANCES} instances",
                task=my_task,
            )
        return super().create_child(my_task, *args, **kwargs)


_BOUNDED: dict[type, type] = {}


def bound_instances(task_specs) -> None:
    """Give every multi-instance spec among ``task_specs`` the instance bound (in place)."""
    for task_spec in task_specs:
        cls = type(task_spec)
        if isinstance(task_spec, MultiInstanceTask) and not isinstance(task_spec, BoundedInstances):
            if cls not in _BOUNDED:
                _BOUNDED[cls] = type(f"Bounded{cls.__name__}", (BoundedInstances, cls), {})
            task_spec.__class__ = _BOUNDED[cls]

"""Camunda multi-instance activities: collections written as Modeler users write them
(``${agencies}``), and the loop variables Camunda 7 gives the instances and the
``completionCondition``: ``loopCounter`` (each instance's index), ``nrOfInstances``,
``nrOfActiveInstances`` and ``nrOfCompletedInstances``. They are local to the activity, as in
Camunda: they do not remain as process variables once an instance completes.
"""

from __future__ import annotations

import re

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import (
    MultiInstanceTask,
    SequentialMultiInstanceTask,
)
from SpiffWorkflow.util.task import TaskState

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


LOOP_VARIABLES = ("loopCounter", "nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances")


def instance_counts(spec, my_task) -> dict[str, int]:
    """Camunda's ``nrOf...`` variables for the multi-instance task ``my_task`` now."""
    instances = list(spec._instances(my_task))
    completed = sum(1 for child in instances if child.has_state(TaskState.COMPLETED))
    active = sum(1 for child in instances if not child.has_state(TaskState.FINISHED_MASK))
    total = len(instances)
    if isinstance(spec, SequentialMultiInstanceTask):
        total = completed + active + len(my_task.internal_data.get("remaining", []))
        cardinality = my_task.internal_data.get("cardinality")
        total = cardinality if cardinality is not None else total
    return {
        "nrOfInstances": total,
        "nrOfActiveInstances": active,
        "nrOfCompletedInstances": completed,
    }


def check_cardinality(my_task, expression: str) -> None:
    """Stop with a clear error unless ``loopCardinality`` gives a whole number (SpiffWorkflow
    would otherwise take any other value for a collection, and remember that for every case)."""
    value = my_task.workflow.script_engine.evaluate(my_task, expression)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise WorkflowTaskException(
            f"loopCardinality {expression} must give a whole number of instances, not {value!r}",
            task=my_task,
        )


def check_collection(my_task, name: str) -> None:
    """Stop with a clear error unless ``camunda:collection`` names a list, as Camunda 7 fails
    on an unset variable or a value that is not a Collection (text is not split into letters)."""
    if name not in my_task.data:
        raise WorkflowTaskException(
            f"camunda:collection: the variable '{name}' is not set; the multi-instance "
            "activity needs a list to run over",
            task=my_task,
        )
    value = my_task.data[name]
    if not isinstance(value, list | tuple):
        raise WorkflowTaskException(
            f"camunda:collection: the variable '{name}' is {type(value).__name__} "
            f"{value!r:.60}, not a list; the multi-instance activity needs a list to run over",
            task=my_task,
        )


class CamundaLoopVariables:
    """A multi-instance activity whose instances and completion condition see Camunda's loop
    variables; the completion condition is evaluated over the process variables as they are
    after each instance completes."""

    def _update_hook(self, my_task):
        if not my_task.has_state(TaskState.WAITING):
            if self.cardinality is not None:
                my_task._inherit_data()
                check_cardinality(my_task, self.cardinality)
            elif (collection := self.data_input or self.data_output) is not None:
                my_task._inherit_data()
                check_collection(my_task, collection.bpmn_id)
        return super()._update_hook(my_task)

    def create_child(self, my_task, item, key_or_index=None):
        index = sum(1 for _ in self._instances(my_task))
        my_task.data["loopCounter"] = index
        my_task.data.update(instance_counts(self, my_task))
        try:
            super().create_child(my_task, item, key_or_index)
        finally:
            for name in LOOP_VARIABLES:
                my_task.data.pop(name, None)
        self._refresh_counts(my_task)

    def _refresh_counts(self, my_task) -> None:
        counts = instance_counts(self, my_task)
        for child in self._instances(my_task):
            if not child.has_state(TaskState.FINISHED_MASK):
                child.data.update(counts)

    def merge_child(self, workflow, child):
        for name in LOOP_VARIABLES:
            child.data.pop(name, None)
        super().merge_child(workflow, child)
        if not child.parent.has_state(TaskState.READY):
            self._refresh_counts(child.parent)

    def check_completion_condition(self, my_task):
        if self.condition is None or not my_task.internal_data.get("merged"):
            return False
        context = instance_counts(self, my_task)
        value = my_task.workflow.script_engine.evaluate(my_task, self.condition, context)
        if not isinstance(value, bool):
            raise WorkflowTaskException(
                f"the completionCondition {self.condition} gave {type(value).__name__} "
                f"{value!r:.60}, not true or false (Camunda: condition expression returns "
                "non-Boolean)",
                task=my_task,
            )
        return value


_BOUNDED: dict[type, type] = {}


def bound_instances(task_specs) -> None:
    """Give every multi-instance spec among ``task_specs`` the instance bound (in place)."""
    for task_spec in task_specs:
        cls = type(task_spec)
        if isinstance(task_spec, MultiInstanceTask) and not isinstance(task_spec, BoundedInstances):
            if cls not in _BOUNDED:
                bases = (BoundedInstances, CamundaLoopVariables, cls)
                _BOUNDED[cls] = type(f"Bounded{cls.__name__}", bases, {})
            task_spec.__class__ = _BOUNDED[cls]

"""Call activities with Camunda 7's ``camunda:in`` / ``camunda:out`` variable mappings.

As in Camunda 7, nothing passes between the caller and the called process unless it is mapped:
``<camunda:in variables="all"/>`` passes every variable the call activity sees (with
``local="true"``, only its own input parameters), ``source``/``sourceExpression`` with a
``target`` passes one value, and the ``camunda:out`` mappings do the same on the way back (a
``local="true"`` out mapping makes the values local to the call activity, for its output
parameters to pick up). Mappings apply in document order. ``camunda:in businessKey`` is
accepted: a called process always runs inside the caller's instance, under its business key.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.defaults import CallActivity
from SpiffWorkflow.camunda.parser.task_spec import CallActivityParser

from ..expressions import is_expression
from .io_mappings import LocalParameters, local_values, make_local
from .multi_instance import CAMUNDA_NS, CollectionByName


@dataclass(frozen=True)
class Mapping:
    """One ``camunda:in`` or ``camunda:out``: every variable, or one value to a target."""

    target: str | None = None
    source: str | None = None
    source_expression: str | None = None
    all_variables: bool = False
    local: bool = False


class MappedCallActivity(LocalParameters, CallActivity):
    """A call activity that passes only what its in and out mappings say."""

    in_mappings: tuple[Mapping, ...] = ()
    out_mappings: tuple[Mapping, ...] = ()

    def copy_data(self, my_task, subworkflow):
        start = subworkflow.get_next_task(
            subworkflow.task_tree, skip_subprocesses=True, spec_name="Start"
        )
        passed = mapped_values(my_task, my_task, self.in_mappings, local_values(my_task))
        start.set_data(**passed)

    def update_data(self, my_task, subworkflow):
        finished = subworkflow.last_task
        for mapping in self.out_mappings:
            values = mapped_values(my_task, finished, (mapping,), finished.data)
            if mapping.local:
                make_local(my_task, values)
            else:
                my_task.data.update(values)


def mapped_values(my_task, source_task, mappings, locals_: dict) -> dict:
    """The variables ``mappings`` give, read from ``source_task`` (deep copies); a ``local``
    mapping reads ``locals_`` instead (on the way in: the call activity's own variables)."""
    engine = my_task.workflow.script_engine
    values = {}
    for mapping in mappings:
        variables = locals_ if mapping.local else source_task.data
        if mapping.all_variables:
            values.update(deepcopy(variables))
        elif mapping.source_expression is not None:
            text = mapping.source_expression
            value = engine.evaluate(source_task, text) if is_expression(text) else text
            values[mapping.target] = value
        elif mapping.target:
            values[mapping.target] = deepcopy(variables.get(mapping.source))
    return values


def read_mappings(node, direction: str) -> tuple[Mapping, ...]:
    """The ``camunda:in`` or ``camunda:out`` mappings, in document order (business keys aside:
    a called process shares its caller's)."""
    found = node.findall(f"{{*}}extensionElements/{{{CAMUNDA_NS}}}{direction}")
    return tuple(
        Mapping(
            item.get("target"),
            item.get("source"),
            item.get("sourceExpression"),
            all_variables=item.get("variables") == "all",
            local=(item.get("local") or "").strip() == "true",
        )
        for item in found
        if item.get("target") or item.get("variables") == "all"
    )


class MappedCallActivityParser(CollectionByName, CallActivityParser):
    """Reads ``camunda:in`` / ``camunda:out`` onto the call activity's spec."""

    def create_task(self):
        task = super().create_task()
        task.in_mappings = read_mappings(self.node, "in")
        task.out_mappings = read_mappings(self.node, "out")
        return task

"""Call activities with Camunda's ``camunda:in`` / ``camunda:out`` variable mappings.

All variables still pass into the called process and back, as SpiffWorkflow (and Camunda with
``variables="all"``) does; a mapping adds a variable under another name (``source``/``target``)
or computed from an expression (``sourceExpression``, in only). That is what the
"Information-sharing decision" element template writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.defaults import CallActivity
from SpiffWorkflow.camunda.parser.task_spec import CallActivityParser

from ..expressions import is_expression
from .multi_instance import CAMUNDA_NS, CollectionByName


@dataclass(frozen=True)
class Mapping:
    target: str
    source: str | None = None
    source_expression: str | None = None


class MappedCallActivity(CallActivity):
    """A call activity that applies its in and out mappings around the called process."""

    in_mappings: tuple[Mapping, ...] = ()
    out_mappings: tuple[Mapping, ...] = ()

    def copy_data(self, my_task, subworkflow):
        super().copy_data(my_task, subworkflow)
        start = subworkflow.get_next_task(
            subworkflow.task_tree, skip_subprocesses=True, spec_name="Start"
        )
        engine = my_task.workflow.script_engine
        for mapping in self.in_mappings:
            if mapping.source_expression is not None:
                text = mapping.source_expression
                value = engine.evaluate(my_task, text) if is_expression(text) else text
            else:
                value = my_task.data.get(mapping.source)
            start.set_data(**{mapping.target: value})

    def update_data(self, my_task, subworkflow):
        super().update_data(my_task, subworkflow)
        for mapping in self.out_mappings:
            my_task.data[mapping.target] = subworkflow.last_task.data.get(mapping.source)


def read_mappings(node, direction: str) -> tuple[Mapping, ...]:
    """The ``camunda:in`` or ``camunda:out`` mappings with a target (business keys aside)."""
    found = node.findall(f"{{*}}extensionElements/{{{CAMUNDA_NS}}}{direction}")
    return tuple(
        Mapping(item.get("target"), item.get("source"), item.get("sourceExpression"))
        for item in found
        if item.get("target")
    )


class MappedCallActivityParser(CollectionByName, CallActivityParser):
    """Reads ``camunda:in`` / ``camunda:out`` onto the call activity's spec."""

    def create_task(self):
        task = super().create_task()
        task.in_mappings = read_mappings(self.node, "in")
        task.out_mappings = read_mappings(self.node, "out")
        return task

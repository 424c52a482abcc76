"""Camunda 7 input/output parameters (``camunda:inputOutput``) on activities.

SpiffWorkflow's task data has no local scope, so one is kept by hand. Input parameters are the
activity's local variables: evaluated (against the data the activity starts with) when it
becomes ready - for a call activity or subprocess, before the process inside starts - and set
in its data, where its form, expressions and the process inside see them. When the activity
completes, its output parameters are evaluated with those locals in sight, the locals are taken
out of what flows on (a process variable they shadowed gets its value back) and the outputs are
set as process variables. Values are text (a literal, or ``${...}`` evaluated in our sandbox),
``camunda:list`` or ``camunda:map``, nested as deep as the diagram nests them; an empty
parameter is null. ``camunda:script`` values are refused at deploy (``engine.extension_checks``).
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import CallActivity, ScriptTask

from ..expressions import is_expression
from .multi_instance import CAMUNDA_NS

LOCALS, OPENED = "local_variables", "local_variables_opened"
IO_CONTAINERS = ("userTask", "serviceTask", "sendTask", "scriptTask", "callActivity", "subProcess")


@dataclass(frozen=True)
class Parameter:
    """``kind`` is text, list, map or null; ``content`` the text, or the items (for a map,
    ``(key, Parameter)`` pairs)."""

    name: str
    kind: str
    content: Any = None


def parameter_value(task, parameter: Parameter) -> Any:
    """The parameter's value, evaluated against the task's data."""
    if parameter.kind == "text":
        text = parameter.content
        return task.workflow.script_engine.evaluate(task, text) if is_expression(text) else text
    if parameter.kind == "list":
        return [parameter_value(task, item) for item in parameter.content]
    if parameter.kind == "map":
        return {key: parameter_value(task, item) for key, item in parameter.content}
    return None


def make_local(task, values: dict) -> None:
    """Set ``values`` in the task's data as its local variables, remembering what they shadow."""
    record = task.internal_data.setdefault(LOCALS, {"names": [], "shadowed": {}})
    for name, value in values.items():
        if name not in record["names"]:
            record["names"].append(name)
            if name in task.data:
                record["shadowed"][name] = deepcopy(task.data[name])
        task.data[name] = value


def local_values(task) -> dict:
    """The task's local variables and their current values."""
    names = task.internal_data.get(LOCALS, {}).get("names", [])
    return {name: task.data[name] for name in names if name in task.data}


def drop_locals(task) -> None:
    """Take the task's local variables out of its data, restoring what they shadowed."""
    record = task.internal_data.pop(LOCALS, None) or {"names": [], "shadowed": {}}
    for name in record["names"]:
        if name in record["shadowed"]:
            task.data[name] = record["shadowed"][name]
        else:
            task.data.pop(name, None)


class LocalParameters:
    """For a task spec: input parameters as locals while it runs, outputs when it completes."""

    input_parameters: tuple[Parameter, ...] = ()
    output_parameters: tuple[Parameter, ...] = ()

    def open_locals(self, my_task) -> None:
        """Evaluate the input parameters (once) and set them as the task's locals."""
        if self.input_parameters and not my_task.internal_data.get(OPENED):
            my_task.internal_data[OPENED] = True
            values = {p.name: parameter_value(my_task, p) for p in self.input_parameters}
            make_local(my_task, values)

    def _on_ready_hook(self, my_task):
        self.open_locals(my_task)
        super()._on_ready_hook(my_task)

    def start_workflow(self, my_task):
        self.open_locals(my_task)
        super().start_workflow(my_task)

    def _on_complete_hook(self, my_task):
        outputs = {p.name: parameter_value(my_task, p) for p in self.output_parameters}
        drop_locals(my_task)
        my_task.internal_data.pop(OPENED, None)
        my_task.data.update(outputs)
        super()._on_complete_hook(my_task)


class LocalScriptTask(LocalParameters, ScriptTask):
    pass


class EmbeddedSubprocess(LocalParameters, CallActivity):
    pass


def _held(node, name: str) -> Parameter:
    """The value an inputParameter, outputParameter, map entry or list value holds."""
    children = [child for child in node if isinstance(child.tag, str)]
    if children:
        return _written(children[0], name)
    text = (node.text or "").strip()
    return Parameter(name, "text", text) if text else Parameter(name, "null")


def _written(element, name: str) -> Parameter:
    kind = element.tag.rsplit("}", 1)[-1]
    if kind == "list":
        items = [item for item in element if isinstance(item.tag, str)]
        return Parameter(name, "list", tuple(_written(item, name) for item in items))
    if kind == "map":
        entries = element.findall(f"{{{CAMUNDA_NS}}}entry")
        return Parameter(name, "map", tuple((e.get("key"), _held(e, name)) for e in entries))
    if kind == "value":
        return _held(element, name)
    return Parameter(name, "null")  # camunda:script: refused at deploy


def read_parameters(node) -> tuple[tuple[Parameter, ...], tuple[Parameter, ...]]:
    """The element's own input and output parameters, in document order."""
    mapping = node.find(f"{{*}}extensionElements/{{{CAMUNDA_NS}}}inputOutput")
    if mapping is None:
        return (), ()
    inputs = mapping.findall(f"{{{CAMUNDA_NS}}}inputParameter")
    outputs = mapping.findall(f"{{{CAMUNDA_NS}}}outputParameter")
    return (
        tuple(_held(item, item.get("name")) for item in inputs),
        tuple(_held(item, item.get("name")) for item in outputs),
    )


def attach_parameters(process_node, task_specs) -> None:
    """Give each task spec that takes parameters those its element declares."""
    declaring = {
        element.get("id"): element
        for mapping in process_node.iterfind(f".//{{{CAMUNDA_NS}}}inputOutput")
        if (element := mapping.getparent().getparent()) is not None
    }
    for spec in task_specs:
        element = declaring.get(spec.bpmn_id)
        if element is not None and isinstance(spec, LocalParameters):
            spec.input_parameters, spec.output_parameters = read_parameters(element)

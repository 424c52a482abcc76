"""Serialising instance state only: specs come from the deployed definition, not the row.

SpiffWorkflow's serializer normally embeds the whole process spec in every saved workflow. We
store definitions once and rebuild specs from a cache, so an instance row holds only its task
tree and data, which keeps saves small and loads fast for long-running cases.
"""

from __future__ import annotations

import json
import threading
from datetime import date
from decimal import Decimal

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition

from .parser import VariablesMessageEventDefinition
from .timers import TIMER_CLASSES


class StateOnlyWorkflowConverter(BpmnWorkflowConverter):
    """Leaves specs out of the dict. On the way back in, the caller puts the live spec objects
    under the same keys; the registry passes objects it does not know through unchanged."""

    def to_dict(self, workflow):
        spec, subprocess_specs = workflow.spec, workflow.subprocess_specs
        workflow.spec, workflow.subprocess_specs = None, {}
        try:
            dct = super().to_dict(workflow)
        finally:
            workflow.spec, workflow.subprocess_specs = spec, subprocess_specs
        del dct["spec"], dct["subprocess_specs"]
        return dct


def _registry() -> DefaultRegistry:
    registry = DefaultRegistry()
    registry.register(
        date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"])
    )
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
    config = dict(CAMUNDA_CONFIG)
    for base, dialect_class in TIMER_CLASSES.items():
        config[dialect_class] = config[base]
    config[VariablesMessageEventDefinition] = config[MessageEventDefinition]
    config[BpmnWorkflow] = StateOnlyWorkflowConverter
    return BpmnWorkflowSerializer.configure(config, registry)


class StateSerializer(BpmnWorkflowSerializer):
    """Dumps and loads instance state as JSON text, specs supplied by the caller."""

    def __init__(self):
        super().__init__(_registry())
        # serialize_json flips a flag on the shared registry while it encodes; the web and
        # scheduler threads share this serializer, so encoding is one thread at a time.
        self._encoding = threading.Lock()

    def dumps(self, workflow: BpmnWorkflow) -> str:
        """The workflow's state as JSON (no specs)."""
        with self._encoding:
            return self.serialize_json(workflow)

    def loads(self, text: str, spec, subprocess_specs: dict, script_engine) -> BpmnWorkflow:
        """A live workflow from saved state and its (cached) specs."""
        dct = json.loads(text)
        self.migrate(dct)
        dct["spec"], dct["subprocess_specs"] = spec, subprocess_specs
        workflow = self.from_dict(dct)
        workflow.script_engine = script_engine
        return workflow

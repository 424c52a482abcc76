"""Serialising instance state only: specs come from the deployed definition, not the row.

SpiffWorkflow's serializer normally embeds the whole process spec in every saved workflow. We
store definitions once and rebuild specs from a cache, so an instance row holds only its task
tree and data, which keeps saves small and loads fast for long-running cases.

Process data is data: SpiffWorkflow marks its own typed values with a ``typename`` key and
restores any dict that has one, so a person's ``{"typename": "datetime", "value": "x"}`` would
make the instance unloadable. On the way out such a dict is wrapped as
``{"typename": "PlainDict", "items": {...}}`` and on the way back it is unwrapped, so it returns
exactly as it was. States saved before the wrapper load as before; in them, a dict naming a type
we do not know, or a value type that does not parse, comes back as the plain dict it was.

``history`` holds the element ids of completed tasks pruned from the tree (``engine.live_state``).
"""

from __future__ import annotations

import json
import threading
from datetime import date
from decimal import Decimal

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, TaskConverter
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition

from ..live_state.history import saved_history, set_history
from .messages import SilentMessageEventDefinition, VariablesMessageEventDefinition
from .signals import BroadcastSignalEventDefinition
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
        if history := saved_history(workflow):
            dct["history"] = history
        return dct

    def from_dict(self, dct):
        dct["data"] = _legacy_data(dct.get("data", {}))
        history = dct.pop("history", None)
        workflow = super().from_dict(dct)
        set_history(workflow, history)
        return workflow


MARKER, PLAIN_DICT = "typename", "PlainDict"
# Types whose restore only parses a value: in a state saved before PLAIN_DICT existed, one of
# these that does not parse was a person's data, not ours.
VALUE_TYPES = frozenset({"UUID", "datetime", "timedelta", "date", "Decimal"})
_UNPARSEABLE = (ValueError, TypeError, KeyError, ArithmeticError)


def escape_data(value):
    """``value`` with every dict that has the type marker wrapped, at any depth."""
    if isinstance(value, dict):
        items = {key: escape_data(item) for key, item in value.items()}
        return {MARKER: PLAIN_DICT, "items": items} if MARKER in value else items
    if type(value) in (list, tuple):
        return [escape_data(item) for item in value]
    return value


def _legacy_data(value):
    """Saved data with every marked dict that is not a value type wrapped: before the wrapper,
    data held only value types, so any other ``typename`` there was a person's."""
    if isinstance(value, dict):
        marked = value.get(MARKER)
        if marked == PLAIN_DICT and isinstance(value.get("items"), dict):
            return {**value, "items": {k: _legacy_data(v) for k, v in value["items"].items()}}
        items = {key: _legacy_data(item) for key, item in value.items()}
        if MARKER in value and marked not in VALUE_TYPES:
            return {MARKER: PLAIN_DICT, "items": items}
        return items
    if isinstance(value, list):
        return [_legacy_data(item) for item in value]
    return value


class DataRegistry(DefaultRegistry):
    """SpiffWorkflow's registry, with process data that round-trips whatever its keys."""

    def __init__(self):
        super().__init__()
        self.register(
            date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"])
        )
        self.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
        self.convert_from_dict[PLAIN_DICT] = self._unwrap

    def convert(self, obj):
        """As SpiffWorkflow's, but plain dicts that carry the marker are wrapped."""
        if self._encoder_mode:
            return self._convert_for_encoder(obj)
        if isinstance(obj, dict) and MARKER in obj and type(obj) not in self.typenames:
            items = {key: self.convert(item) for key, item in self.clean(obj).items()}
            return {MARKER: PLAIN_DICT, "items": items}
        return super().convert(obj)

    def _convert_for_encoder(self, obj):
        if isinstance(obj, dict) and type(obj) not in self.typenames:
            return escape_data(self.clean(obj))
        return super()._convert_for_encoder(obj)

    def restore(self, val, **kwargs):
        """As SpiffWorkflow's; a legacy dict it cannot restore comes back as a plain dict."""
        if not (isinstance(val, dict) and MARKER in val):
            return super().restore(val, **kwargs)
        typename = val[MARKER]
        if typename not in self.convert_from_dict:
            return self._plain(val, **kwargs)
        if typename not in VALUE_TYPES:
            return super().restore(val, **kwargs)
        try:
            return super().restore(val, **kwargs)
        except _UNPARSEABLE:
            return self._plain(val, **kwargs)

    def _plain(self, dct: dict, **kwargs) -> dict:
        return {key: self.restore(item, **kwargs) for key, item in dct.items()}

    def _unwrap(self, dct: dict, **kwargs) -> dict:
        return self._plain(dct["items"], **kwargs)


class DataSafeTaskConverter(TaskConverter):
    """SpiffWorkflow's task converter hands task data (and its delta) to JSON untouched; this
    one wraps marked dicts in it too."""

    def to_dict(self, task):
        dct = super().to_dict(task)
        dct["data"] = escape_data(dct["data"])
        if dct["delta"]:
            dct["delta"]["updates"] = escape_data(dct["delta"]["updates"])
        return dct

    def from_dict(self, dct, workflow):
        dct["data"] = _legacy_data(dct["data"])
        if dct.get("delta"):
            dct["delta"]["updates"] = _legacy_data(dct["delta"].get("updates", {}))
        return super().from_dict(dct, workflow)


def _registry() -> DefaultRegistry:
    registry = DataRegistry()
    config = {
        cls: DataSafeTaskConverter if converter is TaskConverter else converter
        for cls, converter in CAMUNDA_CONFIG.items()
    }
    for base, dialect_class in TIMER_CLASSES.items():
        config[dialect_class] = config[base]
    config[VariablesMessageEventDefinition] = config[MessageEventDefinition]
    config[SilentMessageEventDefinition] = config[MessageEventDefinition]
    config[BroadcastSignalEventDefinition] = config[SignalEventDefinition]
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

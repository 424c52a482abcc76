"""Camunda Forms: form-js JSON (``.form`` files drawn in Camunda Modeler) read into components.

A form is checked completely when it is deployed: a component we cannot render or validate the
way form-js would (a taglist, a FEEL-driven label, conditional visibility, options loaded from a
variable) is an InvalidDefinition naming the component and its line, never a surprise on a
practitioner's screen. Button components are kept for their meaning, not drawn: the task page
has its own buttons, and a submit button's label names its Complete button. A form needs an id
only to be found by ``camunda:formRef``; ``camunda:formKey`` finds it by its file name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import InvalidDefinition, Problem
from .form_rules import rule_problems

INPUT_TYPES = ("textfield", "textarea", "number", "checkbox", "checklist", "radio", "select")
DATETIME = "datetime"
LAYOUT_TYPES = ("text", "group", "separator", "spacer")
BUTTON = "button"
BUTTON_ACTIONS = ("submit", "reset")
SUPPORTED_TYPES = (*INPUT_TYPES, DATETIME, *LAYOUT_TYPES, BUTTON)
CHOICE_TYPES = ("checklist", "radio", "select")
DATETIME_SUBTYPES = ("date", "time", "datetime")
VALIDATION_TYPES = ("email", "phone")
UNSUPPORTED_KEYS = {
    "conditional": "conditional visibility (FEEL) is not supported",
    "valuesKey": "options from a process variable are not supported; list them in the form",
    "valuesExpression": "options from an expression are not supported; list them in the form",
}
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ID_LINE = re.compile(r'"id"\s*:\s*"([^"]*)"')


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Component:
    """One form-js component, reduced to what we render and validate."""

    type: str
    key: str | None = None
    label: str = ""
    description: str | None = None
    text: str | None = None
    subtype: str | None = None
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    validation_type: str | None = None
    choices: tuple[Choice, ...] = ()
    default: Any = None
    readonly: bool = False
    components: tuple[Component, ...] = ()
    properties: tuple[tuple[str, str], ...] = ()  # cross-field rules (engine.form_rules)

    @property
    def is_input(self) -> bool:
        return self.type in INPUT_TYPES or self.type == DATETIME


@dataclass(frozen=True)
class CamundaForm:
    """A deployed form: its id (what ``camunda:formRef`` names; "" if it has none) and its
    components."""

    id: str
    components: tuple[Component, ...] = field(default_factory=tuple)

    def submit_label(self) -> str | None:
        """The label of the form's first submit button, if it has one."""
        pending = list(self.components)
        while pending:
            component = pending.pop(0)
            if component.type == BUTTON and component.subtype == "submit" and component.label:
                return component.label
            pending[0:0] = component.components
        return None

    def inputs(self) -> list[Component]:
        """Every component that holds a value, groups flattened, in page order."""
        found: list[Component] = []
        pending = list(self.components)
        while pending:
            component = pending.pop(0)
            if component.type == "group":
                pending[0:0] = component.components
            elif component.is_input:
                found.append(component)
        return found


def parse_form(text: str, filename: str) -> CamundaForm:
    """The form in ``text``, or InvalidDefinition listing every problem with its line."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidDefinition(
            [Problem(filename, f"the form is not valid JSON: {error.msg}", None, error.lineno)]
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("components"), list):
        raise InvalidDefinition(
            [Problem(filename, "not a Camunda Form: it needs a 'components' list", None, 1)]
        )
    form_id = data.get("id") if isinstance(data.get("id"), str) else ""
    reader = _Reader(filename, _id_lines(text))
    components = reader.components(data["components"])
    if reader.problems:
        raise InvalidDefinition(reader.problems)
    return CamundaForm(form_id.strip(), components)


def _id_lines(text: str) -> dict[str, int]:
    lines = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _ID_LINE.finditer(line):
            lines.setdefault(match.group(1), number)
    return lines


class _Reader:
    """Turns raw component dicts into Components, collecting every problem on the way."""

    def __init__(self, filename: str, lines: dict[str, int]):
        self.filename, self.lines = filename, lines
        self.problems: list[Problem] = []
        self.keys: set[str] = set()

    def components(self, raw_components: list) -> tuple[Component, ...]:
        read = (self.component(raw) for raw in raw_components if isinstance(raw, dict))
        return tuple(component for component in read if component is not None)

    def fail(self, raw: dict, message: str) -> None:
        name = raw.get("key") or raw.get("label") or raw.get("id") or raw.get("type")
        self.problems.append(
            Problem(
                self.filename,
                f"component '{name}': {message}",
                raw.get("id"),
                self.lines.get(raw.get("id")),
            )
        )

    def component(self, raw: dict) -> Component | None:
        kind = raw.get("type")
        if kind not in SUPPORTED_TYPES:
            supported = ", ".join(SUPPORTED_TYPES)
            self.fail(raw, f"type '{kind}' is not supported here (supported: {supported})")
            return None
        for unsupported, reason in UNSUPPORTED_KEYS.items():
            if raw.get(unsupported):
                self.fail(raw, reason)
        if any(str(raw.get(name, "")).startswith("=") for name in ("label", "text")):
            self.fail(raw, "FEEL expressions in labels and text are not supported")
        if kind == "group":
            return Component(
                kind,
                label=raw.get("label") or "",
                components=self.components(raw.get("components") or []),
            )
        if kind in LAYOUT_TYPES:
            return Component(kind, text=raw.get("text"))
        if kind == BUTTON:
            return self.button(raw)
        return self.input(raw, kind)

    def input(self, raw: dict, kind: str) -> Component:
        key = raw.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            self.fail(raw, f"key '{key}' must be a plain variable name, like concern_summary")
        elif key in self.keys:
            self.fail(raw, f"key '{key}' is used by another component; keys must be unique")
        else:
            self.keys.add(key)
        validate = raw.get("validate") or {}
        subtype = raw.get("subtype") if kind == DATETIME else None
        if kind == DATETIME and subtype not in DATETIME_SUBTYPES:
            self.fail(raw, f"datetime subtype must be one of {', '.join(DATETIME_SUBTYPES)}")
        return Component(
            kind,
            key=key,
            label=raw.get("label") or raw.get("dateLabel") or key or "",
            description=raw.get("description"),
            subtype=subtype,
            required=bool(validate.get("required")),
            minimum=self.number(raw, validate, "min"),
            maximum=self.number(raw, validate, "max"),
            min_length=self.whole(raw, validate, "minLength"),
            max_length=self.whole(raw, validate, "maxLength"),
            pattern=self.pattern(raw, validate),
            validation_type=self.validation_type(raw, validate),
            choices=self.choices(raw, kind),
            default=raw.get("defaultValue"),
            readonly=bool(raw.get("readonly") or raw.get("disabled")),
            properties=self.rules(raw, key, "date" if subtype in ("date", "datetime") else kind),
        )

    def rules(self, raw: dict, key, kind: str) -> tuple[tuple[str, str], ...]:
        properties = raw.get("properties") or {}
        if not isinstance(properties, dict):
            self.fail(raw, "properties must be name/value pairs")
            return ()
        properties = {str(name): str(value) for name, value in properties.items()}
        for problem in rule_problems(str(key), kind, properties):
            self.fail(raw, problem)
        return tuple(properties.items())

    def button(self, raw: dict) -> Component:
        action = raw.get("action") or "submit"  # form-js's default action
        if action not in BUTTON_ACTIONS:
            self.fail(raw, f"button action '{action}' must be one of {', '.join(BUTTON_ACTIONS)}")
        return Component(BUTTON, label=raw.get("label") or "", subtype=action)

    def number(self, raw: dict, validate: dict, name: str) -> float | None:
        value = validate.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(raw, f"validate.{name} must be a number, not '{value}'")
            return None
        return value

    def whole(self, raw: dict, validate: dict, name: str) -> int | None:
        value = self.number(raw, validate, name)
        if value is not None and (value != int(value) or value < 0):
            self.fail(raw, f"validate.{name} must be a whole number of characters")
            return None
        return None if value is None else int(value)

    def pattern(self, raw: dict, validate: dict) -> str | None:
        pattern = validate.get("pattern") or None
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as error:
                self.fail(raw, f"validate.pattern '{pattern}' is not a valid pattern: {error}")
                return None
        return pattern

    def validation_type(self, raw: dict, validate: dict) -> str | None:
        kind = validate.get("validationType") or None
        if kind is not None and kind not in VALIDATION_TYPES:
            self.fail(raw, f"validate.validationType '{kind}' is not supported (email, phone)")
            return None
        return kind

    def choices(self, raw: dict, kind: str) -> tuple[Choice, ...]:
        if kind not in CHOICE_TYPES:
            return ()
        values = raw.get("values")
        if raw.get("valuesKey") or raw.get("valuesExpression"):
            return ()
        if not isinstance(values, list) or not values:
            self.fail(raw, "it has no options: add static options in Camunda Modeler")
            return ()
        return tuple(
            Choice(str(item.get("value")), str(item.get("label") or item.get("value")))
            for item in values
            if isinstance(item, dict)
        )

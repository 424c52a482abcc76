"""What a decision page shows above the form: earlier case records and chosen variables.

Records come from the instance's own ``case_record`` audit events, read through the
disclosure rule (``queries.history`` with the reader), so a person never sees in the context
what they could not read on the timeline. Field labels are the process's own form labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .. import queries
from ..actors import Actor
from .properties import ALL_RECORDS, CONTEXT_FIELDS, CONTEXT_RECORDS, names

CASE_RECORD = "case_record"


@dataclass(frozen=True)
class Label:
    """A form field's label and its choices' names, for showing a stored value."""

    text: str
    options: dict = field(default_factory=dict)


@dataclass
class ContextRecord:
    """One earlier case-record entry, with its fields labelled."""

    kind: str
    title: str
    at: datetime
    actor: str | None
    fields: list[tuple[str, str]]


@dataclass
class TaskContext:
    """The records and variables a decision page shows above its form."""

    records: list[ContextRecord] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.records or self.fields)

    def as_json(self) -> dict:
        """The same content for the API."""
        return {
            "records": [
                {
                    "kind": r.kind,
                    "title": r.title,
                    "at": r.at,
                    "actor": r.actor,
                    "fields": [{"label": k, "value": v} for k, v in r.fields],
                }
                for r in self.records
            ],
            "fields": [{"label": k, "value": v} for k, v in self.fields],
        }


def wants_context(properties: dict) -> bool:
    """Whether the task's properties ask for a context panel."""
    return bool(names(properties.get(CONTEXT_RECORDS)) or names(properties.get(CONTEXT_FIELDS)))


def task_context(
    session: Session,
    instance_id: int,
    properties: dict,
    labels: dict[str, Label],
    data: dict,
    reader: Actor,
    shown: Callable[[str, Any], str] | None = None,
) -> TaskContext:
    """The context the task's ``context_records`` and ``context_fields`` ask for; ``shown``
    words a variable's value (``engine.wording``), else ``show`` with the form's labels."""
    shown = shown or (lambda name, value: show(value, labels.get(name)))
    kinds = names(properties.get(CONTEXT_RECORDS))
    records = []
    if kinds:
        for event in queries.history(session, instance_id, reader=reader):
            entry = (event.details or {}).get("entry")
            if event.event_type == CASE_RECORD and (ALL_RECORDS in kinds or entry in kinds):
                records.append(_record(event, entry, labels, shown))
    fields = [
        (_label(name, labels), shown(name, data[name]))
        for name in names(properties.get(CONTEXT_FIELDS))
        if data.get(name) not in (None, "")  # not yet set: nothing to show
    ]
    return TaskContext(records, fields)


def _record(event, entry: str, labels: dict[str, Label], shown) -> ContextRecord:
    fields = [
        (_label(key, labels), shown(key, value))
        for key, value in event.details.items()
        if key != "entry" and value not in (None, "")
    ]
    return ContextRecord(
        kind=entry,
        title=event.task_name or humanise(entry),
        at=event.at,
        actor=event.actor,
        fields=fields,
    )


def labels_of(spec, subprocess_specs: dict) -> dict[str, Label]:
    """Every generated-form field's label in the process and the processes it calls, by id
    (the first label wins when two forms share a field id)."""
    labels: dict[str, Label] = {}
    for process in (spec, *subprocess_specs.values()):
        for task_spec in process.task_specs.values() if process else ():
            for form_field in getattr(getattr(task_spec, "form", None), "fields", None) or []:
                options = {o.id: o.name for o in getattr(form_field, "options", None) or []}
                labels.setdefault(form_field.id, Label(form_field.label or "", options))
    return labels


def _label(name: str, labels: dict[str, Label]) -> str:
    found = labels.get(name)
    return found.text if found and found.text else humanise(name)


def humanise(name: str) -> str:
    """``agreed_actions`` as 'Agreed actions'."""
    text = name.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def show(value: Any, label: Label | None = None) -> str:
    """A stored value as a person reads it: Yes/No, a choice's name, a list joined."""
    if value is None or value == "":
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(show(item, label) for item in value)
    if label is not None and str(value) in label.options:
        return str(label.options[str(value)])
    return str(value)

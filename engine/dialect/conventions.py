"""Our ``camunda:properties`` conventions, for service/send tasks and throw/end events.

Process owners add these in Camunda Modeler's "Extension properties" panel:

- ``notify`` = comma-separated groups (``manager``, ``${raiser_agency}:manager``) and/or
  ``notify_users`` = user ids (``${initiator}``); ``template`` = the message template name.
  Each recipient gets a row in the notification outbox, in the same transaction as the step.
- ``notify_urgency`` = ``urgent`` or ``routine`` (the default). An urgent notification is
  emailed and shown in the app straight away whatever the person's preferences, and delivered
  before routine ones. On a user task it makes the task's own announcements (available,
  assigned, due soon, overdue) urgent: a MASH "act now" task.
- ``record`` = a case-record entry kind (``outcome``, ``withdrawn``) and ``record_fields`` =
  the variables to copy into it (``stage, decision, agreed_actions``). The entry becomes an
  audit event of type ``case_record`` on the case's timeline.

- ``involve_agency`` = an agency code and ``involve_reason`` = why: the agency joins the
  instance's case in the step's transaction (``engine.involvement.conventions``).
- ``disclose_to`` = agency codes and ``disclose_basis`` = why: a sharing decision lets those
  agencies read what the process holds (``engine.disclosure.grants``).

Values may contain ``${...}``; they are evaluated when the element runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser

from ..disclosure.holders import holder_of
from .io_mappings import LocalParameters

CONVENTION_KEYS = (
    "notify",
    "notify_users",
    "template",
    "record",
    "record_fields",
    "involve_agency",
    "disclose_to",
)
URGENCY_KEY, URGENT, ROUTINE = "notify_urgency", "urgent", "routine"


class ConventionTask(LocalParameters, ServiceTask):
    """A service or send task whose only behaviour is our property conventions."""

    def _execute(self, my_task):
        return True


class ConventionTaskParser(CamundaTaskParser):
    """Service and send tasks: Java delegates are refused at validation; properties kept.

    (A task has no child elements, so the base class's descendant search finds only its own.)
    """


@dataclass
class Effect:
    """What one convention element asked for, evaluated against the task's data."""

    element_id: str
    element_name: str | None
    notify_groups: list[str] = field(default_factory=list)
    notify_users: list[str] = field(default_factory=list)
    template: str | None = None
    urgent: bool = False
    record: str | None = None
    record_data: dict = field(default_factory=dict)
    involve_agency: str | None = None
    involve_reason: str | None = None
    held_by: str | None = None  # the agency holding what the element records
    disclose_to: list[str] = field(default_factory=list)
    disclose_basis: str | None = None


def property_value(task, key: str) -> str | None:
    """The task's ``camunda:property`` ``key``, with any ``${...}`` evaluated on its data."""
    text = (getattr(task.task_spec, "extensions", None) or {}).get(key)
    if text and "${" in text:
        return str(task.workflow.script_engine.evaluate(task, text))
    return text


def is_urgent(task) -> bool:
    """Whether the element marks its notifications urgent (``notify_urgency``).

    Fails safe: empty or ``routine`` is routine and anything else urgent, so an expression that
    yields an unexpected value never silences an alert; deployment refuses other literals.
    """
    value = (property_value(task, URGENCY_KEY) or ROUTINE).strip().lower()
    return value != ROUTINE


def effect_of(task) -> Effect | None:
    """The effect a just-completed task asks for, or None when it carries no conventions."""
    extensions = getattr(task.task_spec, "extensions", None) or {}
    if not any(key in extensions for key in CONVENTION_KEYS):
        return None

    def value(key: str) -> str | None:
        return property_value(task, key)

    def names(key: str) -> list[str]:
        return [item.strip() for item in (value(key) or "").split(",") if item.strip()]

    spec = task.task_spec
    return Effect(
        element_id=spec.bpmn_id,
        element_name=spec.bpmn_name,
        notify_groups=names("notify"),
        notify_users=names("notify_users"),
        template=value("template") or spec.bpmn_id,
        urgent=is_urgent(task),
        record=value("record"),
        record_data={name: task.data.get(name) for name in names("record_fields")},
        involve_agency=value("involve_agency"),
        involve_reason=value("involve_reason"),
        held_by=holder_of(task),
        disclose_to=names("disclose_to"),
        disclose_basis=value("disclose_basis"),
    )

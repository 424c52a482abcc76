"""Checks a user task asks for beyond its form's own constraints (``camunda:properties``).

Process owners add them in Camunda Modeler's "Extension properties" on the user task:

- ``user_of:FIELD`` = an agency code or ``${...}`` giving one: FIELD must hold the username of
  an active person of that agency (Professional Differences: the other practitioner is a real
  person of the other agency, who then gets their own task).
- ``check:FIELD`` = ``${...}``: the submission is refused unless it is true, evaluated on the
  task's data with the submitted values; ``check_message:FIELD`` says what to do instead.

A failing check is an ``InvalidSubmission`` naming the field, like any form error; nothing of
the step is saved. ``check:NAME`` on a **start event** does the same for a start: evaluated on
the start variables and the case's facts, a false check refuses the start (transition to
adulthood: a child too young for it needs the reason it was asked for, ``request_reason``).
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from sqlalchemy import select
from sqlalchemy.orm import Session

from .accounts import User
from .agencies import agency_name
from .errors import InvalidSubmission, ProcessError

USER_OF, CHECK, CHECK_MESSAGE = "user_of:", "check:", "check_message:"
DEFAULT_MESSAGE = "This answer is not allowed here"


def check_submission(session: Session, task, submitted: dict) -> None:
    """InvalidSubmission listing every failed check of the (already updated) live ``task``."""
    extensions = getattr(task.task_spec, "extensions", None) or {}
    errors: dict[str, str] = {}
    for key in extensions:
        if key.startswith(USER_OF):
            field = key[len(USER_OF) :]
            message = _user_problem(session, task.data.get(field), _value(task, key))
        elif key.startswith(CHECK):
            field = key[len(CHECK) :]
            passed = _value(task, key)
            message = None if passed else extensions.get(CHECK_MESSAGE + field) or DEFAULT_MESSAGE
        else:
            continue
        if message:
            errors[field] = message
    if errors:
        raise InvalidSubmission(errors, dict(submitted))


def check_start(workflow, submitted: dict) -> None:
    """InvalidSubmission listing every failed ``check:`` of the new ``workflow``'s start
    events, evaluated on its start data: the start is refused and nothing is saved."""
    errors: dict[str, str] = {}
    for spec in workflow.spec.task_specs.values():
        if not isinstance(spec, StartEvent):
            continue
        extensions = getattr(spec, "extensions", None) or {}
        for key, text in extensions.items():
            if not key.startswith(CHECK) or "${" not in (text or ""):
                continue
            try:
                passed = workflow.script_engine.evaluate(workflow.task_tree, text)
            except Exception as error:  # the sandbox's own errors say what went wrong
                raise ProcessError(f"{key} '{text}': {error}", spec.bpmn_id) from None
            if not passed:
                field = key[len(CHECK) :]
                errors[field] = extensions.get(CHECK_MESSAGE + field) or DEFAULT_MESSAGE
    if errors:
        raise InvalidSubmission(errors, dict(submitted))


def _value(task, key: str):
    """The property's value on the task's data: an expression's own value (a check's true or
    false), literal text as it is."""
    text = (task.task_spec.extensions or {}).get(key) or ""
    if "${" not in text:
        return text.strip()
    try:
        return task.workflow.script_engine.evaluate(task, text)
    except Exception as error:  # the sandbox's own errors say what went wrong
        raise ProcessError(f"{key} '{text}': {error}", task.task_spec.bpmn_id) from None


def _user_problem(session: Session, username, agency) -> str | None:
    """Why ``username`` is not an active person of ``agency`` (None when they are)."""
    name = agency_name(str(agency or ""))
    if not isinstance(username, str) or not username.strip():
        return f"Enter the username of a person at {name}"
    user = session.scalars(select(User).where(User.username == username.strip())).first()
    if user is None or not user.active or user.agency != agency:
        return f"'{username[:64]}' is not a JoinedUp user at {name}: enter their username"
    return None

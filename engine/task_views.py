"""What a task page needs: the task, its form, the values to show, and who may act."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import UserTask
from sqlalchemy import select
from sqlalchemy.orm import Session

from .access import NO_SUCH_TASK, ensure_may_see_task
from .actors import Actor, may_work_on
from .audit import jsonable
from .camunda_forms import CamundaForm, parse_form
from .decision_pages import CARRY_FORWARD, names
from .decision_pages.context import TaskContext, labels_of, task_context, wants_context
from .definitions import form_versions
from .errors import InvalidSubmission, NotFound, NotPermitted
from .form_rules import broken_rules, form_rules
from .forms import has_constraint, validate_form_submission, validate_submission
from .models import Definition, HumanTask, ProcessInstance, TaskDraft
from .runtime import spiff_task
from .wording.people import display_names, team_names
from .wording.words import Words


@dataclass
class TaskView:
    """A human task as its page shows it."""

    task: HumanTask
    instance_version: int
    fields: list = field(default_factory=list)
    camunda_form: CamundaForm | None = None
    values: dict[str, Any] = field(default_factory=dict)
    draft_saved_at: Any = None
    may_act: bool = False
    context: TaskContext = field(default_factory=TaskContext)


def visible_task(session: Session, task_id: int, actor: Actor) -> HumanTask:
    """A task whose page the actor may open: one they may see that is theirs to act on, or
    that they completed. NotFound (saying nothing) otherwise."""
    task = ensure_may_see_task(session, session.get(HumanTask, task_id), actor)
    if not (may_work_on(task, actor) or task.completed_by == actor.user_id):
        raise NotFound(NO_SUCH_TASK)
    return task


def ensure_may_act(session: Session, task: HumanTask, actor: Actor) -> None:
    """NotFound unless the actor may see the task; NotPermitted unless they are its
    candidate or assignee."""
    ensure_may_see_task(session, task, actor)
    if not may_work_on(task, actor):
        raise NotPermitted("This task is not yours to work on")


def user_task_spec(session: Session, runtime, instance: ProcessInstance, task: HumanTask):
    """The spec of the user task behind ``task``. Element ids are unique within a file, not
    across the processes it calls (a called process may use an id the caller gives a call
    activity or another user task): the one user task with that id, else the live task's own."""
    spec, subprocess_specs = runtime.specs.get(
        session, instance.definition_id, instance.dependency_ids
    )
    found = [
        process.task_specs[task.element_id]
        for process in (spec, *subprocess_specs.values())
        if process is not None and task.element_id in process.task_specs
    ]
    user_tasks = [task_spec for task_spec in found if isinstance(task_spec, UserTask)]
    if len(user_tasks) == 1:
        return user_tasks[0]
    live = spiff_task(runtime.load(session, instance), task.spiff_task_id)
    return live.task_spec if live is not None else (user_tasks or found or [None])[0]


def form_fields_of(task_spec) -> list:
    """The camunda:formData fields of a user task."""
    return list(task_spec.form.fields) if hasattr(task_spec, "form") else []


def camunda_form_of(session: Session, instance: ProcessInstance, task_spec) -> CamundaForm | None:
    """The Camunda Form a user task links to, as pinned when the instance started."""
    link = getattr(task_spec, "form_link", None)
    if link is None:
        return None
    query = form_versions(link).where(Definition.id.in_(instance.dependency_ids or []))
    form = session.scalars(query.order_by(Definition.id.desc()).limit(1)).first()
    if form is None:
        raise NotFound(
            f"The form for '{task_spec.bpmn_name or task_spec.bpmn_id}' was not deployed when "
            "this process started"
        )
    return _parsed_form(form.id, form.source, form.resource_name)


@lru_cache(maxsize=128)
def _parsed_form(_definition_id: int, source: str, filename: str) -> CamundaForm:
    return parse_form(source, filename)  # definitions are immutable, so id + text is a safe key


def validate_task_data(session, instance, task_spec, submitted: dict, current: dict) -> dict:
    """Submitted values checked against the task's Camunda Form or its generated form."""
    camunda_form = camunda_form_of(session, instance, task_spec)
    if camunda_form is not None:
        cleaned = validate_form_submission(camunda_form, submitted, current)
        labels = {component.key: component.label for component in camunda_form.inputs()}
    else:
        cleaned = validate_submission(getattr(task_spec, "form", None), submitted, current)
        labels = {field.id: field.label or field.id for field in form_fields_of(task_spec)}
    rules = form_rules(camunda_form, form_fields_of(task_spec))
    if errors := broken_rules(rules, {**current, **cleaned}, labels):
        raise InvalidSubmission(errors, dict(submitted))
    return cleaned


def properties_of(task_spec) -> dict:
    """The ``camunda:properties`` of a user task."""
    return dict(getattr(task_spec, "extensions", None) or {})


def draft_of(session: Session, task_id: int, user_id: str) -> TaskDraft | None:
    """The actor's saved draft of a task, if any."""
    query = select(TaskDraft).where(
        TaskDraft.human_task_id == task_id, TaskDraft.user_id == user_id
    )
    return session.scalars(query).first()


def build_view(session: Session, runtime, task: HumanTask, actor: Actor) -> TaskView:
    """Fields from the deployed spec; values from the person's draft, else the form's defaults
    and only the fields the diagram carries forward (``carry_forward``) or shows read-only;
    the context the task asks for (``engine.decision_pages``)."""
    instance = session.get(ProcessInstance, task.instance_id)
    task_spec = user_task_spec(session, runtime, instance, task)
    fields = form_fields_of(task_spec)
    camunda_form = camunda_form_of(session, instance, task_spec)
    properties = properties_of(task_spec)
    data = _LiveData(session, runtime, instance, task)
    draft = draft_of(session, task.id, actor.user_id)
    values = opening_values(fields, camunda_form, properties, data)
    if draft is not None:
        values.update(draft.data)  # the person's own answers win; read-only values stay
    context = TaskContext()
    if wants_context(properties):
        specs = runtime.specs.get(session, instance.definition_id, instance.dependency_ids)
        labels = labels_of(*specs)
        people, teams = display_names(session), team_names(session)
        words = Words(people=people, teams=teams, labels={instance.id: labels})
        context = task_context(
            session,
            instance.id,
            properties,
            labels,
            data.get(),
            actor,
            lambda name, value: words.value(name, value, instance.id),
        )
    return TaskView(
        task=task,
        instance_version=instance.version,
        fields=fields,
        camunda_form=camunda_form,
        values=jsonable(values),
        draft_saved_at=draft.saved_at if draft else None,
        may_act=task.status in ("open", "claimed") and may_work_on(task, actor),
        context=context,
    )


def opening_values(fields: list, camunda_form, properties: dict, data: _LiveData) -> dict:
    """What a form opens with before the person's own draft is laid over it: generated forms'
    defaults, then the current value of each field listed in ``carry_forward`` or shown
    read-only. Nothing else comes from a same-named variable someone set earlier."""
    if camunda_form is not None:
        readonly = {c.key for c in camunda_form.inputs() if c.readonly}
        keys, defaults = [c.key for c in camunda_form.inputs()], {}
    else:
        readonly = {f.id for f in fields if has_constraint(f, "readonly")}
        keys = [f.id for f in fields]
        defaults = {f.id: f.default_value for f in fields if f.default_value not in (None, "")}
    carried = (set(names(properties.get(CARRY_FORWARD))) | readonly) & set(keys)
    if not carried or not data.task_is_open:
        return defaults
    current = data.get()
    return {
        **defaults,
        **{k: current[k] for k in keys if k in carried and current.get(k) is not None},
    }


class _LiveData:
    """The task's data, loaded from the instance the first time something needs it."""

    def __init__(self, session: Session, runtime, instance: ProcessInstance, task: HumanTask):
        self._load = lambda: spiff_task(runtime.load(session, instance), task.spiff_task_id)
        self.task_is_open = task.status in ("open", "claimed")
        self._data: dict | None = None

    def get(self) -> dict:
        if self._data is None:
            live = self._load()
            self._data = dict(live.data) if live is not None else {}
        return self._data

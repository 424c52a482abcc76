"""User tasks with the Camunda 7 attributes Modeler writes (assignee, candidates, dates, forms)."""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.camunda.parser.task_spec import UserTaskParser as CamundaUserTaskParser
from SpiffWorkflow.camunda.specs.user_task import UserTask as CamundaUserTask

from .io_mappings import LocalParameters
from .lanes import lanes_are_groups
from .multi_instance import CAMUNDA_NS, CollectionByName
from .resource_assignment import resource_assignment


@dataclass(frozen=True)
class TaskAssignment:
    """Raw attribute text; expressions are evaluated when the task becomes ready."""

    assignee: str | None = None
    candidate_groups: str | None = None
    candidate_users: str | None = None
    due_date: str | None = None
    follow_up_date: str | None = None
    priority: str | None = None
    lane: str | None = None  # only when the process opts in (dialect.lanes)


FORM_KEY_PREFIX = "camunda-forms:deployment:"  # the older way to link a Camunda Form


def form_ref(user_task) -> dict | None:
    """The Camunda Form a user task links to: ``{"form", "resource", "binding", "version"}``.

    ``camunda:formRef`` names the form's id; the older ``camunda:formKey`` of the shape
    ``camunda-forms:deployment:ask.form`` names the file deployed with the process.
    """
    attribute = user_task.get(f"{{{CAMUNDA_NS}}}formRef")
    form_key = user_task.get(f"{{{CAMUNDA_NS}}}formKey") or ""
    if attribute:
        version = user_task.get(f"{{{CAMUNDA_NS}}}formRefVersion")
        return {
            "form": attribute.strip(),
            "resource": None,
            "binding": user_task.get(f"{{{CAMUNDA_NS}}}formRefBinding") or "latest",
            "version": int(version) if version and version.strip().isdigit() else None,
            "element": user_task.get("id"),
        }
    if form_key.startswith(FORM_KEY_PREFIX):
        return {
            "form": None,
            "resource": form_key[len(FORM_KEY_PREFIX) :],
            "binding": "deployment",
            "version": None,
            "element": user_task.get("id"),
        }
    return None


class AssignableUserTask(LocalParameters, CamundaUserTask):
    """A user task spec that keeps who may do it, when it is due and which form it shows."""

    def __init__(self, wf_spec, name, form, assignment=None, form_link=None, **kwargs):
        super().__init__(wf_spec, name, form, **kwargs)
        self.assignment = assignment or TaskAssignment()
        self.form_link = form_link  # see form_ref


class AssignableUserTaskParser(CollectionByName, CamundaUserTaskParser):
    """Reads the attributes SpiffWorkflow's Camunda parser ignores."""

    def create_task(self):
        return self.spec_class(
            self.spec,
            self.bpmn_id,
            form=self.get_form(),
            assignment=self._assignment(),
            form_link=form_ref(self.node),
            **self.bpmn_attributes,
        )

    def _camunda(self, name: str) -> str | None:
        value = self.node.get(f"{{{CAMUNDA_NS}}}{name}")
        return value.strip() if value and value.strip() else None

    def _assignment(self) -> TaskAssignment:
        standard = resource_assignment(self.node)  # Camunda's attributes come first
        return TaskAssignment(
            assignee=self._camunda("assignee") or standard.assignee,
            candidate_groups=_joined(self._camunda("candidateGroups"), standard.candidate_groups),
            candidate_users=_joined(self._camunda("candidateUsers"), standard.candidate_users),
            due_date=self._camunda("dueDate"),
            follow_up_date=self._camunda("followUpDate"),
            priority=self._camunda("priority"),
            lane=self.lane if lanes_are_groups(self.node) else None,
        )


def _joined(*lists: str | None) -> str | None:
    """Comma-separated names from several sources, or None when there are none."""
    return ", ".join(text for text in lists if text) or None

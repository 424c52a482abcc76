"""User tasks with the Camunda 7 attributes Modeler writes (assignee, candidates, dates, forms)."""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.camunda.parser.task_spec import UserTaskParser as CamundaUserTaskParser
from SpiffWorkflow.camunda.specs.user_task import UserTask as CamundaUserTask

from .multi_instance import CAMUNDA_NS, CollectionByName


@dataclass(frozen=True)
class TaskAssignment:
    """Raw attribute text; expressions are evaluated when the task becomes ready."""

    assignee: str | None = None
    candidate_groups: str | None = None
    candidate_users: str | None = None
    due_date: str | None = None
    follow_up_date: str | None = None
    priority: str | None = None
    lane: str | None = None


@dataclass(frozen=True)
class FormReference:
    """A Camunda Form (form-js) linked by ``camunda:formRef`` or ``camunda:formKey``."""

    form_ref: str | None = None
    binding: str = "latest"
    version: str | None = None
    form_key: str | None = None


class AssignableUserTask(CamundaUserTask):
    """A user task spec that keeps who may do it, when it is due and which form it shows."""

    def __init__(self, wf_spec, name, form, assignment=None, form_reference=None, **kwargs):
        super().__init__(wf_spec, name, form, **kwargs)
        self.assignment = assignment or TaskAssignment()
        self.form_reference = form_reference or FormReference()


class AssignableUserTaskParser(CollectionByName, CamundaUserTaskParser):
    """Reads the attributes SpiffWorkflow's Camunda parser ignores."""

    def create_task(self):
        return self.spec_class(
            self.spec,
            self.bpmn_id,
            form=self.get_form(),
            assignment=self._assignment(),
            form_reference=self._form_reference(),
            **self.bpmn_attributes,
        )

    def _camunda(self, name: str) -> str | None:
        value = self.node.get(f"{{{CAMUNDA_NS}}}{name}")
        return value.strip() if value and value.strip() else None

    def _assignment(self) -> TaskAssignment:
        return TaskAssignment(
            assignee=self._camunda("assignee"),
            candidate_groups=self._camunda("candidateGroups"),
            candidate_users=self._camunda("candidateUsers"),
            due_date=self._camunda("dueDate"),
            follow_up_date=self._camunda("followUpDate"),
            priority=self._camunda("priority"),
            lane=self.lane,
        )

    def _form_reference(self) -> FormReference:
        return FormReference(
            form_ref=self._camunda("formRef"),
            binding=self._camunda("formRefBinding") or "latest",
            version=self._camunda("formRefVersion"),
            form_key=self._camunda("formKey"),
        )

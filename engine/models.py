"""Tables. Models are data; the service modules own every change to them.

The inbox, the timer sweep, message correlation and reports read the indexed tables here
(``human_task``, ``timer``, ``message_subscription``, ``audit_event``); only a step on one
instance ever loads that instance's serialized state.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base

OPEN, CLAIMED, COMPLETED, CANCELLED = "open", "claimed", "completed", "cancelled"
ACTIVE_TASK_STATES = (OPEN, CLAIMED)
RUNNING, ENDED, ERROR = "running", "completed", "error"


# Partial indexes hold approval tasks only; a query uses one when its WHERE has the same term
# (SQLite matches it as written: "approval = 1" is how a true() comparison renders there).
HELD_APPROVALS = {
    "postgresql_where": text("approval IS NOT NULL"),
    "sqlite_where": text("approval IS NOT NULL"),
}
OFFERED_APPROVALS = {"postgresql_where": text("approval"), "sqlite_where": text("approval = 1")}


class Deployment(Base):
    """One deploy action: a set of files sent together (CLI, web upload or Camunda Modeler)."""

    __tablename__ = "deployment"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(64))
    deployed_by: Mapped[str | None] = mapped_column(String(255))
    deployed_at: Mapped[datetime]
    definitions: Mapped[list[Definition]] = relationship(back_populates="deployment")


class Definition(Base):
    """One version of one definition file (BPMN, DMN or form). Immutable once written."""

    __tablename__ = "definition"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployment.id"), index=True)
    key: Mapped[str] = mapped_column(String(255))
    version: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str | None] = mapped_column(String(255))
    resource_name: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    called_elements: Mapped[list] = mapped_column(default=list)
    decision_refs: Mapped[list] = mapped_column(default=list)
    # Camunda Forms linked from user tasks: {"form", "resource", "binding", "version", "element"}
    form_refs: Mapped[list] = mapped_column(default=list)
    starter_groups: Mapped[list] = mapped_column(default=list)
    # the kind of family member (unborn, child, adult) a process started on a case is about
    subject_kind: Mapped[str | None] = mapped_column(String(16))
    # camunda:historyTimeToLive in days (engine.retention); None: the partnership's default
    history_ttl_days: Mapped[int | None]
    deployed_by: Mapped[str | None] = mapped_column(String(255))
    deployed_at: Mapped[datetime]
    deployment: Mapped[Deployment] = relationship(back_populates="definitions")


class DefinitionElement(Base):
    """Which definition versions provide a process or decision id (for call activities, DMN)."""

    __tablename__ = "definition_element"
    __table_args__ = (Index(None, "kind", "element_id", "definition_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition.id"))
    kind: Mapped[str] = mapped_column(String(16))
    element_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    executable: Mapped[bool] = mapped_column(default=True)


class ProcessInstance(Base):
    """One running or finished process, its serialized state and its lock version."""

    __tablename__ = "process_instance"
    __table_args__ = (
        Index(None, "business_key", "process_key"),
        Index(None, "case_ref", "status"),
        Index(None, "definition_id", "status"),
        Index(None, "definition_id", "status", "ended_at"),  # engine.retention: what is due
        Index(None, "subject_id", "status"),  # engine.casework: a subject of running work stays
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition.id"))
    dependency_ids: Mapped[list] = mapped_column(default=list)
    process_key: Mapped[str] = mapped_column(String(255))
    process_name: Mapped[str | None] = mapped_column(String(255))
    business_key: Mapped[str | None] = mapped_column(String(255))
    case_ref: Mapped[str | None] = mapped_column(String(64))
    held_by: Mapped[str | None] = mapped_column(String(64))  # engine.disclosure
    # the family member a process started on a case is about (cases.case_variables)
    subject_id: Mapped[int | None]
    # engine.wording.subjects: what the process is about (its ``summary`` property)
    summary: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default=RUNNING)
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(default=1)
    waiting_events: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime]
    started_by: Mapped[str | None] = mapped_column(String(255))
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(Text)

    __mapper_args__ = {"version_id_col": version}


class HumanTask(Base):
    """A user task as the inbox sees it; kept in step with the instance in the same commit."""

    __tablename__ = "human_task"
    __table_args__ = (
        # engine.inbox reads each in (key, id) order from a cursor: the id must be in the index
        Index(None, "status", "assignee", "due_at", "id"),
        Index(None, "status", "due_at"),
        Index(None, "instance_id", "status"),
        Index(None, "completed_by", "completed_at", "id"),
        Index(None, "approval", "status"),
        # a manager's approvals page: the approval tasks they hold, and only those
        Index(
            "ix_human_task_approvals_held", "status", "assignee", "due_at", "id", **HELD_APPROVALS
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    spiff_task_id: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    documentation: Mapped[str | None] = mapped_column(Text)
    process_key: Mapped[str] = mapped_column(String(255))
    process_name: Mapped[str | None] = mapped_column(String(255))
    case_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    held_by: Mapped[str | None] = mapped_column(String(64))  # engine.disclosure
    business_key: Mapped[str | None] = mapped_column(String(255))
    assignee: Mapped[str | None] = mapped_column(String(255))
    candidate_groups: Mapped[list] = mapped_column(default=list)
    candidate_users: Mapped[list] = mapped_column(default=list)
    due_at: Mapped[datetime | None]
    follow_up_at: Mapped[datetime | None]
    priority: Mapped[int] = mapped_column(default=50)
    approval: Mapped[str | None] = mapped_column(String(64))
    urgent: Mapped[bool] = mapped_column(default=False)  # notify_urgency=urgent on the task
    # engine.decision_pages: the subject, and the stage of the process's declared stages
    summary: Mapped[str | None] = mapped_column(String(500))
    stage: Mapped[int | None]
    stage_names: Mapped[list] = mapped_column(default=list)
    stage_moves_at: Mapped[datetime | None]  # an interrupting timer moves the work on
    status: Mapped[str] = mapped_column(String(12), default=OPEN)
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(255))
    reminded_due_soon_at: Mapped[datetime | None]
    reminded_overdue_at: Mapped[datetime | None]
    # engine.reminders: who is told when the deadline is missed, and when they were told
    escalate_to: Mapped[list] = mapped_column(default=list)
    escalate_after_days: Mapped[int] = mapped_column(default=0)
    escalated_at: Mapped[datetime | None]

    @property
    def stage_name(self) -> str | None:
        """The name of the task's stage, when its process declares stages."""
        return self.stage_names[self.stage - 1] if self.stage and self.stage_names else None

    @property
    def stage_count(self) -> int:
        """How many stages the task's process declares (0: none)."""
        return len(self.stage_names or [])


class TaskCandidate(Base):
    """One candidate group or user of an active human task: the inbox's index.

    ``offered`` is true while nobody holds the task and ``due_at`` copies the task's, so "what
    may I pick up, soonest first" is answered from this narrow index alone. Rows are deleted
    when the task closes (the task keeps its candidate lists for history).
    """

    __tablename__ = "human_task_candidate"
    __table_args__ = (
        Index(None, "kind", "value", "offered", "due_at", "human_task_id"),
        # the inbox filtered by case reads only that case's candidates (engine.inbox)
        Index(
            "ix_human_task_candidate_by_case",
            "case_ref",
            "kind",
            "value",
            "offered",
            "due_at",
            "human_task_id",
        ),
        # the approvals page: the approval tasks offered to a person or group, and only those
        Index(
            "ix_human_task_candidate_approvals",
            "kind",
            "value",
            "offered",
            "due_at",
            "human_task_id",
            **OFFERED_APPROVALS,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    human_task_id: Mapped[int] = mapped_column(
        ForeignKey("human_task.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(255))
    offered: Mapped[bool] = mapped_column(default=True)
    approval: Mapped[bool] = mapped_column(default=False, server_default=false())  # its task's
    due_at: Mapped[datetime | None]
    case_ref: Mapped[str | None] = mapped_column(String(64))


class Timer(Base):
    """A waiting timer event with its absolute due time; the sweep reads only this table."""

    __tablename__ = "timer"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    fire_at: Mapped[datetime] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class MessageSubscription(Base):
    """A catch event waiting for a named message; correlation reads this, not the state."""

    __tablename__ = "message_subscription"
    __table_args__ = (Index(None, "message_name", "business_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(255))
    message_name: Mapped[str] = mapped_column(String(255))
    business_key: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]


class AuditEvent(Base):
    """Who did what, when, to which instance: the case timeline is built from these rows."""

    __tablename__ = "audit_event"
    __table_args__ = (Index(None, "instance_id", "id"), Index(None, "case_ref", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    case_ref: Mapped[str | None] = mapped_column(String(64))
    held_by: Mapped[str | None] = mapped_column(String(64))  # engine.disclosure
    event_type: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(255))
    at: Mapped[datetime]
    element_id: Mapped[str | None] = mapped_column(String(255))
    task_name: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict] = mapped_column(default=dict)


class TaskDraft(Base):
    """Form values a person saved without completing the task ("Save draft")."""

    __tablename__ = "task_draft"
    __table_args__ = (UniqueConstraint("human_task_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    human_task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(255))
    data: Mapped[dict] = mapped_column(default=dict)
    saved_at: Mapped[datetime]

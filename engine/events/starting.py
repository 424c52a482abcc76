"""Starting an instance inside a caller's transaction, at a chosen start event: a mixin of
``Engine`` shared by a start by hand, a timer start event and a signal start event."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import definitions as defs
from ..actors import Actor
from ..audit import record
from ..casework.members import is_id
from ..dialect.parser import initiator_variable
from ..dialect.start_events import CHOSEN, begin_at
from ..disclosure.holders import instance_holder
from ..errors import NotFound
from ..inputs.timescales import check_overrides
from ..models import RUNNING, Definition, ProcessInstance
from ..submission_checks import check_start


class InstanceStarting:
    """Creates, runs to its first wait and saves a new instance of one definition version."""

    def start_in(
        self,
        session: Session,
        definition: Definition,
        variables: dict | None,
        *,
        actor: Actor | None = None,
        business_key: str | None = None,
        case_ref: str | None = None,
        start_event: str | None = None,
        started_by: str | None = None,
    ) -> ProcessInstance:
        """Start ``definition`` inside the caller's transaction, at ``start_event`` (a timer or
        signal start) or else its initial start event, and run it to its first wait."""
        now = self.clock.now()
        who = started_by or (actor.user_id if actor else None)
        key = definition.key
        dependencies, missing = defs.resolve_dependencies(session, definition)
        if missing:
            names = ", ".join(f"{kind} '{ref}'" for kind, ref in missing)
            raise NotFound(f"Process '{key}' needs {names}, which is not deployed")
        dependency_ids = [d.id for d in dependencies]
        workflow = self.runtime.new_workflow(session, definition.id, dependency_ids, variables)
        begin_at(workflow, start_event)
        check_overrides(getattr(workflow.spec, "timescales", {}), variables, actor)
        if (name := initiator_variable(workflow.spec)) and actor:
            workflow.task_tree.data[name] = actor.user_id
        check_start(workflow, variables)
        instance = ProcessInstance(
            definition_id=definition.id,
            dependency_ids=dependency_ids,
            process_key=key,
            process_name=definition.name,
            business_key=business_key,
            case_ref=case_ref,
            held_by=instance_holder(workflow),
            subject_id=_subject_id(definition, case_ref, variables),
            status=RUNNING,
            state="{}",
            serializer_version="",
            started_at=now,
            started_by=actor.user_id if actor else None,
        )
        session.add(instance)
        session.flush()
        record(
            session,
            "instance_started",
            who,
            now,
            instance=instance,
            details={
                "version": definition.version,
                "variables": variables or {},
                "business_key": business_key,
                "start_event": workflow.task_tree.internal_data.get(CHOSEN),
            },
        )
        self.runtime.advance_and_save(session, instance, workflow, now, who)
        return instance


def _subject_id(definition: Definition, case_ref: str | None, variables: dict | None):
    """The member a process about one member of its case is about: ``start_on_case`` puts the
    case's ``subject_id`` over anything the starter sent."""
    subject_id = (variables or {}).get("subject_id")
    if case_ref is None or not definition.subject_kind or not is_id(subject_id):
        return None
    return subject_id

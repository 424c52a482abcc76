"""Starting an instance inside a caller's transaction, at a chosen start event: a mixin of
``Engine`` shared by a start by hand, a timer start event and a signal start event."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import definitions as defs
from ..actors import Actor
from ..audit import record
from ..cases import FamilyCase, FamilyMember
from ..dialect.parser import initiator_variable
from ..dialect.start_events import CHOSEN, begin_at
from ..disclosure.holders import instance_holder
from ..errors import InvalidSubmission, NotFound
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
        subject_id: int | None = None,
    ) -> ProcessInstance:
        """Start ``definition`` inside the caller's transaction, at ``start_event`` (a timer or
        signal start) or else its initial start event, and run it to its first wait.
        ``subject_id``: the member of the case it is about (``start_on_case``), still there."""
        now = self.clock.now()
        if subject_id is not None:
            ensure_still_on_case(session, case_ref, subject_id)
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
            subject_id=subject_id,
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


def ensure_still_on_case(session: Session, case_ref: str | None, member_id: int) -> None:
    """The member is still on the case, their row and the case's locked until this commits
    (removing a member locks the case first, then asks what runs about them)."""
    query = (
        select(FamilyMember.id)
        .join(FamilyCase, FamilyCase.id == FamilyMember.case_id)
        .where(FamilyMember.id == member_id, FamilyCase.reference == case_ref)
        .with_for_update()
    )
    if session.scalar(query) is None:
        raise InvalidSubmission(
            {"subject": "The person this process is about is no longer on the case"}
        )

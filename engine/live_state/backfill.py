"""Pruning the saved state of instances that ran before pruning existed (migration 0021)."""

from __future__ import annotations

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from ..definitions import SpecCache
from ..dialect.serializer import StateSerializer
from ..models import RUNNING, ProcessInstance
from .pruning import prune_state

BATCH = 100


def prune_saved_states(connection: Connection, batch: int = BATCH) -> int:
    """Prune every running instance's saved state, ``batch`` rows at a time (only one batch
    of workflows in memory); the number of rows rewritten."""
    serializer, specs = StateSerializer(), SpecCache(size=32)
    session = Session(bind=connection)
    rewritten, after = 0, 0
    columns = (
        ProcessInstance.id,
        ProcessInstance.definition_id,
        ProcessInstance.dependency_ids,
        ProcessInstance.state,
    )
    while True:
        query = (
            select(*columns)
            .where(ProcessInstance.status == RUNNING, ProcessInstance.id > after)
            .order_by(ProcessInstance.id)
            .limit(batch)
        )
        rows = session.execute(query).all()
        if not rows:
            return rewritten
        for instance_id, definition_id, dependency_ids, state in rows:
            spec, subprocess_specs = specs.get(session, definition_id, dependency_ids or [])
            pruned = prune_state(serializer, state, spec, subprocess_specs, None)
            if pruned is not None:
                session.execute(
                    update(ProcessInstance)
                    .where(ProcessInstance.id == instance_id)
                    .values(state=pruned)
                    .execution_options(synchronize_session=False)
                )
                rewritten += 1
        after = rows[-1][0]
        session.expunge_all()

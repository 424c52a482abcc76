"""Counts for dashboards, read from indexed tables with aggregate queries."""

from __future__ import annotations

from sqlalchemy import func, select

from .definitions import definition_summaries
from .models import ACTIVE_TASK_STATES, RUNNING, HumanTask, ProcessInstance, Timer
from .service import Engine


def overview(engine: Engine) -> dict:
    """Definitions with running-instance counts, and totals of running work."""
    with engine.db.reading() as session:
        running = dict(
            session.execute(
                select(ProcessInstance.process_key, func.count())
                .where(ProcessInstance.status == RUNNING)
                .group_by(ProcessInstance.process_key)
            ).all()
        )
        open_tasks = session.scalar(
            select(func.count())
            .select_from(HumanTask)
            .where(HumanTask.status.in_(ACTIVE_TASK_STATES))
        )
        timers = session.scalar(select(func.count()).select_from(Timer))
        definitions = definition_summaries(session)
    for row in definitions:
        row["running"] = running.get(row["key"], 0)
    return {
        "definitions": definitions,
        "totals": {
            "running_instances": sum(running.values()),
            "open_tasks": open_tasks,
            "waiting_timers": timers,
        },
    }

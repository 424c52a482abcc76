"""Counts of running work, read from indexed tables with aggregate queries."""

from __future__ import annotations

from sqlalchemy import func, select

from .models import ACTIVE_TASK_STATES, RUNNING, HumanTask, ProcessInstance, Timer
from .service import Engine


def totals(engine: Engine) -> dict:
    """Running instances, open tasks and waiting timers (cheap enough for a health probe)."""
    with engine.db.reading() as session:
        running = session.scalar(
            select(func.count())
            .select_from(ProcessInstance)
            .where(ProcessInstance.status == RUNNING)
        )
        open_tasks = session.scalar(
            select(func.count())
            .select_from(HumanTask)
            .where(HumanTask.status.in_(ACTIVE_TASK_STATES))
        )
        timers = session.scalar(select(func.count()).select_from(Timer))
    return {"running_instances": running, "open_tasks": open_tasks, "waiting_timers": timers}

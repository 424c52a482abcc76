"""Shared by the benchmarks: the three-task process and bulk seeding of indexed rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, text

from engine.db import Database
from engine.models import HumanTask, ProcessInstance, TaskCandidate, Timer

THREE_TASKS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="bench_defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="three_tasks" name="Three tasks" isExecutable="true" camunda:candidateStarterGroups="practitioner">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="one" name="One" camunda:candidateGroups="practitioner"/>
    <bpmn:userTask id="two" name="Two" camunda:candidateGroups="practitioner"/>
    <bpmn:userTask id="three" name="Three" camunda:candidateGroups="practitioner"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="one"/>
    <bpmn:sequenceFlow id="f2" sourceRef="one" targetRef="two"/>
    <bpmn:sequenceFlow id="f3" sourceRef="two" targetRef="three"/>
    <bpmn:sequenceFlow id="f4" sourceRef="three" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def seed_open_tasks(
    db: Database,
    tasks: int,
    per_instance: int = 5,
    groups: int = 20,
    group_names: list[str] | None = None,
) -> None:
    """``tasks`` open human tasks in ``tasks / per_instance`` instances on 5,000 cases; each
    offered to one of ``groups`` groups, a third of them already claimed."""
    now = datetime(2026, 11, 23, tzinfo=UTC)
    instances = tasks // per_instance
    with db.unit_of_work() as session:
        definition_id = session.execute(text("SELECT min(id) FROM definition")).scalar()
        session.execute(
            insert(ProcessInstance),
            [
                {
                    "id": 1_000_000 + i,
                    "definition_id": definition_id,
                    "dependency_ids": [],
                    "process_key": "three_tasks",
                    "status": "running",
                    "state": "{}",
                    "serializer_version": "1.5",
                    "version": 1,
                    "started_at": now,
                    "case_ref": f"C-{i % 5000}",
                }
                for i in range(instances)
            ],
        )
        rows, candidates = [], []
        for n in range(tasks):
            task_id = 1_000_000 + n
            group = group_names[n % len(group_names)] if group_names else f"group-{n % groups}"
            rows.append(
                {
                    "id": task_id,
                    "instance_id": 1_000_000 + n // per_instance,
                    "spiff_task_id": str(uuid.UUID(int=n)),
                    "element_id": "one",
                    "name": "One",
                    "process_key": "three_tasks",
                    "candidate_groups": [group],
                    "candidate_users": [],
                    "assignee": f"user-{n % 997}" if n % 3 == 0 else None,
                    "due_at": now + timedelta(hours=n % 500),
                    "case_ref": f"C-{(n // per_instance) % 5000}",
                    "priority": 50,
                    "status": "claimed" if n % 3 == 0 else "open",
                    "created_at": now,
                }
            )
            candidates.append(
                {
                    "human_task_id": task_id,
                    "kind": "group",
                    "value": group,
                    "offered": rows[-1]["assignee"] is None,
                    "due_at": rows[-1]["due_at"],
                    "case_ref": rows[-1]["case_ref"],
                }
            )
        session.execute(insert(HumanTask), rows)
        session.execute(insert(TaskCandidate), candidates)


def seed_waiting_timers(db: Database, timers: int) -> None:
    """Timers spread over the instances seed_open_tasks made (however many tasks it had)."""
    later = datetime(2030, 1, 1, tzinfo=UTC)
    with db.unit_of_work() as session:
        instances = session.scalar(select(func.count()).where(ProcessInstance.id >= 1_000_000)) or 1
        session.execute(
            insert(Timer),
            [
                {
                    "instance_id": 1_000_000 + n % instances,
                    "spiff_task_id": str(uuid.UUID(int=10**9 + n)),
                    "element_id": "wait",
                    "kind": "duration",
                    "due_at": later + timedelta(minutes=n),
                    "fire_at": later + timedelta(minutes=n),
                    "attempts": 0,
                }
                for n in range(timers)
            ],
        )

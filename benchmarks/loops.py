"""Long cases: state size and completion time of a one-task loop at iteration 10 and 400.

    python benchmarks/loops.py [--quick]

Issue 20 goal 2: both within 1.5x of iteration 10 at iteration 400 (pruned live state).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.engine import fresh_postgres, postgres_url  # noqa: E402
from benchmarks.table import Row  # noqa: E402
from engine.actors import Actor  # noqa: E402
from engine.clock import FrozenClock  # noqa: E402
from engine.db import Database, make_engine  # noqa: E402
from engine.models import HumanTask, ProcessInstance  # noqa: E402
from engine.resources import read_resource  # noqa: E402
from engine.schema import upgrade  # noqa: E402
from engine.service import Engine  # noqa: E402

ACTOR = Actor.of("bench", "practitioner")
LOOP = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_loop" targetNamespace="x">
<bpmn:process id="visits" isExecutable="true">
<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="merge"/>
<bpmn:userTask id="visit" name="Visit" camunda:candidateGroups="practitioner"/>
<bpmn:exclusiveGateway id="more"/><bpmn:endEvent id="end"/>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="merge"/>
<bpmn:sequenceFlow id="f2" sourceRef="merge" targetRef="visit"/>
<bpmn:sequenceFlow id="f3" sourceRef="visit" targetRef="more"/>
<bpmn:sequenceFlow id="again" sourceRef="more" targetRef="merge">
<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${again}</bpmn:conditionExpression>
</bpmn:sequenceFlow>
<bpmn:sequenceFlow id="done" sourceRef="more" targetRef="end">
<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${!again}</bpmn:conditionExpression>
</bpmn:sequenceFlow>
</bpmn:process></bpmn:definitions>
"""
WINDOW = 20  # completions timed from iteration 10 on, and up to the last (median of each)


def loop_figures(url: str, iterations: int) -> dict[int, tuple[int, float]]:
    """{iteration: (state bytes, median completion ms)} at 10 and ``iterations``."""
    database = make_engine(url)
    upgrade(database)
    database.dispose()
    clock = FrozenClock("2026-11-23T10:00:00+00:00")
    engine = Engine(Database(url), clock=clock)
    engine.deploy([read_resource("visits.bpmn", LOOP)])
    ref = engine.start("visits", {}, actor=ACTOR)
    sizes, timings = {}, []
    for iteration in range(1, iterations + 1):
        with engine.db.reading() as session:
            task_id = session.query(HumanTask.id).filter_by(instance_id=ref.id, status="open")
            task_id = task_id.scalar()
        clock.advance(minutes=1)  # one visit at a time, as in life (a frozen clock is not)
        started = time.perf_counter()
        engine.complete(task_id, {"again": True, "visit": iteration}, ACTOR)
        timings.append((time.perf_counter() - started) * 1000)
        if iteration in (10, iterations):
            with engine.db.reading() as session:
                sizes[iteration] = len(session.get(ProcessInstance, ref.id).state)
    figures = {
        10: (sizes[10], statistics.median(timings[9 : 9 + WINDOW])),
        iterations: (sizes[iterations], statistics.median(timings[-WINDOW:])),
    }
    engine.db.dispose()
    return figures


def ladder_state(url: str) -> tuple[int, int]:
    """(state bytes, tasks kept) of a professional difference at the partnership's rung."""
    from engine.demo import DEMO_PASSWORD, PEOPLE
    from tests.helpers import Scenario
    from tests.test_professional_differences import Ladder

    database = make_engine(url)
    upgrade(database)
    database.dispose()
    clock = FrozenClock("2026-11-23T09:00:00+00:00")
    engine = Engine(Database(url), clock=clock)
    scenario = Scenario(engine, clock)
    scenario.deploy_shipped()
    for username, name, agency, roles, team in PEOPLE:
        engine.create_user(
            username=username,
            password=DEMO_PASSWORD,
            display_name=name,
            agency=agency,
            roles=roles,
            team=team,
        )
    ladder = Ladder(scenario, engine, clock)
    jade = {"name": "Jade Taylor", "kind": "adult", "date_of_birth": date(1996, 2, 14)}
    involved = [("adult-mental-health", "pat"), ("childrens-social-care", "sam")]
    engine.create_case(
        ladder.pat.actor,
        reference="CASE-1",
        family_name="Taylor",
        members=[jade],
        involvements=[{"agency": a, "worker_username": w} for a, w in involved],
    )
    ladder.raise_difference().to_stage(4)
    with engine.db.reading() as session:
        state = session.get(ProcessInstance, ladder.instance_id).state
    engine.db.dispose()
    return len(state), len(json.loads(state)["tasks"])


def _rows_for(label: str, figures: dict, last: int) -> list[Row]:
    (size10, ms10), (size_n, ms_n) = figures[10], figures[last]
    return [
        Row(
            "2 long cases",
            f"loop state size at {last} vs 10, {label}",
            f"{size_n / 1024:.1f} KB (10: {size10 / 1024:.1f} KB)",
            size_n / size10,
            "iteration 10",
            "<= 1.5x",
            size_n / size10 <= 1.5,
        ),
        Row(
            "2 long cases",
            f"loop completion at {last} vs 10, {label}",
            f"{ms_n:.1f} ms (10: {ms10:.1f} ms)",
            ms_n / ms10,
            "iteration 10",
            "<= 1.5x",
            ms_n / ms10 <= 1.5,
        ),
    ]


def rows(quick: bool) -> list[Row]:
    """State size and completion time at iteration 10 and 400 (quick too: it takes ~20 s)."""
    last = 400
    found = []
    with tempfile.TemporaryDirectory() as folder:
        found += _rows_for("SQLite", loop_figures(f"sqlite:///{folder}/loops.sqlite", last), last)
        size, tasks = ladder_state(f"sqlite:///{folder}/ladder.sqlite")
        found.append(
            Row(
                "2 long cases",
                "professional differences state at the partnership's rung",
                f"{size / 1024:.1f} KB, {tasks} tasks kept",
            )
        )
    if url := postgres_url():
        pg_url, drop = fresh_postgres(url)
        try:
            found += _rows_for("PostgreSQL", loop_figures(pg_url, last), last)
        finally:
            drop()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    for row in rows(parser.parse_args().quick):
        ratio = f"{row.ratio:5.2f}x  target {row.target}" if row.ratio is not None else ""
        print(f"{row.measure:<58} {row.figure:<28} {ratio}")


if __name__ == "__main__":
    main()

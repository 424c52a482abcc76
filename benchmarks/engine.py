"""Engine benchmark: prints figures and ratios against bare SpiffWorkflow.

    python benchmarks/engine.py [--instances 300] [--tasks 100000]

Measures, in one run:
1. bare SpiffWorkflow (stock CamundaParser and script engine): start -> 3 user tasks -> end,
   per instance, in memory and again dumping/reloading its JSON state at every step;
2. the same process through the engine service layer on SQLite (and on PostgreSQL when
   BENCH_DATABASE_URL or TEST_DATABASE_URL names one), and the ratios to both baselines;
3. the inbox query (tasks_for_user) p50/p95 with 100k open human tasks in 20k instances;
4. the timer sweep with 20k waiting timers of which none are due.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

# This file is named engine.py; its folder must not shadow the engine package.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser  # noqa: E402
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from benchmarks.seed import THREE_TASKS, percentile, seed_open_tasks, seed_waiting_timers  # noqa: E402
from engine import queries  # noqa: E402
from engine.actors import Actor  # noqa: E402
from engine.clock import FrozenClock  # noqa: E402
from engine.db import Database, normalise_url  # noqa: E402
from engine.resources import read_resource  # noqa: E402
from engine.schema import upgrade  # noqa: E402
from engine.service import Engine  # noqa: E402

ACTOR = Actor.of("bench", "practitioner")


def per_instance_ms(run, count: int) -> float:
    run()  # warm caches (spec parse, connections)
    started = time.perf_counter()
    for _ in range(count):
        run()
    return (time.perf_counter() - started) / count * 1000


def bare_spiff(count: int, persist: bool = False) -> float:
    """Stock SpiffWorkflow; with ``persist`` it also dumps and reloads its JSON state per step
    with the stock serializer (which, unlike ours, includes the spec in every dump)."""
    parser = CamundaParser()
    parser.add_bpmn_str(THREE_TASKS.encode())
    spec = parser.get_spec("three_tasks")
    subprocesses = parser.get_subprocess_specs("three_tasks")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))

    def saved(workflow):
        return (
            serializer.deserialize_json(serializer.serialize_json(workflow))
            if persist
            else workflow
        )

    def run():
        workflow = BpmnWorkflow(spec, subprocesses)
        workflow.do_engine_steps()
        for _ in range(3):
            workflow = saved(workflow)
            task = workflow.get_next_task(state=TaskState.READY, manual=True)
            task.data["done"] = True
            task.run()
            workflow.do_engine_steps()
        assert workflow.completed

    return per_instance_ms(run, count)


def engine_path(url: str, count: int) -> float:
    engine = Engine(Database(url))
    upgrade(engine.db.engine)
    engine.deploy([read_resource("three_tasks.bpmn", THREE_TASKS)], deployed_by="bench")

    def run():
        ref = engine.start("three_tasks", actor=ACTOR)
        for _ in range(3):
            with engine.db.reading() as session:
                [task] = queries.active_tasks(session, ref.id)
            ref = engine.complete(task.id, {"done": True}, ACTOR)
        assert ref.status == "completed"

    result = per_instance_ms(run, count)
    engine.db.dispose()
    return result


def inbox_timings(db: Database, queries_run: int = 500) -> tuple[float, float]:
    samples = []
    for n in range(queries_run):
        actor = Actor.of(f"user-{n % 997}", f"group-{n % 20}", f"group-{(n + 7) % 20}")
        started = time.perf_counter()
        with db.reading() as session:
            queries.tasks_for_user(session, actor, limit=25)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


def sweep_timings(engine: Engine, runs: int = 200) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fired = engine.fire_due_timers()
        samples.append((time.perf_counter() - started) * 1000)
        assert fired == 0
    return statistics.median(samples), percentile(samples, 0.95)


def postgres_url() -> str | None:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    return url if url and url.startswith("postgres") else None


def fresh_postgres(url: str) -> tuple[str, callable]:
    server = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    name = f"joinedup_bench_{uuid.uuid4().hex[:8]}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()

    return normalise_url(url).rsplit("/", 1)[0] + f"/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=300)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--timers", type=int, default=20_000)
    args = parser.parse_args()

    bare = bare_spiff(args.instances)
    saved = bare_spiff(args.instances, persist=True)
    print("start -> 3 user tasks -> end, per instance       ms   x in-memory  x saved-state")
    print(f"  bare SpiffWorkflow, in memory           {bare:8.2f}")
    print(f"  bare SpiffWorkflow, JSON state per step {saved:8.2f}   {saved / bare:8.2f}")

    def report(label: str, ms: float) -> None:
        print(f"  {label:<39} {ms:8.2f}   {ms / bare:8.2f}   {ms / saved:10.2f}")

    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = f"sqlite:///{folder}/bench.sqlite"
        report("engine service layer, SQLite", engine_path(sqlite_url, args.instances))
        if url := postgres_url():
            pg_url, drop = fresh_postgres(url)
            try:
                report("engine service layer, PostgreSQL", engine_path(pg_url, args.instances))
            finally:
                drop()

        db = Database(sqlite_url)
        seed_open_tasks(db, args.tasks)
        p50, p95 = inbox_timings(db)
        print(
            f"inbox query, {args.tasks} open tasks / {args.tasks // 5} instances (SQLite)"
            f"   p50 {p50:6.2f} ms   p95 {p95:6.2f} ms"
        )
        seed_waiting_timers(db, args.timers)
        engine = Engine(db, clock=FrozenClock("2026-11-23T10:00:00+00:00"))
        p50, p95 = sweep_timings(engine)
        print(
            f"timer sweep, {args.timers} waiting, none due (SQLite)"
            f"          p50 {p50:6.2f} ms   p95 {p95:6.2f} ms"
        )
        db.dispose()


if __name__ == "__main__":
    main()

"""Engine benchmark: a durable engine step against bare SpiffWorkflow (issue 20, goal 1).

    python benchmarks/engine.py [--instances 100] [--rounds 5] [--tasks 100000]

Measures, in interleaved rounds so that the ratios stay fair on a busy machine:
1. bare SpiffWorkflow (stock CamundaParser and script engine): start -> 3 user tasks -> end,
   per instance, in memory and again dumping/reloading its JSON state at every step;
2. the same process through the engine service layer on SQLite (and on PostgreSQL when
   BENCH_DATABASE_URL or TEST_DATABASE_URL names one), each step finding its task through the
   task index as a person would, and the statements one engine step sends; on PostgreSQL
   once more with commits that do not wait for the WAL flush, the durability SQLite's WAL
   gives with synchronous=NORMAL, to show how much of the gap is the flush;
then, in ``main`` only, the inbox query with 100k open tasks and the timer sweep with 20k
waiting timers (``benchmarks/inbox.py`` and ``benchmarks/scheduler.py`` measure those goals).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

# This file is named engine.py; its folder must not shadow the engine package.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser  # noqa: E402
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402

from benchmarks.seed import THREE_TASKS, percentile, seed_open_tasks, seed_waiting_timers  # noqa: E402
from benchmarks.table import Row, ms  # noqa: E402
from engine import queries  # noqa: E402
from engine.actors import Actor  # noqa: E402
from engine.clock import FrozenClock  # noqa: E402
from engine.db import Database, normalise_url  # noqa: E402
from engine.resources import read_resource  # noqa: E402
from engine.schema import upgrade  # noqa: E402
from engine.service import Engine  # noqa: E402

GOAL = "1 engine step"
STEPS = 4  # engine steps per instance: the start and three completions
ACTOR = Actor.of("bench", "practitioner")


def per_instance_ms(run: Callable[[], None], count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        run()
    return (time.perf_counter() - started) / count * 1000


def bare_spiff(persist: bool = False) -> Callable[[], None]:
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

    return run


def engine_path(url: str) -> tuple[Engine, Callable[[], None]]:
    """The engine on ``url`` with the process deployed, and one instance's run through it."""
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

    return engine, run


def unflushed(url: str) -> str:
    """``url`` with commits that do not wait for PostgreSQL's WAL flush (fsync): the durability
    SQLite's WAL with ``synchronous=NORMAL`` gives, for a like-for-like comparison only."""
    return f"{url}?options=-c%20synchronous_commit%3Doff"


def statements_per_step(engine: Engine) -> float:
    """SQL statements (BEGIN and each executemany counted once) one engine step sends."""
    sent = 0

    def count(*_args) -> None:
        nonlocal sent
        sent += 1

    ref = engine.start("three_tasks", actor=ACTOR)
    with engine.db.reading() as session:
        [task] = queries.active_tasks(session, ref.id)
    event.listen(engine.db.engine, "before_cursor_execute", count)
    try:
        engine.complete(task.id, {"done": True}, ACTOR)
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", count)
    return sent


def interleaved(runs: dict[str, Callable[[], None]], count: int, rounds: int) -> dict:
    """Median ms per instance of each run, the runs taking turns round after round."""
    for run in runs.values():
        run()  # warm caches (spec parse, connections)
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            samples[name].append(per_instance_ms(run, count))
    return {name: statistics.median(values) for name, values in samples.items()}


def step_costs(count: int, rounds: int) -> tuple[dict, dict]:
    """ms per instance of bare Spiff, Spiff + JSON, and the engine on SQLite (and
    PostgreSQL), and the statements per engine step on each database."""
    runs = {"bare": bare_spiff(), "json": bare_spiff(persist=True)}
    engines, cleanups = {}, []
    with tempfile.TemporaryDirectory() as folder:
        engines["sqlite"], runs["sqlite"] = engine_path(f"sqlite:///{folder}/bench.sqlite")
        try:
            if url := postgres_url():
                pg_url, drop = fresh_postgres(url)
                cleanups.append(drop)
                engines["postgresql"], runs["postgresql"] = engine_path(pg_url)
                engines["unflushed"], runs["unflushed"] = engine_path(unflushed(pg_url))
            figures = interleaved(runs, count, rounds)
            statements = {name: statements_per_step(engine) for name, engine in engines.items()}
        finally:
            for engine in engines.values():
                engine.db.dispose()
            for drop in cleanups:
                drop()
    return figures, statements


def rows(quick: bool) -> list[Row]:
    """The step figures and their ratios for ``make bench``."""
    figures, statements = step_costs(*((30, 3) if quick else (100, 5)))
    return step_rows(figures, statements)


def step_rows(figures: dict, statements: dict) -> list[Row]:
    def per_instance(name: str) -> str:
        return f"{ms(figures[name] / 1000)} / instance"

    measure = "start -> 3 user tasks -> end"
    json_ratio = figures["json"] / figures["bare"]
    result = [
        Row(GOAL, f"{measure}, bare SpiffWorkflow in memory", per_instance("bare")),
        Row(
            GOAL,
            f"{measure}, bare SpiffWorkflow + its JSON state dumped and reloaded per step",
            per_instance("json"),
            ratio=json_ratio,
            against="bare SpiffWorkflow in memory",
        ),
    ]
    sqlite_ratio = figures["sqlite"] / figures["json"]
    result.append(
        Row(
            GOAL,
            f"{measure}, JoinedUp on SQLite ({statements['sqlite']} statements per step)",
            per_instance("sqlite"),
            ratio=sqlite_ratio,
            against="bare Spiff + JSON per step",
            target="<= 2x",
            met=sqlite_ratio <= 2,
        )
    )
    if "postgresql" in figures:
        pg_ratio = figures["postgresql"] / figures["sqlite"]
        result.append(
            Row(
                GOAL,
                f"{measure}, JoinedUp on PostgreSQL "
                f"({statements['postgresql']} statements per step)",
                per_instance("postgresql"),
                ratio=pg_ratio,
                against="JoinedUp on SQLite",
                target="<= 1.5x",
                met=pg_ratio <= 1.5,
            )
        )
    if "unflushed" in figures:
        result.append(
            Row(
                GOAL,
                f"{measure}, JoinedUp on PostgreSQL, commits not waiting for the disk flush "
                "(synchronous_commit=off: SQLite WAL's durability; not a production setting)",
                per_instance("unflushed"),
                ratio=figures["unflushed"] / figures["sqlite"],
                against="JoinedUp on SQLite",
            )
        )
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
    parser.add_argument("--instances", type=int, default=100, help="instances per round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--tasks", type=int, default=100_000, help="0: skip the inbox query")
    parser.add_argument("--timers", type=int, default=20_000, help="0: skip the timer sweep")
    args = parser.parse_args()

    figures, statements = step_costs(args.instances, args.rounds)
    for row in step_rows(figures, statements):
        ratio = f"{row.ratio:5.2f}x {row.against}" if row.ratio is not None else ""
        target = f"  target {row.target}: {'met' if row.met else 'NOT met'}" if row.target else ""
        print(f"{row.measure:<92} {row.figure:>18}  {ratio}{target}")

    if not (args.tasks or args.timers):
        return
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/bench.sqlite")
        upgrade(db.engine)
        Engine(db).deploy([read_resource("three_tasks.bpmn", THREE_TASKS)], deployed_by="bench")
        if args.tasks:
            seed_open_tasks(db, args.tasks)
            p50, p95 = inbox_timings(db)
            print(
                f"inbox query, {args.tasks} open tasks / {args.tasks // 5} instances (SQLite)"
                f"   p50 {p50:6.2f} ms   p95 {p95:6.2f} ms"
            )
        if args.timers:
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

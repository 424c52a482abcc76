"""Assurance dashboard benchmark: its queries over the facts of 100k ended instances.

    python benchmarks/assurance.py [--instances 100000] [--runs 30]

Seeds (bulk INSERTs) 100k ended instances over two years: 40% professional differences (an
outcome, one to four stage periods), 30% pre-birth assessments and 30% transitions (their
milestones), each with two task deadlines; then times the dashboard's figures for a quarter
and for a year, for every agency and for one (p50/p95 in ms), and prints each statement's
query plan: every read must use an index on its period column, never a full table scan.
On SQLite, and on PostgreSQL too when BENCH_DATABASE_URL or TEST_DATABASE_URL names one.

``rows(quick)`` gives ``make bench`` the whole dashboard's p50/p95 (quick: 10k instances).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

# benchmarks/ must not shadow the engine package when this file is run as a script.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from sqlalchemy import event, insert, text  # noqa: E402

from benchmarks.engine import fresh_postgres, postgres_url  # noqa: E402
from benchmarks.seed import THREE_TASKS, percentile  # noqa: E402
from benchmarks.table import Row  # noqa: E402
from engine.agencies import ADULT_SERVICES  # noqa: E402
from engine.assurance import figures  # noqa: E402
from engine.assurance.filters import Filters  # noqa: E402
from engine.assurance.models import (  # noqa: E402
    DeadlineResult,
    InstanceOutcome,
    Milestone,
    StagePeriod,
)
from engine.models import HumanTask, ProcessInstance  # noqa: E402
from engine.resources import read_resource  # noqa: E402
from engine.schema import upgrade  # noqa: E402
from engine.service import Engine  # noqa: E402

START = datetime(2025, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 31, tzinfo=UTC)
AGENCIES = ("childrens-social-care", *ADULT_SERVICES)
STAGES = ("Practitioners", "Senior managers", "Heads of Service", "Final decision")
OUTCOMES = ("Outcome recorded and shared", "Difference withdrawn", "Not raised")
PRE_BIRTH = ("Referral", "Assessment", "Conference")
TRANSITION = ("Planning meeting", "Screening", "Assessment", "Eligibility", "Adult plan")
BASE = 1_000_000


def seed(engine: Engine, count: int) -> None:
    """``count`` ended instances and their facts, in batches of 10,000."""
    with engine.db.unit_of_work() as session:
        definition_id = session.execute(text("SELECT min(id) FROM definition")).scalar()
    for first in range(0, count, 10_000):
        rows = _rows(definition_id, range(first, min(count, first + 10_000)))
        with engine.db.unit_of_work() as session:
            for model in (ProcessInstance, HumanTask, InstanceOutcome, StagePeriod):
                session.execute(insert(model), rows[model])
            for model in (DeadlineResult, Milestone):
                session.execute(insert(model), rows[model])


def _rows(definition_id: int, numbers) -> dict:
    rows: dict = {m: [] for m in (ProcessInstance, HumanTask, InstanceOutcome)}
    rows.update({m: [] for m in (StagePeriod, DeadlineResult, Milestone)})
    for n in numbers:
        started = START + timedelta(minutes=(n * 10_513) % (720 * 24 * 60))
        ended = started + timedelta(days=3 + n % 40)
        key = ("professional-differences", "pre-birth-assessment", "transition-to-adulthood")[
            0 if n % 10 < 4 else 1 if n % 10 < 7 else 2
        ]
        agency, other = AGENCIES[n % len(AGENCIES)], AGENCIES[(n + 3) % len(AGENCIES)]
        instance = BASE + n
        rows[ProcessInstance].append(
            {
                "id": instance,
                "definition_id": definition_id,
                "dependency_ids": [],
                "process_key": key,
                "status": "completed",
                "state": "{}",
                "serializer_version": "1.5",
                "version": 1,
                "started_at": started,
                "ended_at": ended,
            }
        )
        for k in range(2):
            due = started + timedelta(days=2 + k * 5)
            rows[HumanTask].append(_task(BASE + 2 * n + k, instance, key, started))
            rows[DeadlineResult].append(
                {
                    "task_id": BASE + 2 * n + k,
                    "instance_id": instance,
                    "process_key": key,
                    "agency": (agency, other)[k],
                    "due_at": due,
                    "closed_at": due + timedelta(hours=(n % 7) * 10 - 24),
                    "met": n % 7 < 3,
                }
            )
        if key == "professional-differences":
            _difference(rows, n, instance, key, agency, other, started, ended)
        else:
            names = PRE_BIRTH if key == "pre-birth-assessment" else TRANSITION
            for position, name in enumerate(names):
                due = started + timedelta(days=20 * (position + 1))
                reached = due + timedelta(days=n % 9 - 5) if (n + position) % 6 else None
                rows[Milestone].append(
                    {
                        "instance_id": instance,
                        "process_key": key,
                        "agency": agency,
                        "position": position,
                        "name": name,
                        "element_id": name.lower(),
                        "due_at": due,
                        "reached_at": reached,
                        "dropped_at": None if reached else ended,
                    }
                )
    return rows


def _task(task_id, instance, key, created) -> dict:
    return {
        "id": task_id,
        "instance_id": instance,
        "spiff_task_id": f"00000000-0000-0000-0000-{task_id:012d}",
        "element_id": "task",
        "name": "Task",
        "process_key": key,
        "candidate_groups": [],
        "candidate_users": [],
        "priority": 50,
        "status": "completed",
        "created_at": created,
    }


def _difference(rows, n, instance, key, agency, other, started, ended) -> None:
    top = 1 + n % 4
    span = (ended - started) / top
    for stage in range(1, top + 1):
        entered, left = started + span * (stage - 1), started + span * stage
        due = entered + timedelta(days=7 * stage)
        rows[StagePeriod].append(
            {
                "instance_id": instance,
                "process_key": key,
                "agency": agency,
                "other_agency": other,
                "stage": stage,
                "stage_name": STAGES[stage - 1],
                "entered_at": entered,
                "left_at": left,
                "timescale_due_at": due,
                "seconds": int(span.total_seconds()),
                "within_timescale": left < due,
            }
        )
    rows[InstanceOutcome].append(
        {
            "instance_id": instance,
            "process_key": key,
            "agency": agency,
            "other_agency": other,
            "started_at": started,
            "ended_at": ended,
            "status": "completed",
            "top_stage": top,
            "top_stage_name": STAGES[top - 1],
            "outcome": OUTCOMES[n % 3],
        }
    )


def time_figures(engine: Engine, filters: Filters, runs: int) -> dict[str, list[float]]:
    """Milliseconds per run of each figure, and of the whole dashboard."""
    samples: dict[str, list[float]] = {}
    with engine.db.reading() as session:
        names = figures.process_names(session)
    each = {
        "escalations": lambda s: figures.escalations(s, filters, NOW),
        "stages": lambda s: figures.stage_times(s, filters, names),
        "deadlines": lambda s: figures.deadlines(s, filters, names),
        **{
            slug: (lambda s, spec=spec: figures.milestones(s, filters, NOW, *spec))
            for spec in figures.MILESTONE_PROCESSES
            for slug in spec[:1]
        },
        "whole dashboard": lambda s: figures.all_tables(s, filters, NOW),
    }
    for _ in range(runs):
        for name, figure in each.items():
            began = time.perf_counter()
            with engine.db.reading() as session:
                figure(session)
            samples.setdefault(name, []).append((time.perf_counter() - began) * 1000)
    return samples


def plans(engine: Engine, filters: Filters) -> None:
    """Each statement the dashboard runs, and the database's plan for it."""
    statements = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    bind = engine.db.engine
    event.listen(bind, "before_cursor_execute", keep)
    with engine.db.reading() as session:
        figures.all_tables(session, filters, NOW)
    event.remove(bind, "before_cursor_execute", keep)
    explain = "EXPLAIN QUERY PLAN " if bind.dialect.name == "sqlite" else "EXPLAIN "
    with bind.connect() as connection:
        for statement, parameters in statements:
            if not statement.startswith("SELECT") or "FROM definition" in statement:
                continue  # the process names: a handful of rows
            print("\n" + " ".join(statement.split())[:160] + " ...")
            for row in connection.exec_driver_sql(explain + statement, parameters):
                print("   ", row[-1])


CASES = [
    ("a quarter, every agency", Filters(date(2026, 7, 1), date(2026, 9, 30))),
    ("a year, every agency", Filters(date(2026, 1, 1), date(2026, 12, 31))),
    ("a year, one agency", Filters(date(2026, 1, 1), date(2026, 12, 31), AGENCIES[0])),
]


def seeded(url: str, instances: int) -> Engine:
    """An engine on ``url`` holding ``instances`` ended instances' facts."""
    engine = Engine(url)
    upgrade(engine.db.engine)
    engine.deploy([read_resource("three_tasks.bpmn", THREE_TASKS)], deployed_by="bench")
    began = time.perf_counter()
    seed(engine, instances)
    print(f"seeded {instances:,} ended instances' facts in {time.perf_counter() - began:.1f}s")
    if engine.db.engine.dialect.name == "postgresql":  # statistics, and the visibility map
        with engine.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")
    return engine


def dashboard_rows(url: str, instances: int, runs: int, where: str) -> list[Row]:
    """The whole dashboard's p50/p95 for each period and agency filter."""
    engine = seeded(url, instances)
    result = []
    for label, filters in CASES:
        samples = time_figures(engine, filters, runs)["whole dashboard"]
        p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
        result.append(
            Row("assurance", f"whole dashboard, {label}, {instances:,} ended instances ({where})",
                f"p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        )  # fmt: skip
    engine.db.dispose()
    return result


def rows(quick: bool) -> list[Row]:
    """The dashboard over 100k ended instances (quick: 10k) on SQLite, and PostgreSQL if named."""
    instances, runs = (10_000, 5) if quick else (100_000, 15)
    with tempfile.TemporaryDirectory() as folder:
        result = dashboard_rows(f"sqlite:///{folder}/assurance.sqlite", instances, runs, "SQLite")
    if url := postgres_url():
        fresh, drop = fresh_postgres(url)
        try:
            result += dashboard_rows(fresh, instances, runs, "PostgreSQL")
        finally:
            drop()
    return result


def run(url: str, instances: int, runs: int) -> None:
    """Seed one database, time the figures on it and print the plans."""
    engine = seeded(url, instances)
    for label, filters in CASES:
        print(f"\n{label}, {runs} runs:")
        for name, samples in time_figures(engine, filters, runs).items():
            p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
            print(f"  {name:<16} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    quarter = Filters(date(2026, 7, 1), date(2026, 9, 30), AGENCIES[0])
    print("\nquery plans (a quarter, one agency; for a year, half the rows, PostgreSQL may")
    print("rightly read whole tables rather than the index):")
    plans(engine, quarter)
    engine.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print("== SQLite")
        run(f"sqlite:///{folder}/assurance.sqlite", args.instances, args.runs)
    if url := postgres_url():
        print("\n== PostgreSQL")
        fresh, drop = fresh_postgres(url)
        try:
            run(fresh, args.instances, args.runs)
        finally:
            drop()


if __name__ == "__main__":
    main()

"""Inbox benchmark: page and API list p95 as open tasks grow (issue 20, goal 3).

    python benchmarks/inbox.py [--quick]

Seeds 10k, 100k and 300k open tasks (10k and 100k with --quick) on 5,000 cases by bulk
INSERTs, then times, for a practitioner, a manager and the partnership chair, the inbox page
(HTML: their tabs and the next page of each), the API list (``tab=all`` and its next page)
and, for the manager, the Approvals page (the tasks offered to the agency's managers are
approvals), with Flask's test client. Prints p95 at each size and the ratio of the largest to
10k, against the goal's "<= 1.5x". SQLite always; PostgreSQL too when BENCH_DATABASE_URL or
TEST_DATABASE_URL names one (a fresh database, dropped afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

# benchmarks/ must not shadow the engine package when this file is run as a script.
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("JOINEDUP_PASSWORD_HASH", "pbkdf2:sha256:1000")

from sqlalchemy import insert, text  # noqa: E402

from benchmarks.engine import fresh_postgres, postgres_url  # noqa: E402
from benchmarks.seed import THREE_TASKS, percentile  # noqa: E402
from benchmarks.table import Row, ms  # noqa: E402
from engine.cases import CaseInvolvement, FamilyCase  # noqa: E402
from engine.inbox.pages import page_statement  # noqa: E402
from engine.inbox.tabs import shape_of, values_of  # noqa: E402
from engine.resources import read_resource  # noqa: E402
from webapp import create_app, db, engine_of  # noqa: E402

GOAL = "3 inbox flat"
PASSWORD = "inbox-latency-probe-2026"  # noqa: S105
AGENCY = "childrens-social-care"
TEAM = "csc-east"
CASES = 5000
# username: (who they are, agency, roles, team); each holds every 97th claimed task, so every
# tab has whole pages from 10k tasks on and a page shows as many rows at 300k as at 10k
PEOPLE = {
    "user-0": ("practitioner", AGENCY, ["practitioner"], TEAM),
    "user-1": ("manager", AGENCY, ["manager"], TEAM),
    "user-2": ("partnership chair", "safeguarding-partnership", ["board-chair"], None),
}
# candidate groups, one per task in turn: the people's own groups among many others'
OWN = [f"{AGENCY}:practitioner", "practitioner", f"team:{TEAM}", f"{AGENCY}:manager", "manager"]
GROUPS = [*OWN, "board-chair", *(f"other-{n}" for n in range(14))]
PAGE_URLS = ("/inbox?tab=mine", "/inbox?tab=team", "/inbox?tab=overdue")
API_URL = "/api/v1/tasks?tab=all"
APPROVALS_URL = "/approvals"  # the manager's decisions
# the tasks offered to the agency's managers are approvals (5 % of all): a manager's Approvals
# page is whole at every size, among the many other tasks the manager holds or is offered
APPROVAL_GROUP = f"{AGENCY}:manager"


def setup(url: str):
    secret = secrets.token_hex(32)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False, "SECRET_KEY": secret}
    )
    engine = engine_of(app)
    engine.deploy([read_resource("three_tasks.bpmn", THREE_TASKS)], deployed_by="bench")
    for username, (_who, agency, roles, team) in PEOPLE.items():
        engine.create_user(
            username=username,
            password=PASSWORD,
            display_name=f"Bench {username}",
            agency=agency,
            roles=roles,
            team=team,
        )
    with engine.db.unit_of_work() as session:
        now = engine.clock.now()
        session.execute(
            insert(FamilyCase),
            [
                {"id": n + 1, "reference": f"C-{n}", "family_name": "Seeded", "created_at": now}
                for n in range(CASES)
            ],
        )
        session.execute(
            insert(CaseInvolvement),
            [{"case_id": n + 1, "case_ref": f"C-{n}", "agency": AGENCY} for n in range(CASES)],
        )
    return app


def seed_tasks(app, first: int, count: int, per_instance: int = 5) -> None:
    """Tasks ``first`` .. ``first + count - 1``: open, a third claimed, due over 500 hours
    around now (so some are overdue), one candidate group each (those of ``APPROVAL_GROUP``
    approvals); five to an instance."""
    engine = engine_of(app).db.engine
    with engine.connect() as connection:
        definition_id = connection.execute(text("SELECT min(id) FROM definition")).scalar()
    now = datetime(2026, 11, 23)  # naive UTC, as UTCDateTime stores it
    started = _stamp(engine, now)
    instances = range(first // per_instance, (first + count) // per_instance)
    bulk_insert(
        engine,
        "process_instance",
        "id definition_id dependency_ids process_key status state serializer_version"
        " version waiting_events started_at case_ref",
        [
            (1_000_000 + i, definition_id, "[]", "three_tasks", "running", "{}", "1.5", 1, 0)
            + (started, f"C-{i % CASES}")
            for i in instances
        ],
    )
    tasks, candidates = [], []
    for n in range(first, first + count):
        held, group = n % 3 == 0, GROUPS[n % len(GROUPS)]
        approval = group == APPROVAL_GROUP
        due = _stamp(engine, now + timedelta(hours=n % 500 - 100))
        case_ref = f"C-{(n // per_instance) % CASES}"
        tasks.append(
            (1_000_000 + n, 1_000_000 + n // per_instance, str(uuid.UUID(int=n)), "one", "One")
            + ("three_tasks", json.dumps([group]), "[]", f"user-{n % 97}" if held else None)
            + (due, case_ref, 50, False, "[]", "claimed" if held else "open", started, "[]", 0)
            + ("plan" if approval else None,)
        )
        candidates.append((1_000_000 + n, "group", group, not held, approval, due, case_ref))
    bulk_insert(
        engine,
        "human_task",
        "id instance_id spiff_task_id element_id name process_key candidate_groups"
        " candidate_users assignee due_at case_ref priority urgent stage_names status"
        " created_at escalate_to escalate_after_days approval",
        tasks,
    )
    bulk_insert(
        engine,
        "human_task_candidate",
        "human_task_id kind value offered approval due_at case_ref",
        candidates,
    )
    if engine.dialect.name == "postgresql":
        # what autovacuum does after such a load, done now rather than while we measure
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def _stamp(engine, when: datetime):
    """A naive UTC time as the database's column holds it (SQLAlchemy's text on SQLite)."""
    return when if engine.dialect.name == "postgresql" else when.strftime("%Y-%m-%d %H:%M:%S.%f")


def bulk_insert(engine, table: str, columns: str, rows: list[tuple]) -> None:
    """Rows straight through the driver: COPY on PostgreSQL, executemany on SQLite."""
    names = columns.split()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB: index pages stay in memory
            cursor.execute("BEGIN")  # the engine's connections run in autocommit otherwise
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(names))
            insert_rows = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(insert_rows, rows)  # table and columns: this module's own
        raw.commit()
    finally:
        raw.close()


def signed_in(app, username: str):
    """A test client signed in through the real sign-in form."""
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/sign-in", data={"username": username, "password": PASSWORD, "csrf_token": token})
    return client


def next_url(url: str, response) -> str | None:
    """The next page's address: the API's ``next`` cursor, or the page's "Next" link."""
    if response.is_json:
        after = response.get_json().get("next")
        return f"{url}&after={after}" if after else None
    found = re.search(r'href="([^"]+)"\s+rel="next"', response.get_data(as_text=True))
    return found.group(1).replace("&amp;", "&") if found else None


def p95_of(client, urls, rounds: int, headers=None) -> float:
    """p95 over ``rounds`` of each url and the page after it."""
    samples = []
    for _ in range(rounds):
        for url in urls:
            following = url
            for _page in range(2):
                started = time.perf_counter()
                response = client.get(following, headers=headers)
                samples.append(time.perf_counter() - started)
                assert response.status_code == 200, (following, response.status_code)
                following = next_url(url, response)
                if following is None:
                    break
    return percentile(samples, 0.95)


def measure(app, rounds: int) -> dict[tuple[str, str], float]:
    """p95 of the inbox page and the API list for each person."""
    found = {}
    for username in PEOPLE:
        client = signed_in(app, username)
        token = engine_of(app).issue_token(username)
        bearer = {"Authorization": f"Bearer {token}"}
        p95_of(client, PAGE_URLS, 1)  # warm the templates, statement caches and pages read
        p95_of(client, [API_URL], 1, bearer)
        found[(username, "inbox page")] = p95_of(client, PAGE_URLS, rounds)
        found[(username, "API list")] = p95_of(client, [API_URL], rounds * 4, bearer)
        if "manager" in PEOPLE[username][2]:
            p95_of(client, [APPROVALS_URL], 1)
            found[(username, "approvals page")] = p95_of(client, [APPROVALS_URL], rounds * 2)
    return found


def plan_summary(app) -> str:
    """Whether the practitioner's "all" page reads only index ranges at this size."""
    engine = engine_of(app)
    actor = engine.authenticate("user-0", PASSWORD).actor()
    shape = shape_of("all", actor)
    query = page_statement(shape, False, None, 26, 0).params(values_of(actor, None))
    explain = "EXPLAIN" if engine.db.engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
    with engine.db.engine.connect() as connection:
        sql = query.compile(connection, compile_kwargs={"literal_binds": True})
        rows = connection.exec_driver_sql(f"{explain} {sql}").all()
    lines = [str(row[-1] if explain.endswith("PLAN") else row[0]) for row in rows]
    full = [line.strip() for line in lines if "Seq Scan on human_task" in line]
    full += [line for line in lines if line.startswith("SCAN human_task")]
    sorts = sum(
        line.strip().lstrip("-> ").startswith(("Sort  ", "Incremental Sort"))
        or "TEMP B-TREE FOR ORDER BY" in line
        for line in lines
    )
    return f"{len(full)} full scans of the task tables, {sorts} sort(s) (1: the page's merge)"


def curve(url: str, sizes: list[int], rounds: int, label: str) -> list[Row]:
    app = setup(url)
    seeded, by_size = 0, {}
    for size in sizes:
        started = time.perf_counter()
        seed_tasks(app, seeded, size - seeded)
        seeded = size
        print(f"  {label}: seeded {size:,} open tasks in {time.perf_counter() - started:.1f} s")
        # the better of two runs: other work on the machine inflates one now and then
        first, second = measure(app, rounds), measure(app, rounds)
        by_size[size] = {key: min(first[key], second[key]) for key in first}
        print(f"    plan, practitioner's API list: {plan_summary(app)}")
        for (username, surface), p95 in by_size[size].items():
            print(f"    {surface:10} p95 {ms(p95):>9}  {PEOPLE[username][0]}")
    with app.app_context():
        db.engine.dispose()
    engine_of(app).db.dispose()
    return [_row(by_size, sizes, key, label) for key in by_size[sizes[0]]]


def _row(by_size: dict, sizes: list[int], key: tuple[str, str], label: str) -> Row:
    (username, surface), figures = key, [by_size[size][key] for size in sizes]
    ratio = figures[-1] / figures[0]
    return Row(
        GOAL,
        f"{surface} p95, {PEOPLE[username][0]}, "
        f"{' -> '.join(f'{s // 1000}k' for s in sizes)} open tasks, {label}",
        " -> ".join(ms(f) for f in figures),
        round(ratio, 2),
        f"{sizes[0] // 1000}k open tasks",
        "<= 1.5x",
        ratio <= 1.5,
    )


def rows(quick: bool) -> list[Row]:
    sizes = [10_000, 100_000] if quick else [10_000, 100_000, 300_000]
    rounds = 4 if quick else 10
    found = []
    with tempfile.TemporaryDirectory() as folder:
        found += curve(f"sqlite:///{folder}/inbox.sqlite", sizes, rounds, "SQLite")
    if url := postgres_url():
        pg_url, drop = fresh_postgres(url)
        try:
            found += curve(pg_url, sizes, rounds, "PostgreSQL")
        finally:
            drop()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k tasks only")
    args = parser.parse_args()
    for row in rows(args.quick):
        verdict = "" if row.met is None else ("met" if row.met else "NOT met")
        print(f"{row.measure:70} {row.figure:32} {row.ratio:5.2f}x (target {row.target}) {verdict}")


if __name__ == "__main__":
    main()

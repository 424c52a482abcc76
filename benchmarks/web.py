"""Web benchmark: the inbox page and a whole process through HTTP, with server-side timings.

    python benchmarks/web.py [--instances 200] [--tasks 100000]

Uses Flask's test client (no network), a SQLite file, and real sign-in, CSRF and bearer-token
authentication; and ``joinedup serve --production`` (gunicorn) on a real socket. Prints:
1. start -> 3 user tasks -> end per instance through the JSON API: using the ``next_tasks``
   each response returns (4 requests), and again listing the inbox before each task (7); the
   same over a real socket, one client, then 16 clients' task completions a second;
2. the inbox page (HTML, "My teams' unclaimed" tab) p50/p95 with 100k open tasks in 20k
   instances on 5,000 cases, for a practitioner whose agency is involved in all of them;
3. the inbox, case and task pages with the access audit (``engine.access_audit``) on and off,
   requests interleaved so both see the same database: a look costs one INSERT and commit.

``rows(quick)`` gives ``make bench`` the read audit's cost and the HTTP figures, on SQLite and
on PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL names one (a fresh database).
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

# benchmarks/ must not shadow the engine package when this file is run as a script.
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("JOINEDUP_PASSWORD_HASH", "pbkdf2:sha256:1000")

from sqlalchemy import insert  # noqa: E402

from benchmarks.engine import fresh_postgres, postgres_url  # noqa: E402
from benchmarks.seed import THREE_TASKS, percentile, seed_open_tasks  # noqa: E402
from benchmarks.served import (  # noqa: E402
    ApiClient,
    completions_per_second,
    per_instance_ms,
    production_server,
)
from benchmarks.table import Row  # noqa: E402
from engine.cases import CaseInvolvement, FamilyCase  # noqa: E402
from engine.resources import read_resource  # noqa: E402
from webapp import create_app, engine_of  # noqa: E402

PASSWORD = "inbox-latency-probe-2026"  # noqa: S105
AGENCY = "childrens-social-care"
CLIENTS = 16


def setup(url: str):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SESSION_COOKIE_SECURE": False,
            "SECRET_KEY": secrets.token_hex(32),
        }
    )
    engine = engine_of(app)
    engine.deploy([read_resource("three_tasks.bpmn", THREE_TASKS)], deployed_by="bench")
    engine.create_user(
        username="bench",
        password=PASSWORD,
        display_name="Bench Marker",
        agency=AGENCY,
        roles=["practitioner"],
    )
    engine.create_case(
        engine.authenticate("bench", PASSWORD).actor(),
        reference="BENCH",
        family_name="Bench",
        involvements=[{"agency": AGENCY}],
    )
    return app, engine.issue_token("bench")


def one_instance(client, token: str, list_first: bool = False) -> None:
    """start -> 3 tasks -> end through the JSON API with a test client; ``list_first`` lists the
    inbox before each task, as a client that ignores the previous answer's ``next_tasks``."""
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post(
        "/api/v1/cases/BENCH/start", json={"process": "three_tasks"}, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    instance_id = response.get_json()["instance"]["id"]
    for _ in range(3):
        tasks = response.get_json()["next_tasks"]
        if list_first:
            listed = client.get("/api/v1/tasks?tab=team&case=BENCH", headers=headers)
            tasks = [t for t in listed.get_json()["tasks"] if t["instance_id"] == instance_id]
        response = client.post(
            f"/api/v1/tasks/{tasks[0]['id']}/complete",
            json={"variables": {"done": True}},
            headers=headers,
        )
        assert response.status_code == 200, response.get_json()
    assert response.get_json()["instance"]["status"] == "completed"


def process_through_http(app, token: str, count: int, list_first: bool) -> float:
    """Milliseconds per instance through the test client (after a warm-up)."""
    client = app.test_client()
    one_instance(client, token, list_first)
    started = time.perf_counter()
    for _ in range(count):
        one_instance(client, token, list_first)
    return (time.perf_counter() - started) / count * 1000


def local_and_socket_ms(app, token: str, port: int, count: int) -> tuple[float, float]:
    """Median ms per instance by test client and over the socket, instance by instance in
    turn so both see the same load on a shared machine."""
    local, remote = app.test_client(), ApiClient(port, token)
    samples: tuple[list[float], list[float]] = ([], [])
    for n in range(count + 1):
        for run, kept in ((lambda: one_instance(local, token), samples[0]),
                          (remote.one_instance, samples[1])):  # fmt: skip
            started = time.perf_counter()
            run()
            if n:  # the first of each is a warm-up
                kept.append((time.perf_counter() - started) * 1000)
    remote.close()
    return statistics.median(samples[0]), statistics.median(samples[1])


def seed_inbox(app, tasks: int) -> None:
    engine = engine_of(app)
    groups = [f"{AGENCY}:practitioner", "practitioner"] + [f"other-{n}" for n in range(18)]
    seed_open_tasks(engine.db, tasks, group_names=groups)
    with engine.db.unit_of_work() as session:
        session.execute(
            insert(FamilyCase),
            [
                {
                    "id": 10_000 + n,
                    "reference": f"C-{n}",
                    "family_name": "Seeded",
                    "created_at": engine.clock.now(),
                }
                for n in range(5000)
            ],
        )
        session.execute(
            insert(CaseInvolvement),
            [{"case_id": 10_000 + n, "case_ref": f"C-{n}", "agency": AGENCY} for n in range(5000)],
        )


def signed_in(app):
    """A test client signed in as the bench user through the real sign-in form."""
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/sign-in", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
    return client


def inbox_page_timings(app, requests: int = 300) -> tuple[float, float, int]:
    client = signed_in(app)
    samples, rows = [], 0
    for n in range(requests):
        started = time.perf_counter()
        response = client.get(f"/inbox?tab=team&page={n % 5 + 1}")
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        rows = response.get_data(as_text=True).count('href="/tasks/')
    return statistics.median(samples), percentile(samples, 0.95), rows


def looks_on_and_off(app, url: str, requests: int) -> dict[bool, tuple[float, float]]:
    """p50/p95 of ``url`` with looks recorded and not, alternating request by request."""
    client, engine = signed_in(app), engine_of(app)
    samples: dict[bool, list[float]] = {True: [], False: []}
    for n in range(requests * 2):
        engine.audit_looks = n % 2 == 0
        started = time.perf_counter()
        response = client.get(url)
        samples[engine.audit_looks].append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    engine.audit_looks = True
    return {on: (statistics.median(s), percentile(s, 0.95)) for on, s in samples.items()}


def access_audit_cost(app, token: str, requests: int) -> None:
    """Print the inbox, case and task pages' latency with and without the access audit."""
    response = app.test_client().post(
        "/api/v1/cases/BENCH/start",
        json={"process": "three_tasks"},
        headers={"Authorization": f"Bearer {token}"},
    )
    task_id = response.get_json()["next_tasks"][0]["id"]
    pages = {
        "inbox page (not a look)": "/inbox?tab=team",
        "case page (4 processes)": "/cases/C-1",  # BENCH has the runs' hundreds
        "task page": f"/tasks/{task_id}",
    }
    for name, url in pages.items():
        timings = looks_on_and_off(app, url, requests)
        (on50, on95), (off50, off95) = timings[True], timings[False]
        print(
            f"{name:24} looks recorded p50 {on50:6.2f} ms p95 {on95:6.2f} ms | "
            f"not recorded p50 {off50:6.2f} ms p95 {off95:6.2f} ms | "
            f"cost p50 {on50 - off50:+5.2f} ms"
        )


def open_task_page(app, token: str) -> str:
    """The page of a task of a new instance on the BENCH case."""
    response = app.test_client().post(
        "/api/v1/cases/BENCH/start",
        json={"process": "three_tasks"},
        headers={"Authorization": f"Bearer {token}"},
    )
    return f"/tasks/{response.get_json()['next_tasks'][0]['id']}"


def audit_rows(app, token: str, requests: int, where: str) -> list[Row]:
    """What recording a look costs the case and task pages (p50, interleaved on and off)."""
    pages = {"case page": "/cases/BENCH", "task page": open_task_page(app, token)}
    rows = []
    for name, url in pages.items():
        timings = looks_on_and_off(app, url, requests)
        on, off = timings[True][0], timings[False][0]
        rows.append(
            Row("6 read audit", f"{name}, looks recorded, p50 ({where})",
                f"{on:.1f} ms ({on - off:+.1f} ms)", on / off, "looks not recorded")
        )  # fmt: skip
    return rows


def http_rows(url: str, quick: bool, where: str) -> list[Row]:
    """Read audit, then start -> 3 tasks -> end by test client, by socket, by 16 clients."""
    instances, looks, seconds = (15, 30, 5) if quick else (100, 200, 30)
    app, token = setup(url)
    rows = audit_rows(app, token, looks, where)
    with production_server(url) as port:
        client_ms, socket_ms = local_and_socket_ms(app, token, port, instances)
        rate, errors = completions_per_second(port, token, CLIENTS, seconds)
    engine_of(app).db.dispose()
    workers = os.environ.get("JOINEDUP_WORKERS", "2"), os.environ.get("JOINEDUP_THREADS", "4")
    goal, process = "6 web", "start -> 3 tasks -> end, JSON API following next_tasks"
    return rows + [
        Row(goal, f"{process}, Flask test client, median ({where})",
            f"{client_ms:.1f} ms / instance"),
        Row(goal, f"{process}, real socket, serve --production, 1 client, median ({where})",
            f"{socket_ms:.1f} ms / instance", socket_ms / client_ms, "Flask test client"),
        Row(goal, f"{CLIENTS} clients on the socket, gunicorn {workers[0]} workers x "
            f"{workers[1]} threads ({where})", f"{rate:.1f} completions / s, {errors} errors"),
    ]  # fmt: skip


def rows(quick: bool) -> list[Row]:
    """The read audit's and HTTP's figures on SQLite, and on PostgreSQL when one is named."""
    with tempfile.TemporaryDirectory() as folder:
        result = http_rows(f"sqlite:///{folder}/web.sqlite", quick, "SQLite")
    if url := postgres_url():
        fresh, drop = fresh_postgres(url)
        try:
            result += http_rows(fresh, quick, "PostgreSQL")
        finally:
            drop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--looks", type=int, default=200, help="requests per page, audit on/off")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, token = setup(f"sqlite:///{folder}/web.sqlite")
        for list_first, how in ((False, "4 requests, next_tasks"), (True, "7 requests, listing")):
            ms = process_through_http(app, token, args.instances, list_first)
            print(
                f"start -> 3 tasks -> end through HTTP ({how}, SQLite)  {ms:7.2f} ms per instance"
            )
        seed_inbox(app, args.tasks)
        p50, p95, rows = inbox_page_timings(app)
        print(
            f"inbox page, {args.tasks} open tasks, {rows} rows a page (SQLite)"
            f"   p50 {p50:6.2f} ms   p95 {p95:6.2f} ms"
        )
        access_audit_cost(app, token, args.looks)
        engine_of(app).db.dispose()
        with production_server(f"sqlite:///{folder}/web.sqlite") as port:
            ms = per_instance_ms(port, token, args.instances)
            print(f"the same over a real socket (serve --production, SQLite)  {ms:7.2f} ms")
            rate, errors = completions_per_second(port, token, CLIENTS, 20)
            print(f"{CLIENTS} clients: {rate:.1f} task completions/s, {errors} errors")


if __name__ == "__main__":
    main()

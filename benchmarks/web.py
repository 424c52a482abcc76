"""Web benchmark: the inbox page and a whole process through HTTP, with server-side timings.

    python benchmarks/web.py [--instances 200] [--tasks 100000]

Uses Flask's test client (no network), a SQLite file, and real sign-in, CSRF and bearer-token
authentication. Prints:
1. start -> 3 user tasks -> end per instance through the JSON API: using the ``next_tasks``
   each response returns (4 requests), and again listing the inbox before each task (7);
2. the inbox page (HTML, "My teams' unclaimed" tab) p50/p95 with 100k open tasks in 20k
   instances on 5,000 cases, for a practitioner whose agency is involved in all of them;
3. the inbox, case and task pages with the access audit (``engine.access_audit``) on and off,
   requests interleaved so both see the same database: a look costs one INSERT and commit.
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

from benchmarks.seed import THREE_TASKS, percentile, seed_open_tasks  # noqa: E402
from engine.cases import CaseInvolvement, FamilyCase  # noqa: E402
from engine.resources import read_resource  # noqa: E402
from webapp import create_app, db, engine_of  # noqa: E402

PASSWORD = "inbox-latency-probe-2026"  # noqa: S105
AGENCY = "childrens-social-care"


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


def process_through_http(app, token: str, count: int, list_first: bool) -> float:
    """Per-instance time; ``list_first`` lists the inbox before each task, as a client that
    ignores the ``next_tasks`` of the previous response would."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def run():
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

    run()
    started = time.perf_counter()
    for _ in range(count):
        run()
    return (time.perf_counter() - started) / count * 1000


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
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()

"""Two people complete the same task at the same moment on SQLite, through ``joinedup serve``
on a real socket: one succeeds, the other hears 409, nobody sees a 500."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.actors import Actor
from engine.demo import load_demo
from engine.models import HumanTask
from engine.resources import read_resource
from engine.service import Engine

from .helpers import WORKFLOWS, bpmn, flow, user_task

ROUNDS = 30
RACE = bpmn(
    "race",
    '<bpmn:startEvent id="start"/>'
    + user_task("race", "Race", 'camunda:candidateGroups="practitioner"')
    + '<bpmn:endEvent id="end"/>'
    + flow("start", "race")
    + flow("race", "end"),
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """``joinedup serve`` on a fresh SQLite file holding ROUNDS open tasks for pat."""
    url = f"sqlite:///{tmp_path / 'race.sqlite'}"
    engine = Engine(url)
    from engine.schema import upgrade

    upgrade(engine.db.engine)
    engine.deploy_path(WORKFLOWS)
    load_demo(engine)
    engine.deploy([read_resource("race.bpmn", RACE)])
    for _ in range(ROUNDS):
        engine.start("race", case_ref="DEMO-001", actor=Actor.engine())
    token = engine.issue_token("pat")
    with engine.db.reading() as session:
        tasks = list(session.scalars(select(HumanTask.id).where(HumanTask.process_key == "race")))
    engine.db.dispose()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "JOINEDUP_INSECURE_COOKIES": "1"}
    command = [sys.executable, "-c", "from webapp.cli import main; main()", "serve"]
    command += ["--port", str(port)]
    log = (tmp_path / "serve.log").open("wb")  # a pipe nobody reads would block the server
    server = subprocess.Popen(  # noqa: S603 - our own command line
        command, env=env, cwd=Path(__file__).parent.parent, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server, tmp_path / "serve.log")
        yield base, token, tasks, tmp_path / "serve.log"
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60  # a loaded CI machine starts the server slowly
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(log.read_text())
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=5)  # noqa: S310 - localhost
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise AssertionError("joinedup serve did not start")


def complete(base: str, token: str, task_id: int) -> int:
    request = urllib.request.Request(  # noqa: S310 - localhost
        f"{base}/api/v1/tasks/{task_id}/complete",
        data=json.dumps({"variables": {}}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_loser_of_a_simultaneous_completion_hears_409_not_500(served):
    base, token, tasks, log = served
    assert len(tasks) == ROUNDS
    outcomes = []
    for task_id in tasks:
        barrier, statuses = threading.Barrier(2), []

        def race(task_id=task_id, barrier=barrier, statuses=statuses):
            barrier.wait()
            statuses.append(complete(base, token, task_id))

        threads = [threading.Thread(target=race) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        outcomes.append(sorted(statuses))
    assert outcomes == [[200, 409]] * ROUNDS, log.read_text()[-3000:]

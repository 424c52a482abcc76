"""The production server on a real socket for benchmarks/web.py: ``joinedup serve --production``
(gunicorn, its default workers and threads) on a free port, and HTTP clients driving processes
through the JSON API as a caller would, one keep-alive connection each."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVE = "from webapp.cli import main; main()"  # this checkout's, not an installed joinedup


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def production_server(url: str) -> Iterator[int]:
    """The port of ``joinedup --database url serve --production``, stopped on leaving."""
    port = free_port()
    command = [sys.executable, "-c", SERVE, "--database", url, "serve", "--production"]
    env = {**os.environ, "JOINEDUP_SECRET_KEY": secrets.token_hex(32)}
    with tempfile.TemporaryFile() as log:  # a pipe nobody reads would block the server
        server = subprocess.Popen(  # noqa: S603 - our own command line
            [*command, "--port", str(port)], env=env, cwd=ROOT, stdout=log, stderr=log
        )
        try:
            _wait_until_up(port, server, log)
            yield port
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_until_up(port: int, server: subprocess.Popen, log, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError("the production server exited:\n" + log.read().decode()[-2000:])
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):  # noqa: S310
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the production server did not answer on port {port} in {seconds:.0f} s")


class ApiClient:
    """One caller of the JSON API on one keep-alive connection."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        for attempt in (1, 2):
            try:
                self.connection.request("POST", path, json.dumps(body), headers)
                response = self.connection.getresponse()
                return response.status, json.loads(response.read() or b"{}")
            except (http.client.RemoteDisconnected, ConnectionError):
                self.connection.close()  # the server ended the keep-alive: open a new one
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def one_instance(self) -> int:
        """start -> 3 tasks -> end following each answer's ``next_tasks``: tasks completed (3)."""
        status, answer = self.post("/api/v1/cases/BENCH/start", {"process": "three_tasks"})
        if status != 201:
            raise RuntimeError(f"start answered {status}: {answer}")
        for _ in range(3):
            task = answer["next_tasks"][0]
            status, answer = self.post(
                f"/api/v1/tasks/{task['id']}/complete", {"variables": {"done": True}}
            )
            if status != 200:
                raise RuntimeError(f"complete answered {status}: {answer}")
        return 3

    def close(self) -> None:
        self.connection.close()


def per_instance_ms(port: int, token: str, count: int) -> float:
    """One client, one instance after another: milliseconds per instance (after a warm-up)."""
    client = ApiClient(port, token)
    client.one_instance()
    started = time.perf_counter()
    for _ in range(count):
        client.one_instance()
    elapsed = time.perf_counter() - started
    client.close()
    return elapsed / count * 1000


def completions_per_second(
    port: int, token: str, clients: int, seconds: float
) -> tuple[float, int]:
    """``clients`` callers running instances for ``seconds``: tasks completed a second, errors."""
    completed, errors = [0] * clients, [0] * clients
    deadline = time.monotonic() + seconds

    def work(n: int) -> None:
        client = ApiClient(port, token)
        while time.monotonic() < deadline:
            try:
                completed[n] += client.one_instance()
            except (RuntimeError, OSError, http.client.HTTPException):
                errors[n] += 1
                client.close()
        client.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(completed) / (time.monotonic() - started), sum(errors)

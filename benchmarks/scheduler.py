"""Scheduler benchmark (issue 20, goal 4): timers fired per second, emails per second, and the
outbox under sustained load.

    python benchmarks/scheduler.py [--quick]

1. The sweep with many waiting timers and none due (median), then 1,000 due timers (300 with
   --quick) of a one-timer process fired through the engine, on SQLite and, when
   BENCH_DATABASE_URL or TEST_DATABASE_URL names one, on a fresh PostgreSQL database.
2. Outbox delivery to a local SMTP server (aiosmtpd in its own process) over one reused
   session, against one session per email.
3. Sustained load: a producer writes 100 notifications a second (one in ten urgent) for 60 s
   (30 s with --quick) while the real scheduler jobs run; pending rows and the age of the
   oldest pending (and oldest urgent) notification are printed every 5 s. Before issue 20
   delivery was capped at 100 rows per 15 s (6.7 rows/s): the backlog grew without bound.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

# benchmarks/ must not shadow the engine package when this file is run as a script.
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("JOINEDUP_PASSWORD_HASH", "pbkdf2:sha256:1000")  # users, not hashing

from sqlalchemy import func, select  # noqa: E402

from benchmarks.engine import fresh_postgres, postgres_url  # noqa: E402
from benchmarks.seed import THREE_TASKS, seed_open_tasks, seed_waiting_timers  # noqa: E402
from benchmarks.table import Row  # noqa: E402
from engine.actors import Actor  # noqa: E402
from engine.clock import Clock, FrozenClock  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.resources import read_resource  # noqa: E402
from engine.schema import upgrade  # noqa: E402
from engine.service import Engine  # noqa: E402
from notifications.delivery import Delivery  # noqa: E402
from notifications.mail import MailConnection, Mailer  # noqa: E402
from notifications.models import DUE, OutboxNotification  # noqa: E402
from notifications.outbox import USER, enqueue  # noqa: E402
from notifications.scheduler import BackgroundJobs, build_scheduler  # noqa: E402
from notifications.settings import SmtpSettings  # noqa: E402

GOAL = "4 background work"
ONE_TIMER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="timer_defs"
  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="one_timer" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>
      <bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""
ACTOR = Actor.engine("bench")
READERS = [f"reader{n}" for n in range(20)]
RATE, URGENT_EVERY = 100, 10  # sustained load: rows a second, one urgent in ten
AGE_TARGET = 10.0  # seconds: "seconds, not minutes"


# --- timers ------------------------------------------------------------------------------


@contextmanager
def database(url: str | None):
    """A migrated, empty database: a temporary SQLite file, or a fresh PostgreSQL database."""
    with tempfile.TemporaryDirectory() as folder:
        drop = None
        if url:
            url, drop = fresh_postgres(url)
        db = Database(url or f"sqlite:///{folder}/scheduler.sqlite")
        try:
            upgrade(db.engine)
            yield db
        finally:
            db.dispose()
            if drop:
                drop()


def timer_figures(url: str | None, due: int, waiting: int) -> tuple[float, float]:
    """(empty sweep median ms with ``waiting`` timers, timers fired per second of ``due``)."""
    with database(url) as db:
        clock = FrozenClock("2026-11-23T10:00:00+00:00")
        engine = Engine(db, clock=clock)
        engine.deploy(
            [
                read_resource("one_timer.bpmn", ONE_TIMER),
                read_resource("three_tasks.bpmn", THREE_TASKS),
            ]
        )
        seed_open_tasks(db, waiting, per_instance=1)  # instances the waiting timers belong to
        seed_waiting_timers(db, waiting)
        empty = []
        for _ in range(100):
            started = time.perf_counter()
            assert engine.fire_due_timers() == 0
            empty.append((time.perf_counter() - started) * 1000)
        for _ in range(due):
            engine.start("one_timer", actor=ACTOR)
        clock.advance(hours=2)
        started, fired = time.perf_counter(), 0
        while fired < due:
            fired += engine.fire_due_timers(limit=1000)
        return statistics.median(empty), due / (time.perf_counter() - started)


# --- email -------------------------------------------------------------------------------


@contextmanager
def smtp_server():
    """aiosmtpd discarding what it receives, in its own process (not competing with the
    sender for this interpreter's lock); yields its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, "-c", "aiosmtpd.handlers.Sink"])  # noqa: S603
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(10)


class OneShot(MailConnection):
    """Before issue 20: a new SMTP session (connect, EHLO, QUIT) for every email."""

    def send(self, message) -> None:
        super().send(message)
        self.close()


class SessionPerEmail(Mailer):
    def connection(self) -> MailConnection:
        return OneShot(self.settings)


def add_readers(engine: Engine) -> None:
    for username in READERS:
        engine.create_user(
            username=username,
            password="benchmark-password",  # noqa: S106
            display_name=username.title(),
            agency="childrens-social-care",
            roles=["practitioner"],
            email=f"{username}@joinedup.test",
        )


def queue(db: Database, now, count: int, start: int = 0) -> None:
    """``count`` routine notifications, one in URGENT_EVERY urgent, for the readers."""
    with db.unit_of_work() as session:
        for n in range(start, start + count):
            enqueue(
                session,
                recipients=[(USER, READERS[n % len(READERS)])],
                template="task_assigned",
                event_type="task_assigned",
                now=now,
                context={"process": "Benchmark", "step": f"Step {n}"},
                urgent=n % URGENT_EVERY == 0,
            )


def delivery_rate(port: int, emails: int, mailer_class=Mailer) -> float:
    """Emails per second, ``emails`` rows drained from a fresh SQLite outbox."""
    with database(None) as db:
        clock = FrozenClock("2026-11-23T10:00:00+00:00")
        add_readers(Engine(db, clock=clock))
        queue(db, clock.now(), emails)
        settings = SmtpSettings(host="127.0.0.1", port=port)
        delivery = Delivery(db, clock, mailer_class(settings), settings)
        started = time.perf_counter()
        report = delivery.drain(seconds=600)
        elapsed = time.perf_counter() - started
        assert report.sent == emails, report
        return emails / elapsed


# --- sustained load ----------------------------------------------------------------------


def backlog(db: Database, now) -> tuple[int, float, float]:
    """(pending rows, age in s of the oldest pending, of the oldest urgent pending)."""
    pending = OutboxNotification.status.in_(DUE)
    with db.reading() as session:
        count = session.scalar(select(func.count()).where(pending))
        oldest = session.scalar(select(func.min(OutboxNotification.created_at)).where(pending))
        urgent = session.scalar(
            select(func.min(OutboxNotification.created_at)).where(
                pending, OutboxNotification.urgent.is_(True)
            )
        )
    age = lambda moment: (now - moment).total_seconds() if moment else 0.0  # noqa: E731
    return count, age(oldest), age(urgent)


def sustained(port: int, seconds: int) -> tuple[int, float, float, int]:
    """Run the scheduler under RATE rows/s for ``seconds``; (max pending, max oldest age,
    max oldest urgent age, rows produced)."""
    with database(None) as db:
        clock = Clock()
        engine = Engine(db, clock=clock)
        add_readers(engine)
        jobs = BackgroundJobs(engine, SmtpSettings(host="127.0.0.1", port=port))
        scheduler = build_scheduler(jobs)
        stop, produced = threading.Event(), [0]

        def produce():
            started = time.monotonic()
            while not stop.is_set():
                behind = int((time.monotonic() - started) * RATE) - produced[0]
                if behind > 0:
                    queue(db, clock.now(), behind, produced[0])
                    produced[0] += behind
                time.sleep(0.05)

        producer = threading.Thread(target=produce)
        scheduler.start()
        producer.start()
        worst = [0, 0.0, 0.0]
        print(f"sustained load: {RATE} notifications/s, 1 in {URGENT_EVERY} urgent")
        try:
            for second in range(1, seconds + 16):
                time.sleep(1)
                if second == seconds:
                    stop.set()
                count, oldest, urgent = backlog(db, clock.now())
                worst = [max(worst[0], count), max(worst[1], oldest), max(worst[2], urgent)]
                if second % 5 == 0:
                    print(
                        f"  t={second:3d}s produced {produced[0]:5d}  pending {count:5d}  "
                        f"oldest {oldest:5.1f} s  oldest urgent {urgent:5.1f} s"
                    )
                if second > seconds and count == 0:
                    break
        finally:
            stop.set()
            producer.join()
            scheduler.shutdown(wait=True)
        return worst[0], worst[1], worst[2], produced[0]


# --- the table ---------------------------------------------------------------------------


def rows(quick: bool) -> list[Row]:
    """The goal-4 rows: timers/s (SQLite, PostgreSQL), emails/s, the outbox under load."""
    due, waiting = (300, 2_000) if quick else (1_000, 20_000)
    result = []
    for label, url in [("SQLite", None), ("PostgreSQL", postgres_url())]:
        if label == "PostgreSQL" and not url:
            continue
        empty_ms, rate = timer_figures(url, due, waiting)
        print(f"timers, {label}: empty sweep {empty_ms:.2f} ms, {rate:.0f} fired / s")
        result += [
            Row(
                GOAL,
                f"empty sweep, {waiting} waiting timers, {label}",
                f"{empty_ms:.2f} ms",
                target="<= 5 ms",
                met=empty_ms <= 5,
            ),
            Row(
                GOAL,
                f"fire {due} due timers, {label}",
                f"{rate:.0f} timers / s",
                target=">= 300 / s",
                met=rate >= 300,
            ),
        ]
    with smtp_server() as port:
        emails = 200 if quick else 500
        rounds = [(delivery_rate(port, emails), delivery_rate(port, emails, SessionPerEmail))]
        rounds.append((delivery_rate(port, emails), delivery_rate(port, emails, SessionPerEmail)))
        reused, per_email = (max(rates) for rates in zip(*rounds, strict=True))  # interleaved
        print(f"outbox: {reused:.0f} emails / s over one session, {per_email:.0f} one per email")
        result.append(
            Row(
                GOAL,
                "outbox to local SMTP, one reused session",
                f"{reused:.0f} emails / s",
                ratio=reused / per_email,
                against=f"a session per email ({per_email:.0f} / s)",
                target=">= 200 / s",
                met=reused >= 200,
            )
        )
        seconds = 30 if quick else 60
        pending, oldest, urgent, produced = sustained(port, seconds)
    load = f"{RATE} notifications / s for {seconds} s"
    result += [
        Row(
            GOAL,
            f"{load}: most pending at once ({produced} written)",
            f"{pending} rows",
            target=f"bounded (<= {RATE * AGE_TARGET:.0f})",
            met=pending <= RATE * AGE_TARGET,
        ),
        Row(
            GOAL,
            f"{load}: oldest pending notification, at worst",
            f"{oldest:.1f} s",
            target=f"<= {AGE_TARGET:.0f} s",
            met=oldest <= AGE_TARGET,
        ),
        Row(
            GOAL,
            f"{load}: oldest pending urgent notification, at worst",
            f"{urgent:.1f} s",
            target=f"<= {AGE_TARGET:.0f} s",
            met=urgent <= AGE_TARGET,
        ),
    ]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer timers, 30 s of load")
    args = parser.parse_args()
    for row in rows(args.quick):
        ratio = f"  ({row.ratio:.1f}x {row.against})" if row.ratio is not None else ""
        verdict = "" if row.met is None else ("  met" if row.met else "  NOT met")
        print(f"{row.measure:<62} {row.figure:>16}{ratio}  target {row.target}{verdict}")


if __name__ == "__main__":
    main()

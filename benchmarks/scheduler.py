"""Scheduler benchmark: the timer sweep with 20k waiting timers, and outbox delivery throughput.

    python benchmarks/scheduler.py [--timers 20000]

Prints, on SQLite:
1. the sweep with 20k waiting timers and 0 / 100 / 1000 of them due (the due ones are real
   instances of a one-timer process, fired through the engine);
2. outbox delivery to a local SMTP server (aiosmtpd on loopback): emails per second.
Targets: empty sweep <= 5 ms; 1000 due timers fired <= 10 s.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

# benchmarks/ must not shadow the engine package when this file is run as a script.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from benchmarks.seed import THREE_TASKS, seed_open_tasks, seed_waiting_timers  # noqa: E402
from engine.actors import Actor  # noqa: E402
from engine.clock import FrozenClock  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.resources import read_resource  # noqa: E402
from engine.schema import upgrade  # noqa: E402
from engine.service import Engine  # noqa: E402
from notifications.delivery import Delivery  # noqa: E402
from notifications.mail import Mailer  # noqa: E402
from notifications.models import OutboxNotification  # noqa: E402
from notifications.settings import SmtpSettings  # noqa: E402

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


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.count += 1
        return "250 OK"


def empty_sweep_ms(engine: Engine, runs: int = 200) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        assert engine.fire_due_timers() == 0
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def due_sweep_seconds(engine: Engine, clock: FrozenClock, due: int) -> float:
    for _ in range(due):
        engine.start("one_timer", actor=ACTOR)
    clock.advance(hours=2)
    started = time.perf_counter()
    fired = 0
    while fired < due:
        fired += engine.fire_due_timers(limit=1000)
    elapsed = time.perf_counter() - started
    clock.advance(minutes=1)
    return elapsed


def delivery_rate(db: Database, clock: FrozenClock, emails: int) -> float:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    engine = Engine(db, clock=clock)
    engine.create_user(
        username="reader",
        password="benchmark-password",  # noqa: S106
        display_name="Reader",
        agency="childrens-social-care",
        roles=["practitioner"],
        email="reader@joinedup.test",
    )
    now = clock.now()
    with db.unit_of_work() as session:
        session.execute(
            insert(OutboxNotification),
            [
                {
                    "recipient_kind": "user",
                    "recipient": "reader",
                    "template": "task_assigned",
                    "event_type": "task_assigned",
                    "context": {"process": "Benchmark", "step": f"Step {n}"},
                    "created_at": now,
                    "next_attempt_at": now,
                }
                for n in range(emails)
            ],
        )
    settings = SmtpSettings(host="127.0.0.1", port=port)
    delivery = Delivery(db, clock, Mailer(settings), settings, batch=200)
    started = time.perf_counter()
    while sink.count < emails:
        delivery.run_once()
    elapsed = time.perf_counter() - started
    controller.stop()
    return emails / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=20_000)
    parser.add_argument("--emails", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/scheduler.sqlite")
        upgrade(db.engine)
        clock = FrozenClock("2026-11-23T10:00:00+00:00")
        engine = Engine(db, clock=clock)
        engine.deploy(
            [
                read_resource("one_timer.bpmn", ONE_TIMER),
                read_resource("three_tasks.bpmn", THREE_TASKS),
            ]
        )
        seed_open_tasks(db, args.timers, per_instance=1)  # instances the timers belong to
        seed_waiting_timers(db, args.timers)
        print(
            f"sweep, {args.timers} waiting timers, 0 due       p50 {empty_sweep_ms(engine):7.2f} ms"
        )
        for due in (100, 1000):
            seconds = due_sweep_seconds(engine, clock, due)
            print(
                f"sweep, {args.timers} waiting timers, {due:>4} due    {seconds:7.2f} s"
                f"   ({seconds / due * 1000:.1f} ms per timer)"
            )
        print(
            f"outbox to local SMTP, {args.emails} emails          {delivery_rate(db, clock, args.emails):7.0f} emails/s"
        )
        db.dispose()


if __name__ == "__main__":
    main()

"""The timer sweep fires instances in batches, one transaction per batch: an instance that
fails rolls back alone and goes to the retry and incident path, and sweepers working in small
batches side by side still fire each timer exactly once."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from engine import queries
from engine.incidents.models import Incident
from engine.models import AuditEvent, Timer
from engine.service import Engine
from notifications.scheduler import BackgroundJobs
from notifications.settings import SmtpSettings

from .helpers import then_task, timer_wait
from .test_incidents import GATE


def audited(engine, event_type: str) -> int:
    with engine.db.reading() as session:
        query = select(func.count()).where(AuditEvent.event_type == event_type)
        return session.scalar(query.select_from(AuditEvent))


def test_one_failing_instance_in_a_batch_rolls_back_alone_and_the_others_fire(
    scenario, engine, clock
):
    scenario.deploy("gate.bpmn", GATE)
    pat = scenario.as_user("pat", "practitioner")
    fine = [pat.start("gate", {"missing": n}) for n in range(2)]
    broken = pat.start("gate")  # its gateway reads a variable it does not have
    fine += [pat.start("gate", {"missing": n}) for n in range(2, 4)]
    clock.advance(hours=2)
    assert engine.fire_due_timers() == 4  # one batch of five instances
    with engine.db.reading() as session:
        [timer] = queries.timers(session)
        assert (timer.instance_id, timer.attempts) == (broken.id, 1)
        statuses = {i.id: i.status for i in queries.instances(session)}
    assert [statuses[ref.id] for ref in fine] == ["completed"] * 4
    assert statuses[broken.id] == "running"
    assert (audited(engine, "timer_fired"), audited(engine, "error")) == (4, 1)
    for _ in range(2):  # its other tries, then the incident
        clock.advance(hours=2)
        assert engine.fire_due_timers() == 0
    with engine.db.reading() as session:
        [incident] = session.scalars(select(Incident)).all()
        assert (incident.instance_id, incident.attempts) == (broken.id, 3)
        assert session.scalars(select(Timer)).all() == []
    assert audited(engine, "timer_fired") == 4


def test_two_sweepers_in_small_batches_fire_each_timer_exactly_once(scenario, database_url, clock):
    scenario.deploy(
        "wait.bpmn",
        then_task("wait", timer_wait("<bpmn:timeDuration>PT1H</bpmn:timeDuration>"), "wait"),
    )
    for _ in range(24):
        scenario.as_user("pat", "practitioner").start("wait")
    clock.advance(hours=2)
    sweepers = [Engine(database_url, clock=clock) for _ in range(2)]
    fired, barrier = [], threading.Barrier(2)

    def sweep(node: Engine):
        node.timers.batch = 4  # six batches each, racing the other node for the same rows
        barrier.wait()
        fired.append(node.fire_due_timers(limit=1000))

    threads = [threading.Thread(target=sweep, args=(node,)) for node in sweepers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(fired) == 24, fired
    assert audited(scenario.engine, "timer_fired") == 24
    with scenario.engine.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Timer)) == 0
    assert len(scenario.as_user("pat", "practitioner").inbox(limit=100)) == 24
    for node in sweepers:
        node.db.dispose()


def test_the_scheduler_job_fires_a_backlog_larger_than_a_sweep_in_one_run(scenario, engine, clock):
    scenario.deploy(
        "wait.bpmn",
        then_task("wait", timer_wait("<bpmn:timeDuration>PT1H</bpmn:timeDuration>"), "wait"),
    )
    for _ in range(7):
        scenario.as_user("pat", "practitioner").start("wait")
    clock.advance(hours=2)
    jobs = BackgroundJobs(engine, SmtpSettings(host=""))
    assert jobs.fire_timers(batch=2) == 7  # four sweeps of two instances in one run
    assert audited(engine, "timer_fired") == 7
    with engine.db.reading() as session:
        assert queries.timers(session) == []
    assert jobs.fire_timers(batch=2) == 0  # nothing due: the run ends at once


def test_an_unexpected_fault_on_one_instance_fails_its_job_alone(
    scenario, engine, clock, monkeypatch
):
    scenario.deploy(
        "wait.bpmn",
        then_task("wait", timer_wait("<bpmn:timeDuration>PT1H</bpmn:timeDuration>"), "wait"),
    )
    refs = [scenario.as_user("pat", "practitioner").start("wait") for _ in range(3)]
    clock.advance(hours=2)
    fire = engine.timers._fire

    def faulty(session, instance, due, now):
        if instance.id == refs[1].id:
            raise RuntimeError("a fault in our own code")
        return fire(session, instance, due, now)

    monkeypatch.setattr(engine.timers, "_fire", faulty)
    assert engine.fire_due_timers() == 2
    with engine.db.reading() as session:
        [timer] = queries.timers(session)
        errors = session.scalars(select(AuditEvent).where(AuditEvent.event_type == "error")).all()
    assert (timer.instance_id, timer.attempts) == (refs[1].id, 1)
    assert [(e.instance_id, "RuntimeError" in e.details["message"]) for e in errors] == [
        (refs[1].id, True)
    ]

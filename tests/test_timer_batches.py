"""The timer sweep fires instances in batches, one transaction per batch: an instance that
fails rolls back alone and goes to the retry and incident path, sweepers working in small
batches side by side still fire each timer exactly once, and a batch reads its instances' index
rows once (each save then writes only what its step changed)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session

from engine import queries
from engine.assurance.models import InstanceOutcome
from engine.incidents.models import Incident
from engine.models import AuditEvent, HumanTask, MessageSubscription, ProcessInstance, Timer
from engine.service import Engine
from notifications.scheduler import BackgroundJobs
from notifications.settings import SmtpSettings

from .helpers import bpmn, flow, then_task, timer_wait, user_task, with_boundary
from .test_incidents import GATE

STAGE = (
    '<bpmn:extensionElements><camunda:properties><camunda:property name="stage" value="{}"/>'
    "</camunda:properties></bpmn:extensionElements>"
)


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


def sent(engine, fire) -> list[str]:
    """The statements ``fire()`` sends."""
    statements: list[str] = []

    def keep(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine.db.engine, "before_cursor_execute", keep)
    try:
        fire()
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", keep)
    return statements


def savepoints(engine, fire) -> int:
    """How many SAVEPOINTs ``fire()`` begins."""
    return sum(statement.startswith("SAVEPOINT") for statement in sent(engine, fire))


def test_a_batch_with_no_failure_writes_together_without_savepoints(scenario, engine, clock):
    scenario.deploy("gate.bpmn", GATE)
    pat = scenario.as_user("pat", "practitioner")
    refs = [pat.start("gate", {"missing": n}) for n in range(3)]
    clock.advance(hours=2)
    fired = []
    statements = sent(engine, lambda: fired.append(engine.fire_due_timers()))
    assert fired == [3]
    assert not [s for s in statements if s.startswith("SAVEPOINT")]
    # the three instances' timer deletions and audit, outbox and outcome rows: one statement
    # each for the whole batch (an executemany or a multi-row INSERT), not one per instance;
    # SQLite alone inserts ORM rows that need their ids back one at a time (no round trips)
    batched = ["DELETE FROM timer", "INSERT INTO audit_event", "INSERT INTO notification_outbox"]
    if engine.db.engine.dialect.name == "postgresql":
        batched.append("INSERT INTO instance_outcome")
    for table in batched:
        assert sum(s.startswith(table) for s in statements) == 1, table
    # whether each ending instance's outcome is written yet: asked once for the batch
    assert not [s for s in statements if s.startswith("SELECT EXISTS (SELECT * \nFROM instance_")]
    assert audited(engine, "timer_fired") == 3
    with engine.db.reading() as session:
        assert {i.id: i.status for i in queries.instances(session)} == {
            ref.id: "completed" for ref in refs
        }


def test_a_failing_batch_runs_again_with_each_instance_in_its_own_savepoint(
    scenario, engine, clock
):
    scenario.deploy("gate.bpmn", GATE)
    pat = scenario.as_user("pat", "practitioner")
    fine = [pat.start("gate", {"missing": 0})]
    broken = pat.start("gate")  # between two fine ones: the first run saved one before it
    fine.append(pat.start("gate", {"missing": 1}))
    clock.advance(hours=2)
    fired = []
    # each fine instance in its own (the broken one fails before its SAVEPOINT is needed)
    assert savepoints(engine, lambda: fired.append(engine.fire_due_timers())) >= len(fine)
    assert fired == [2]
    # the first run's work on the fine instances was rolled back, not written twice
    assert (audited(engine, "timer_fired"), audited(engine, "error")) == (2, 1)
    with engine.db.reading() as session:
        [timer] = queries.timers(session)
        statuses = {i.id: i.status for i in queries.instances(session)}
    assert (timer.instance_id, timer.attempts) == (broken.id, 1)
    assert statuses == {fine[0].id: "completed", fine[1].id: "completed", broken.id: "running"}


def test_a_sweep_with_nothing_due_asks_the_database_once(scenario, engine, clock):
    scenario.deploy("gate.bpmn", GATE)
    scenario.as_user("pat", "practitioner").start("gate", {"missing": 0})  # due in an hour
    selects = [s for s in sent(engine, engine.fire_due_timers) if s.startswith("SELECT")]
    assert len(selects) == 1  # timers, start timers and signal deliveries in one statement
    clock.advance(hours=2)
    assert engine.fire_due_timers() == 1


def test_an_instance_saved_unflushed_is_flushed_before_it_is_saved_again(scenario, engine):
    scenario.deploy("gate.bpmn", GATE)
    ref = scenario.as_user("pat", "practitioner").start("gate", {"missing": 0})
    with engine.db.unit_of_work() as session:
        session.execute(delete(Timer))  # the first save puts its timer row back
        instance = session.get(ProcessInstance, ref.id)
        workflow = engine.runtime.load(session, instance)
        now = engine.clock.now()
        for _ in range(2):  # the second would add it again if it read before a flush
            engine.runtime.save(session, instance, workflow, now, "test", flush=False)
    with engine.db.reading() as session:
        assert [t.instance_id for t in queries.timers(session)] == [ref.id]


def test_a_fault_while_writing_a_batch_rolls_it_back_and_it_runs_apart(scenario, engine, clock):
    scenario.deploy("gate.bpmn", GATE)
    pat = scenario.as_user("pat", "practitioner")
    refs = [pat.start("gate", {"missing": n}) for n in range(3)]
    clock.advance(hours=2)
    faults = []

    def fail_first_batch_write(session, _context, _instances):
        deleted = [row for row in session.deleted if isinstance(row, Timer)]
        if not faults and len(deleted) == len(refs):  # the whole batch's flush, at its end
            faults.append("raised")
            raise RuntimeError("the batch's write failed")

    event.listen(Session, "before_flush", fail_first_batch_write)
    try:
        assert savepoints(engine, lambda: engine.fire_due_timers()) == len(refs)
    finally:
        event.remove(Session, "before_flush", fail_first_batch_write)
    assert faults == ["raised"]
    assert (audited(engine, "timer_fired"), audited(engine, "error")) == (3, 0)
    with engine.db.reading() as session:
        assert queries.timers(session) == []
        assert {i.status for i in queries.instances(session)} == {"completed"}


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
    # four sweeps of two instances in one run (a slice long enough for a slow machine)
    assert jobs.fire_timers(seconds=120, batch=2) == 7
    assert audited(engine, "timer_fired") == 7
    with engine.db.reading() as session:
        assert queries.timers(session) == []
    assert jobs.fire_timers(seconds=120, batch=2) == 0  # nothing due: the run ends at once


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


def watched_process(interrupting: bool) -> str:
    """A practitioners' task with a timer on its edge (every hour twice, or once and ending the
    task) and a note that may arrive meanwhile, each leading to a manager's task."""
    timer = "<bpmn:timeCycle>R2/PT1H</bpmn:timeCycle>"
    if interrupting:
        timer = "<bpmn:timeDuration>PT1H</bpmn:timeDuration>"
    process = with_boundary(
        "watched",
        "Do the work",
        f'<bpmn:boundaryEvent id="edge" attachedToRef="work" cancelActivity="{str(interrupting).lower()}">'
        f"<bpmn:timerEventDefinition>{timer}</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        '<bpmn:boundaryEvent id="noted" attachedToRef="work" cancelActivity="false">'
        '<bpmn:messageEventDefinition messageRef="msg_note"/></bpmn:boundaryEvent>'
        + user_task("read", "Read the note", 'camunda:candidateGroups="manager"')
        + '<bpmn:endEvent id="read_end"/>'
        + flow("noted", "read")
        + flow("read", "read_end"),
        "Chase the work",
    )
    return process.replace(
        "</bpmn:definitions>", '<bpmn:message id="msg_note" name="note"/></bpmn:definitions>'
    )


def index_reads(engine, fire) -> dict[str, int]:
    """How many SELECTs on each index table ``fire()`` sends."""
    tables = ("human_task", "timer", "message_subscription", "signal_subscription")
    reads = dict.fromkeys(tables, 0)
    for statement in sent(engine, fire):
        words = statement.split()
        if words[0] == "SELECT" and "FROM" in words:
            table = words[words.index("FROM") + 1]
            if table in reads:
                reads[table] += 1
    return reads


def index_rows(engine, instance_ids):
    with engine.db.reading() as session:
        tasks = session.scalars(
            select(HumanTask).where(HumanTask.instance_id.in_(instance_ids)).order_by(HumanTask.id)
        ).all()
        timers = session.scalars(select(Timer).where(Timer.instance_id.in_(instance_ids))).all()
        messages = session.scalars(
            select(MessageSubscription).where(MessageSubscription.instance_id.in_(instance_ids))
        ).all()
    return tasks, timers, messages


@pytest.mark.parametrize("cached", [True, False], ids=["cached", "loaded"])
def test_a_batch_reads_its_index_rows_once_and_a_repeating_timer_keeps_its_waits(
    scenario, engine, clock, cached
):
    engine.runtime.live.size = 64 if cached else 0  # loaded: the batch's rows give the indexes
    scenario.deploy("watched.bpmn", watched_process(interrupting=False))
    refs = [scenario.as_user("pat", "practitioner").start("watched") for _ in range(3)]
    ids = [ref.id for ref in refs]
    _, timers_before, messages_before = index_rows(engine, ids)
    clock.advance(hours=1, minutes=1)
    fired = []
    reads = index_reads(engine, lambda: fired.append(engine.fire_due_timers()))
    assert fired == [3]
    # one query a table for the whole batch, not one an instance (and, on timer, whether
    # anything is due and which instances)
    assert reads == {
        "human_task": 1,
        "timer": 3,
        "message_subscription": 1,
        "signal_subscription": 1,
    }
    tasks, timers, messages = index_rows(engine, ids)
    assert sorted((t.instance_id, t.name, t.status) for t in tasks) == sorted(
        (i, name, "open") for i in ids for name in ("Do the work", "Chase the work")
    )
    # the cycle's second hour is waited for; the note is still awaited by the same rows
    assert len(timers) == 3 and {t.due_at - timers_before[0].due_at for t in timers} == {
        timedelta(hours=1)
    }
    assert [m.id for m in messages] == [m.id for m in messages_before]
    engine.correlate_message("note", instance_id=ids[0])
    assert "Read the note" in [t.name for t in scenario.as_user("mo", "manager").inbox()]


@pytest.mark.parametrize("cached", [True, False], ids=["cached", "loaded"])
def test_an_interrupting_timer_in_a_batch_cancels_the_task_and_its_other_waits(
    scenario, engine, clock, cached
):
    engine.runtime.live.size = 64 if cached else 0
    scenario.deploy("watched.bpmn", watched_process(interrupting=True))
    refs = [scenario.as_user("pat", "practitioner").start("watched") for _ in range(3)]
    ids = [ref.id for ref in refs]
    clock.advance(hours=2)
    assert engine.fire_due_timers() == 3
    tasks, timers, messages = index_rows(engine, ids)
    assert sorted((t.instance_id, t.name, t.status) for t in tasks) == sorted(
        [(i, "Do the work", "cancelled") for i in ids]
        + [(i, "Chase the work", "open") for i in ids]
    )
    assert (timers, messages) == ([], [])
    assert audited(engine, "task_cancelled") == 3
    assert [t.name for t in scenario.as_user("pat", "practitioner").inbox()] == []


STAGED_LAPSE = bpmn(
    "staged_lapse",
    '<bpmn:extensionElements><camunda:properties><camunda:property name="stages" '
    'value="Practitioners;Managers"/></camunda:properties></bpmn:extensionElements>'
    '<bpmn:startEvent id="start"/>'
    + user_task("raise", "Raise it", 'camunda:candidateGroups="practitioner"').replace(
        "></bpmn:userTask>", ">" + STAGE.format(1) + "</bpmn:userTask>"
    )
    + user_task("decide", "Decide", 'camunda:candidateGroups="manager"').replace(
        "></bpmn:userTask>", ">" + STAGE.format(2) + "</bpmn:userTask>"
    )
    + '<bpmn:boundaryEvent id="late" attachedToRef="decide"><bpmn:timerEventDefinition>'
    "<bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    + '<bpmn:endEvent id="decided" name="Decided"/><bpmn:endEvent id="lapsed" name="Lapsed"/>'
    + flow("start", "raise")
    + flow("raise", "decide")
    + flow("decide", "decided")
    + flow("late", "lapsed"),
)


def test_instances_ending_together_in_a_batch_each_record_their_outcome_and_stage(
    scenario, engine, clock
):
    """Several staged instances lapse in one batch: each outcome names its own end and the
    highest stage it reached, read for the batch at once and written together."""
    scenario.deploy("staged.bpmn", STAGED_LAPSE)
    pat = scenario.as_user("pat", "practitioner")
    refs = [pat.start("staged_lapse") for _ in range(3)]
    for _ in refs:
        pat.complete("Raise it")
    clock.advance(hours=2)
    fired = []
    statements = sent(engine, lambda: fired.append(engine.fire_due_timers()))
    assert fired == [3]
    reads = [s for s in statements if s.startswith("SELECT") and "FROM instance_outcome" in s]
    assert len(reads) == 1  # whether each has an outcome yet: asked once for the batch
    with engine.db.reading() as session:
        outcomes = {
            row.instance_id: (row.status, row.outcome, row.top_stage, row.top_stage_name)
            for row in session.scalars(select(InstanceOutcome))
        }
    assert outcomes == {ref.id: ("completed", "Lapsed", 2, "Managers") for ref in refs}
    clock.advance(hours=2)
    assert engine.fire_due_timers() == 0
    with engine.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(InstanceOutcome)) == 3

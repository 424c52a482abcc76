"""A step on a hot instance reuses the workflow this process saved last (``engine.live_workflows``)
and writes only what changed, in few statements; a stale or rolled-back workflow never leaks."""

import pytest
from sqlalchemy import event, func, select

from engine import queries
from engine.actors import Actor
from engine.audit import record, savepoint
from engine.errors import ProcessError
from engine.live_workflows import LiveWorkflows
from engine.models import AuditEvent, HumanTask, TaskCandidate, TaskDraft
from engine.service import Engine
from notifications.models import OutboxNotification

from .helpers import Scenario, bpmn, flow, linear, user_task

PAT = Actor.of("pat", "practitioner")
PRACTITIONER = 'camunda:candidateGroups="practitioner"'
CHOICE = bpmn(
    "choice",
    '<bpmn:startEvent id="start"/>'
    + user_task("decide", "Decide", 'camunda:candidateGroups="practitioner"')
    + '<bpmn:exclusiveGateway id="which"/>'
    + user_task("act", "Act", 'camunda:candidateGroups="practitioner"')
    + '<bpmn:endEvent id="end"/>'
    + flow("start", "decide")
    + flow("decide", "which")
    + flow("which", "act", '${go == "yes"}')
    + flow("which", "end", '${go == "no"}')
    + flow("act", "end"),
)
SPLIT = bpmn(
    "split",
    '<bpmn:startEvent id="start"/>'
    + user_task("first", "First", 'camunda:candidateGroups="practitioner"')
    + '<bpmn:parallelGateway id="fork"/>'
    + user_task("left", "Left", 'camunda:candidateGroups="practitioner,manager"')
    + user_task("right", "Right", 'camunda:candidateGroups="practitioner,manager"')
    + '<bpmn:parallelGateway id="join"/><bpmn:endEvent id="end"/>'
    + flow("start", "first")
    + flow("first", "fork")
    + flow("fork", "left")
    + flow("fork", "right")
    + flow("left", "join")
    + flow("right", "join")
    + flow("join", "end"),
)


@pytest.fixture
def loads(engine, monkeypatch):
    """How many times the engine deserialized saved state."""
    counted = []
    original = engine.runtime.serializer.loads

    def counting(*args, **kwargs):
        counted.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(engine.runtime.serializer, "loads", counting)
    return counted


def only_task(engine: Engine, instance_id: int) -> HumanTask:
    with engine.db.reading() as session:
        [task] = queries.active_tasks(session, instance_id)
    return task


def test_a_hot_instance_is_stepped_without_loading_its_state_again(scenario, engine, loads):
    scenario.deploy("three.bpmn", linear("three", "One", "Two", "Three"))
    ref = engine.start("three", actor=PAT)
    for _ in range(3):
        ref = engine.complete(only_task(engine, ref.id).id, {"done": True}, PAT)
    assert ref.status == "completed"
    assert loads == []


def test_a_failed_step_is_not_cached_and_the_next_step_sees_the_committed_state(
    scenario, engine, loads
):
    scenario.deploy("choice.bpmn", CHOICE)
    ref = engine.start("choice", actor=PAT)
    decide = only_task(engine, ref.id)
    with pytest.raises(ProcessError):
        engine.complete(decide.id, {"go": "maybe"}, PAT)  # no flow leaves the gateway
    engine.complete(decide.id, {"go": "yes"}, PAT)  # the task was not completed by the failure
    assert len(loads) == 1  # the failed step's workflow was dropped; the committed one loaded
    act = only_task(engine, ref.id)
    assert act.name == "Act"
    assert engine.instance_variables(ref.id)["go"] == "yes"
    with engine.db.reading() as session:
        completions = session.scalars(
            select(AuditEvent.details).where(AuditEvent.event_type == "task_completed")
        ).all()
    assert [details["data"] for details in completions] == [{"go": "yes"}]


def test_two_engines_on_one_database_see_each_others_steps(scenario, engine, db, clock):
    scenario.deploy("three.bpmn", linear("three", "One", "Two", "Three"))
    other = Engine(db.engine.url.render_as_string(hide_password=False), clock=clock)
    try:
        ref = engine.start("three", actor=PAT)  # cached here at version 1...
        engine.complete(only_task(engine, ref.id).id, {"by": "here"}, PAT)
        other.complete(only_task(other, ref.id).id, {"by": "there"}, PAT)
        last = only_task(engine, ref.id)  # ...and here at the version before other's step
        assert last.name == "Three"
        ref = engine.complete(last.id, {"by": "here again"}, PAT)
        assert ref.status == "completed"
    finally:
        other.db.dispose()
    with engine.db.reading() as session:
        names = session.scalars(
            select(AuditEvent.task_name)
            .where(AuditEvent.event_type == "task_completed")
            .order_by(AuditEvent.id)
        ).all()
    assert names == ["One", "Two", "Three"]


def test_cancelling_a_hot_instance_closes_its_open_task_and_withdraws_it(scenario, engine):
    scenario.deploy("three.bpmn", linear("three", "One", "Two", "Three"))
    ref = engine.start("three", actor=PAT)
    engine.complete(only_task(engine, ref.id).id, {}, PAT)
    two = only_task(engine, ref.id)
    engine.cancel(ref.id, PAT, reason="opened in error")
    with engine.db.reading() as session:
        assert session.get(HumanTask, two.id).status == "cancelled"
        assert session.scalars(select(TaskCandidate).filter_by(human_task_id=two.id)).all() == []
        cancelled = session.scalars(
            select(AuditEvent.task_name).where(AuditEvent.event_type == "task_cancelled")
        ).all()
    assert cancelled == ["Two"]


def test_a_step_writes_its_audit_candidate_and_outbox_rows_in_one_statement_each(scenario, engine):
    scenario.deploy("split.bpmn", SPLIT)
    ref = engine.start("split", actor=PAT)
    first = only_task(engine, ref.id)
    sent = []
    listener = lambda *args: sent.append(args[2].split()[:3])  # noqa: E731
    event.listen(engine.db.engine, "before_cursor_execute", listener)
    try:
        engine.complete(first.id, {}, PAT)
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", listener)
    inserts = [words[2] for words in sent if words[:2] == ["INSERT", "INTO"]]
    for table in ("audit_event", "human_task", "human_task_candidate", "notification_outbox"):
        assert inserts.count(table) == 1, (table, inserts)
    with engine.db.reading() as session:
        events = session.scalars(
            select(AuditEvent.event_type).where(AuditEvent.instance_id == ref.id)
        ).all()
        candidates = session.scalar(select(func.count()).select_from(TaskCandidate))
        announced = session.scalars(
            select(OutboxNotification.recipient).where(
                OutboxNotification.event_type == "task_available"
            )
        ).all()
    assert sorted(events) == sorted(
        ["instance_started", "task_created", "task_completed", "task_created", "task_created"]
    )
    assert candidates == 4  # Left and Right, each offered to practitioners and managers
    assert sorted(announced) == sorted(["practitioner"] + ["practitioner", "manager"] * 2)


def test_completing_a_task_closes_it_and_withdraws_it_in_one_statement_on_postgresql(
    scenario, engine
):
    scenario.deploy("three.bpmn", linear("three", "One", "Two", "Three"))
    ref = engine.start("three", actor=PAT)
    one = only_task(engine, ref.id)
    sent = []
    listener = lambda *args: sent.append(" ".join(args[2].split()))  # noqa: E731
    event.listen(engine.db.engine, "before_cursor_execute", listener)
    try:
        engine.complete(one.id, {}, PAT)
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", listener)
    withdrawals = [s for s in sent if "DELETE FROM human_task_candidate" in s]
    together = engine.db.engine.dialect.name == "postgresql"
    assert [s.startswith("WITH") and "UPDATE human_task SET" in s for s in withdrawals] == [
        together
    ]
    with engine.db.reading() as session:
        assert session.get(HumanTask, one.id).status == "completed"
        assert session.scalars(select(TaskCandidate).filter_by(human_task_id=one.id)).all() == []
        [two] = session.scalars(select(HumanTask).filter_by(instance_id=ref.id, status="open"))
        assert session.scalars(select(TaskCandidate).filter_by(human_task_id=two.id)).all()


def test_completing_a_task_removes_its_saved_drafts_and_only_its_own(scenario, engine):
    scenario.deploy("three.bpmn", linear("three", "One", "Two", "Three"))
    drafted = engine.start("three", actor=PAT)
    other = engine.start("three", actor=PAT)
    one, other_one = only_task(engine, drafted.id), only_task(engine, other.id)
    engine.save_draft(one.id, {"note": "half written"}, PAT)
    engine.save_draft(other_one.id, {"note": "kept"}, PAT)
    engine.complete(one.id, {"note": "done"}, PAT)
    engine.complete(only_task(engine, drafted.id).id, {}, PAT)  # Two had no draft
    with engine.db.reading() as session:
        remaining = session.scalars(select(TaskDraft.human_task_id)).all()
    assert remaining == [other_one.id]


def test_the_cache_hands_a_workflow_to_one_step_only_and_only_for_what_was_committed():
    live, workflow = LiveWorkflows(size=2), object()
    live.keep(1, 3, "state at 3", workflow)
    assert live.take(1, 3, "state written by someone else") is None  # and it is gone
    live.keep(1, 3, "state at 3", workflow)
    assert live.take(1, 4, "state at 4") is None
    live.keep(1, 3, "state at 3", workflow)
    assert live.take(1, 3, "state at 3") is workflow
    assert live.take(1, 3, "state at 3") is None  # the step that took it has it alone


def test_the_cache_keeps_the_most_recently_stepped_instances():
    live = LiveWorkflows(size=2)
    for instance_id in (1, 2, 3):
        live.keep(instance_id, 1, "s", f"workflow {instance_id}")
    assert len(live) == 2
    assert live.take(1, 1, "s") is None
    assert live.take(3, 1, "s") == "workflow 3"
    off = LiveWorkflows(size=0)
    off.keep(1, 1, "s", "workflow")
    assert off.take(1, 1, "s") is None


def test_a_rolled_back_savepoint_takes_only_the_audit_rows_kept_inside_it(engine, clock):
    with engine.db.unit_of_work() as session:
        record(session, "before_savepoint", "ann", clock.now(), case_ref="SP-1")
        with pytest.raises(ValueError), savepoint(session):
            record(session, "inside_savepoint", "ann", clock.now(), case_ref="SP-1")
            raise ValueError("this part fails")
        record(session, "after_savepoint", "ann", clock.now(), case_ref="SP-1")
    with engine.db.reading() as session:
        kinds = session.scalars(
            select(AuditEvent.event_type)
            .where(AuditEvent.case_ref == "SP-1")
            .order_by(AuditEvent.id)
        ).all()
    assert kinds == ["before_savepoint", "after_savepoint"]


def test_a_savepoint_begun_over_kept_rows_is_refused_rather_than_losing_them(engine, clock):
    with pytest.raises(RuntimeError, match="audit.savepoint"):
        with engine.db.unit_of_work() as session:
            record(session, "kept", "ann", clock.now(), case_ref="SP-2")
            session.begin_nested()


# A script leaves a tuple and a dict keyed by a number; saving makes them a list and a string key.
ODD_TYPES = bpmn(
    "odd_types",
    '<bpmn:startEvent id="start"/>'
    '<bpmn:scriptTask id="make" scriptFormat="python">'
    '<bpmn:script>pair = (1, 2)\nnames = {1: "a"}</bpmn:script></bpmn:scriptTask>'
    + user_task("first", "First", PRACTITIONER)
    + '<bpmn:scriptTask id="test" scriptFormat="python">'
    "<bpmn:script>as_list = pair == [1, 2]\nkeyed_by_number = 1 in names</bpmn:script>"
    "</bpmn:scriptTask>"
    + user_task("second", "Second", PRACTITIONER)
    + '<bpmn:endEvent id="end"/>'
    + flow("start", "make")
    + flow("make", "first")
    + flow("first", "test")
    + flow("test", "second")
    + flow("second", "end"),
)


@pytest.mark.parametrize("cached", [64, 0], ids=["cache on", "cache off"])
def test_a_hot_instance_reads_its_data_as_a_reloaded_one_would(db, clock, cached):
    engine = Engine(db, clock=clock, live_workflows=cached)
    scenario = Scenario(engine, clock)
    scenario.deploy("odd_types.bpmn", ODD_TYPES)
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("odd_types")
    pat.complete("First")
    variables = engine.instance_variables(ref.id)
    assert (variables["as_list"], variables["keyed_by_number"]) == (True, False)

"""Long cases keep a small live state: finished history leaves the saved tree, the process
still runs as before, and the instance page still shows the path taken."""

from __future__ import annotations

import json

import pytest
from alembic import command
from sqlalchemy import text

from engine import queries
from engine import runtime as engine_runtime
from engine.actors import Actor
from engine.agencies import PARTNERSHIP, groups_for
from engine.db import Database, make_engine
from engine.errors import MigrationBlocked
from engine.models import ProcessInstance
from engine.schema import alembic_config, upgrade
from engine.service import Engine

from .helpers import Scenario, bpmn, flow, linear, timer_wait, user_task

OWNER = Actor("owner", groups_for(PARTNERSHIP, ["process-owner"]), agency=PARTNERSHIP)
PRACTITIONER = 'camunda:candidateGroups="practitioner"'
AGAIN = "${again}"
DONE = "${!again}"


def looped(process_id: str, body: str, first: str, last: str) -> str:
    """start -> ``body`` (from ``first`` to ``last``) -> a gateway looping back while
    ``again`` -> end."""
    return bpmn(
        process_id,
        '<bpmn:startEvent id="start"/>'
        + body
        + '<bpmn:exclusiveGateway id="more"/><bpmn:endEvent id="end"/>'
        + flow("start", "merge")
        + '<bpmn:exclusiveGateway id="merge"/>'
        + flow("merge", first)
        + flow(last, "more")
        + flow("more", "merge", AGAIN, "loop_back")
        + flow("more", "end", DONE, "finish"),
    )


ONE_TASK = looped("visits", user_task("visit", "Visit", PRACTITIONER), "visit", "visit")


def saved(engine, instance_id: int) -> str:
    with engine.db.reading() as session:
        return session.get(ProcessInstance, instance_id).state


def run_loop(scenario, key: str, task: str, times: int, **data) -> tuple[int, dict]:
    """Start ``key`` and complete ``task`` ``times`` times (again=True), returning the
    instance id and the state's size after iterations 10 and ``times``."""
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start(key)
    sizes = {}
    for iteration in range(1, times + 1):
        pat.complete(task, again=True, iteration=iteration, **data)
        if iteration in (10, times):
            sizes[iteration] = len(saved(scenario.engine, ref.id))
    return ref.id, sizes


def test_a_400_visit_loop_keeps_its_saved_state_as_small_as_at_visit_10(scenario, engine):
    scenario.deploy("visits.bpmn", ONE_TASK)
    instance_id, sizes = run_loop(scenario, "visits", "Visit", 400)
    assert sizes[400] <= 1.5 * sizes[10]
    assert len(json.loads(saved(engine, instance_id))["tasks"]) < 12


def test_the_loop_carries_its_data_forward_and_ends_when_told(scenario, engine):
    scenario.deploy("visits.bpmn", ONE_TASK)
    instance_id, _ = run_loop(scenario, "visits", "Visit", 30, notes="seen at home")
    pat = scenario.as_user("pat", "practitioner")
    variables = engine.instance_variables(instance_id)
    assert (variables["iteration"], variables["notes"]) == (30, "seen at home")
    assert pat.complete("Visit", again=False).status == "completed"


def test_the_instance_page_still_shows_the_completed_path(scenario, engine):
    scenario.deploy("visits.bpmn", ONE_TASK)
    instance_id, _ = run_loop(scenario, "visits", "Visit", 12)
    pat = scenario.as_user("pat", "practitioner")
    diagram = engine.instance_diagram(instance_id, pat.actor)
    assert {"start", "merge", "more"} <= set(diagram["completed"])
    assert diagram["active"] == ["visit"]
    with engine.db.reading() as session:
        events = [
            e for e in queries.history(session, instance_id) if e.event_type == "task_completed"
        ]
    assert len(events) == 12


def trace(scenario, key: str, steps: list[tuple[str, dict]], variables: dict | None = None):
    """Start ``key``, complete ``steps`` in order; the inbox after each step, the final
    variables and status, and the saved state's size after each step."""
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start(key, variables or {})
    inboxes, sizes, status = [], [], "running"
    for name, data in steps:
        status = pat.complete(name, **data).status
        inboxes.append(sorted(t.name for t in pat.inbox() if t.instance_id == ref.id))
        sizes.append(len(saved(scenario.engine, ref.id)))
    return (inboxes, scenario.engine.instance_variables(ref.id), status), sizes


PARALLEL = looped(
    "parallel_visits",
    '<bpmn:parallelGateway id="fork"/><bpmn:parallelGateway id="join"/>'
    + user_task("home", "Home visit", PRACTITIONER)
    + user_task("school", "School check", PRACTITIONER)
    + flow("fork", "home")
    + flow("fork", "school")
    + flow("home", "join")
    + flow("school", "join"),
    "fork",
    "join",
)


def test_a_parallel_split_in_a_loop_waits_for_both_branches_every_time(scenario):
    # Unpruned, SpiffWorkflow 3.2 counts the previous pass's arrivals at the join and fires it
    # early when the branches finish in another order (two tokens); pruned, it waits.
    scenario.deploy("parallel.bpmn", PARALLEL)
    steps, expected = [], []
    for n in range(1, 31):
        first, second = ("Home visit", "School check") if n % 2 else ("School check", "Home visit")
        steps += [(first, {"first": n, "again": True}), (second, {"second": n, "again": n < 30})]
        expected += [[second], [] if n == 30 else ["Home visit", "School check"]]
    (inboxes, variables, status), sizes = trace(scenario, "parallel_visits", steps)
    assert inboxes == expected
    # (at a join, the last branch's copy of a variable wins, even a stale one: Spiff's rule)
    assert (status, variables["second"]) == ("completed", 30)
    assert sizes[-3] <= 1.5 * sizes[19]


INCLUSIVE = looped(
    "inclusive_visits",
    '<bpmn:inclusiveGateway id="fork"/><bpmn:inclusiveGateway id="join"/>'
    + user_task("home", "Home visit", PRACTITIONER)
    + user_task("school", "School check", PRACTITIONER)
    + flow("fork", "home", "${home}")
    + flow("fork", "school", "${school}")
    + flow("home", "join")
    + flow("school", "join"),
    "fork",
    "join",
)


def test_an_inclusive_gateway_in_a_loop_joins_the_branches_it_took(scenario):
    # As with the parallel join, unpruned SpiffWorkflow counts earlier passes' inputs here.
    scenario.deploy("inclusive.bpmn", INCLUSIVE)
    steps, expected, school = [], [], False
    for n in range(1, 21):
        nxt = {"home": True, "school": n % 3 == 0, "again": n < 20}
        if school:
            steps.append(("School check", {"n": n}))
            expected.append(["Home visit"])
        steps.append(("Home visit", nxt))
        expected.append([] if n == 20 else ["Home visit"] + ["School check"] * nxt["school"])
        school = nxt["school"]
    start = {"home": True, "school": False}
    (inboxes, _, status), _ = trace(scenario, "inclusive_visits", steps, start)
    assert (inboxes, status) == (expected, "completed")


BOUNDARY_TIMER = looped(
    "timed_visits",
    user_task("visit", "Visit", PRACTITIONER)
    + '<bpmn:boundaryEvent id="late" attachedToRef="visit" cancelActivity="false">'
    "<bpmn:timerEventDefinition><bpmn:timeDuration>P10D</bpmn:timeDuration>"
    "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    + user_task("chase", "Chase the visit", PRACTITIONER)
    + '<bpmn:endEvent id="chased"/>'
    + flow("late", "chase")
    + flow("chase", "chased"),
    "visit",
    "visit",
)


def test_a_boundary_timer_on_a_looped_task_is_set_each_time(scenario, engine):
    scenario.deploy("timed.bpmn", BOUNDARY_TIMER)
    steps = [("Visit", {"n": n, "again": True}) for n in range(1, 26)]
    (inboxes, variables, status), sizes = trace(scenario, "timed_visits", steps)
    assert (inboxes, variables["n"], status) == ([["Visit"]] * 25, 25, "running")
    assert sizes[-1] <= 1.5 * sizes[9]
    with engine.db.reading() as session:
        timers = [t for t in queries.timers(session) if t.element_id == "late"]
    assert len(timers) == 1  # one waiting timer, on the current visit


def test_migration_0021_prunes_instances_saved_before_pruning(tmp_path, clock, monkeypatch):
    url = f"sqlite:///{tmp_path / 'before.sqlite'}"
    database = make_engine(url)
    upgrade(database)
    old = Engine(Database(url), clock=clock)
    scenario = Scenario(old, clock)
    scenario.deploy("visits.bpmn", ONE_TASK)
    with monkeypatch.context() as patch:
        patch.setattr(engine_runtime, "prune", lambda workflow: 0)
        instance_id, _ = run_loop(scenario, "visits", "Visit", 40, notes="before")
    before = saved(old, instance_id)
    command.downgrade(alembic_config(database), "0020")  # as saved before pruning existed

    upgrade(database)

    after = saved(old, instance_id)
    assert len(after) < len(before) / 5
    pat = scenario.as_user("pat", "practitioner")
    assert old.instance_variables(instance_id)["iteration"] == 40
    pat.complete("Visit", again=True, iteration=41)
    assert pat.complete("Visit", again=False).status == "completed"
    assert "visit" in old.instance_diagram(instance_id, pat.actor)["completed"]
    pruned = saved(old, instance_id)
    command.downgrade(alembic_config(database), "0020")  # nothing to undo: it loads as it is
    with database.connect() as connection:
        state = text("SELECT state FROM process_instance WHERE id = :id")
        assert connection.execute(state, {"id": instance_id}).scalar() == pruned
    upgrade(database)
    assert old.instance_variables(instance_id)["iteration"] == 41
    old.db.dispose()
    database.dispose()


MULTI_INSTANCE = looped(
    "rounds",
    '<bpmn:userTask id="contribute" name="Contribute" camunda:candidateGroups="practitioner">'
    '<bpmn:multiInstanceLoopCharacteristics camunda:collection="${agencies}" '
    'camunda:elementVariable="agency"/></bpmn:userTask>'
    + user_task("review", "Review", PRACTITIONER)
    + flow("contribute", "review"),
    "contribute",
    "review",
)


def test_a_multi_instance_task_in_a_loop_offers_each_agency_every_round(scenario):
    scenario.deploy("rounds.bpmn", MULTI_INSTANCE)
    steps, expected = [], []
    for n in range(1, 16):
        steps += [("Contribute", {"round": n}), ("Contribute", {"round": n})]
        steps.append(("Review", {"reviewed": n, "again": n < 15}))
        expected += [["Contribute"], ["Review"], [] if n == 15 else ["Contribute", "Contribute"]]
    start = {"agencies": ["probation", "midwifery"]}
    (inboxes, variables, status), sizes = trace(scenario, "rounds", steps, start)
    assert (inboxes, variables["reviewed"], status) == (expected, 15, "completed")
    assert sizes[-4] <= 1.5 * sizes[14]


EMBEDDED = looped(
    "embedded_rounds",
    '<bpmn:subProcess id="round"><bpmn:startEvent id="round_start"/>'
    + user_task("check", "Check", PRACTITIONER)
    + '<bpmn:endEvent id="round_end"/>'
    + flow("round_start", "check")
    + flow("check", "round_end")
    + "</bpmn:subProcess>",
    "round",
    "round",
)
CHILD = bpmn(
    "child_round",
    '<bpmn:startEvent id="child_start"/>'
    + user_task("child_check", "Child check", PRACTITIONER)
    + '<bpmn:endEvent id="child_end"/>'
    + flow("child_start", "child_check")
    + flow("child_check", "child_end"),
)
CALLING = looped(
    "called_rounds",
    '<bpmn:callActivity id="call" calledElement="child_round"><bpmn:extensionElements>'
    '<camunda:in variables="all"/><camunda:out variables="all"/>'
    "</bpmn:extensionElements></bpmn:callActivity>",
    "call",
    "call",
)


def test_subprocesses_and_call_activities_in_a_loop_run_and_leave_with_their_round(
    scenario, engine
):
    scenario.deploy("embedded.bpmn", EMBEDDED)
    scenario.deploy("child.bpmn", CHILD)
    scenario.deploy("calling.bpmn", CALLING)
    for key, task in (("embedded_rounds", "Check"), ("called_rounds", "Child check")):
        steps = [(task, {"n": n, "again": n < 25}) for n in range(1, 26)]
        (inboxes, variables, status), sizes = trace(scenario, key, steps)
        assert inboxes == [[task]] * 24 + [[]]
        assert (variables["n"], status) == (25, "completed")
        assert sizes[-2] <= 1.5 * sizes[9]
    with engine.db.reading() as session:
        states = [i.state for i in session.query(ProcessInstance)]
    assert all(len(json.loads(state)["subprocesses"]) <= 1 for state in states)


def test_a_step_pruned_from_the_state_still_blocks_a_move_to_a_version_without_it(scenario, engine):
    scenario.deploy("steps.bpmn", linear("steps", "one", "two", "three"))
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("steps")
    pat.complete("one")
    pat.complete("two")
    assert "one" not in {
        t["task_spec"] for t in json.loads(saved(engine, ref.id))["tasks"].values()
    }
    scenario.deploy("steps.bpmn", linear("steps", "first", "two", "three"))
    v2, v1 = (v.definition for v in engine.definition_versions(OWNER, "steps"))
    with pytest.raises(MigrationBlocked) as blocked:
        engine.migrate_instances(v1.id, v2.id, OWNER)
    assert [b.reason for b in blocked.value.blockers] == [
        "it has completed 'one' (one), which version 2 no longer has; an instance cannot lose "
        "a step it has already passed"
    ]


def script(task_id: str, text: str) -> str:
    return (
        f'<bpmn:scriptTask id="{task_id}" scriptFormat="python">'
        f"<bpmn:script>{text}</bpmn:script></bpmn:scriptTask>"
    )


# One branch sets x = 2 and waits on a timer after its task; the other branch is finished first.
TIMER_AFTER_A_BRANCH = bpmn(
    "timer_branch",
    '<bpmn:startEvent id="start"/>'
    + script("first", "x = 1")
    + '<bpmn:parallelGateway id="fork"/>'
    + script("second", "x = 2")
    + user_task("a", "A", PRACTITIONER)
    + timer_wait("<bpmn:timeDuration>PT1H</bpmn:timeDuration>")
    + user_task("after", "After", PRACTITIONER)
    + user_task("b", "B", PRACTITIONER)
    + '<bpmn:parallelGateway id="join"/><bpmn:endEvent id="end"/>'
    + flow("start", "first")
    + flow("first", "fork")
    + flow("fork", "second")
    + flow("second", "a")
    + flow("a", "wait")
    + flow("wait", "after")
    + flow("after", "join")
    + flow("fork", "b")
    + flow("b", "join")
    + flow("join", "end"),
)


def test_a_waiting_timer_keeps_the_data_its_branch_reached_when_the_tree_is_pruned(
    scenario, engine, clock
):
    scenario.deploy("timer_branch.bpmn", TIMER_AFTER_A_BRANCH)
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("timer_branch")
    pat.complete("A", y=5)
    pat.complete("B", z=7)  # the other branch: its finished tasks may be pruned now
    clock.advance(hours=2)
    assert engine.fire_due_timers() == 1
    pat.complete("After")
    variables = engine.instance_variables(ref.id)
    assert (variables["x"], variables["y"], variables["z"]) == (2, 5, 7)

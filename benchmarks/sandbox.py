"""Sandbox benchmark: what evaluating diagram text through the sandbox costs per step.

    python benchmarks/sandbox.py [--instances 300] [--evaluations 20000]

``rows(quick)`` gives ``make bench`` the mean evaluation against raw ``eval``, the loop per
step, and the sandbox's share of a durable engine step on SQLite.

Prints, against bare SpiffWorkflow's raw ``eval``/``exec`` environment:
1. one evaluation of typical gateway conditions and a script, in microseconds;
2. an expression-heavy process run in memory (a script task and a two-way gateway, 20 times
   round a loop: 20 scripts and 40 conditions per instance), per instance and per step.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser  # noqa: E402

from benchmarks.seed import THREE_TASKS  # noqa: E402
from benchmarks.table import Row  # noqa: E402
from engine.actors import Actor  # noqa: E402
from engine.clock import FrozenClock  # noqa: E402
from engine.dialect.script_engine import ExpressionScriptEngine  # noqa: E402
from engine.expressions import translate  # noqa: E402
from engine.resources import read_resource  # noqa: E402
from engine.schema import upgrade  # noqa: E402
from engine.service import Engine  # noqa: E402
from engine.workdays import WorkingDayCalendar  # noqa: E402

ROUNDS = 20
LOOP = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="loop_defs"
  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="loop" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:scriptTask id="count" scriptFormat="python"><bpmn:script>n = n + 1
total = total + n * 2
label = 'round ' + str(n)</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="more"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="count"/>
    <bpmn:sequenceFlow id="f2" sourceRef="count" targetRef="more"/>
    <bpmn:sequenceFlow id="again" sourceRef="more" targetRef="count">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">n &lt; {ROUNDS} and not stop</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="done" sourceRef="more" targetRef="end">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">n &gt;= {ROUNDS} or stop</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>
"""
EVALUATIONS = [
    ("condition", "stage == 2 and not resolved", {"stage": 2, "resolved": False}),
    ("membership", "agency in agencies", {"agency": "probation", "agencies": ["a", "probation"]}),
    ("arithmetic", "total + n * 2", {"total": 10, "n": 4}),
    ("call", "len(parties) > 1", {"parties": ["a", "b"]}),
]


def sandboxed() -> ExpressionScriptEngine:
    return ExpressionScriptEngine(FrozenClock("2026-11-23T10:00:00+00:00"), WorkingDayCalendar())


def per_evaluation_us(evaluate, text: str, data: dict, count: int) -> float:
    evaluate(text, dict(data))
    started = time.perf_counter()
    for _ in range(count):
        evaluate(text, data)
    return (time.perf_counter() - started) / count * 1e6


def unbounded(language):
    """The whitelisted code compiled once but without the bounds' guards: what bounds cost."""
    cache = {}

    def evaluate(text: str, data: dict):
        if text not in cache:
            cache[text] = compile(ast.parse(translate(text), mode="eval"), "<bench>", "eval")
        return eval(cache[text], language._globals, data)  # noqa: S307 - benchmark baseline

    return evaluate


def loop_ms(script_engine, count: int) -> float:
    parser = CamundaParser()
    parser.add_bpmn_str(LOOP.encode())
    spec, subprocesses = parser.get_spec("loop"), parser.get_subprocess_specs("loop")

    def run():
        workflow = BpmnWorkflow(spec, subprocesses, script_engine=script_engine)
        workflow.task_tree.data.update({"n": 0, "total": 0, "stop": False})
        workflow.do_engine_steps()
        assert workflow.completed and workflow.data["n"] == ROUNDS

    run()
    started = time.perf_counter()
    for _ in range(count):
        run()
    return (time.perf_counter() - started) / count * 1000


def durable_step_us(instances: int) -> float:
    """One engine step (start or a completion) of start -> 3 tasks -> end on a SQLite file."""
    actor = Actor.engine()
    with tempfile.TemporaryDirectory() as folder:
        engine = Engine(f"sqlite:///{folder}/sandbox.sqlite")
        upgrade(engine.db.engine)
        engine.deploy([read_resource("three_tasks.bpmn", THREE_TASKS)], deployed_by="bench")

        def run():
            ref = engine.start("three_tasks", actor=actor)
            for _ in range(3):
                [task] = engine.next_tasks(ref.id, actor)
                ref = engine.complete(task.id, {"done": True}, actor)

        run()
        started = time.perf_counter()
        for _ in range(instances):
            run()
        elapsed = time.perf_counter() - started
        engine.db.dispose()
    return elapsed / instances / 4 * 1e6


def rows(quick: bool) -> list[Row]:
    """The sandbox's cost for ``make bench``: per evaluation, per loop step, per durable step."""
    count, instances = (3_000, 60) if quick else (20_000, 300)
    raw, ours = PythonScriptEngine().environment, sandboxed().environment
    checked = unbounded(ours.language)
    bare, plain, safe = (
        statistics.mean(per_evaluation_us(f, text, data, count) for _, text, data in EVALUATIONS)
        for f in (raw.evaluate, checked, ours.evaluate)
    )
    steps = ROUNDS * 3
    loop_bare, loop_safe = loop_ms(PythonScriptEngine(), instances), loop_ms(sandboxed(), instances)
    step = durable_step_us(instances // 3)
    goal = "6 sandbox"
    return [
        Row(
            goal,
            "one evaluation, mean of 4 typical expressions",
            f"{safe:.1f} µs",
            safe / bare,
            "SpiffWorkflow's raw eval",
        ),
        Row(
            goal,
            "the same, against that code compiled once without bounds",
            f"{safe - plain:+.1f} µs",
            safe / plain,
            "compiled, no bounds",
        ),
        Row(
            goal,
            f"loop of {ROUNDS} scripts + {2 * ROUNDS} conditions in memory, per step",
            f"{loop_safe / steps * 1000:.0f} µs",
            loop_safe / loop_bare,
            "raw eval",
        ),
        Row(
            goal,
            "3 evaluations' share of a durable step (SQLite)",
            f"{3 * safe / step:.1%} of {step / 1000:.1f} ms",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=300)
    parser.add_argument("--evaluations", type=int, default=20_000)
    args = parser.parse_args()

    raw, ours = PythonScriptEngine().environment, sandboxed().environment
    checked = unbounded(ours.language)
    print(
        "one evaluation          raw eval µs  compiled once, no bounds µs  sandbox µs  x raw  x no-bounds"
    )
    for label, text, data in EVALUATIONS:
        bare = per_evaluation_us(raw.evaluate, text, data, args.evaluations)
        plain = per_evaluation_us(checked, text, data, args.evaluations)
        safe = per_evaluation_us(ours.evaluate, text, data, args.evaluations)
        print(
            f"  {label:<20} {bare:11.2f}  {plain:27.2f}  {safe:10.2f}  {safe / bare:5.2f}"
            f"  {safe / plain:11.2f}"
        )

    bare = loop_ms(PythonScriptEngine(), args.instances)
    safe = loop_ms(sandboxed(), args.instances)
    steps = ROUNDS * 3
    print(f"loop of {ROUNDS} script tasks + {2 * ROUNDS} conditions, per instance (in memory)")
    print(
        f"  bare SpiffWorkflow (raw eval)      {bare:8.2f} ms   {bare / steps * 1000:7.1f} µs/step"
    )
    print(
        f"  SpiffWorkflow + sandbox            {safe:8.2f} ms   {safe / steps * 1000:7.1f} µs/step"
        f"   x{safe / bare:.2f}"
    )


if __name__ == "__main__":
    main()

"""No text from a diagram reaches Python's eval or exec outside the expression sandbox.

Each place SpiffWorkflow 3.2 evaluates diagram text is walked three ways: deploying a hostile
diagram is refused with file, element and line; running the same diagram with the deploy check
bypassed leaves the payload unrun; and an audit hook proves no code object other than the
sandbox's was evaluated while it ran.
"""

from __future__ import annotations

import ast
import gc
import sys
from pathlib import Path

import pytest
import SpiffWorkflow
from lxml import etree
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.message import (
    CorrelationProperty,
    MessageEventDefinition,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.clock import FrozenClock
from engine.dialect.parser import DialectParser
from engine.dialect.script_engine import ExpressionScriptEngine
from engine.expressions import SANDBOX_FILENAME
from engine.workdays import WorkingDayCalendar

from .helpers import bpmn, flow, resource, user_task

# --- an audit hook that sees every eval/exec of a code object --------------------------------

_foreign: list[str] | None = None
# code that handles diagram text: SpiffWorkflow and our own packages (SQLAlchemy, for one,
# execs templates of its own, which carry no diagram text)
_WATCHED = (
    str(Path(SpiffWorkflow.__file__).parent),
    *(str(Path(__file__).resolve().parent.parent / p) for p in ("engine", "webapp")),
)


def _audit(event: str, args: tuple) -> None:
    if _foreign is None or event != "exec":
        return
    filename = getattr(args[0], "co_filename", "")
    caller = sys._getframe(1).f_code.co_filename
    if filename != SANDBOX_FILENAME and caller.startswith(_WATCHED):
        _foreign.append(f"{caller} ran {filename}")


sys.addaudithook(_audit)


class Watch:
    """Records code evaluated outside the sandbox while the ``with`` block runs."""

    def __enter__(self) -> list[str]:
        global _foreign
        _foreign = []
        return _foreign

    def __exit__(self, *exc) -> None:
        global _foreign
        _foreign = None


# --- hostile diagrams, one per place SpiffWorkflow evaluates text ---------------------------


def payload(mark: Path) -> str:
    return f"__import__('os').system('touch {mark}')"


def _around(element: str, extra: str = "") -> str:
    body = '<bpmn:startEvent id="start"/>' + element + '<bpmn:endEvent id="end"/>'
    return bpmn("p", body + flow("start", "target") + flow("target", "end"), extra=extra)


def condition(text):
    body = (
        '<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="gw" default="other"/>'
        '<bpmn:endEvent id="end"/><bpmn:endEvent id="end2"/>'
        + flow("start", "gw")
        + flow("gw", "end", text, flow_id="target")
        + flow("gw", "end2", flow_id="other")
    )
    return bpmn("p", body)


def timer(tag):
    return lambda text: _around(
        f'<bpmn:intermediateCatchEvent id="target"><bpmn:timerEventDefinition><bpmn:{tag}>'
        f"${{{text}}}</bpmn:{tag}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )


def script(text):
    return _around(
        f'<bpmn:scriptTask id="target" scriptFormat="python"><bpmn:script>{text}</bpmn:script>'
        "</bpmn:scriptTask>"
    )


def cardinality(text):
    return _around(
        '<bpmn:task id="target"><bpmn:multiInstanceLoopCharacteristics>'
        f"<bpmn:loopCardinality>{text}</bpmn:loopCardinality>"
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:task>"
    )


def completion(text):
    return _around(
        '<bpmn:userTask id="target"><bpmn:multiInstanceLoopCharacteristics isSequential="true">'
        "<bpmn:loopCardinality>2</bpmn:loopCardinality>"
        f"<bpmn:completionCondition>{text}</bpmn:completionCondition>"
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>"
    )


def loop(text):
    return _around(
        '<bpmn:task id="target"><bpmn:standardLoopCharacteristics loopMaximum="2">'
        f"<bpmn:loopCondition>{text}</bpmn:loopCondition>"
        "</bpmn:standardLoopCharacteristics></bpmn:task>"
    )


def conditional_event(text):
    return _around(
        '<bpmn:intermediateCatchEvent id="target"><bpmn:conditionalEventDefinition>'
        f'<bpmn:condition xsi:type="bpmn:tFormalExpression">{text}</bpmn:condition>'
        "</bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>"
    )


def ad_hoc(text):
    return _around(
        '<bpmn:adHocSubProcess id="target"><bpmn:task id="inside"/>'
        f'<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">{text}'
        "</bpmn:completionCondition></bpmn:adHocSubProcess>"
    )


def correlation(text):
    extra = (
        '<bpmn:message id="msg" name="ping"/><bpmn:correlationProperty id="target" name="key">'
        '<bpmn:correlationPropertyRetrievalExpression messageRef="msg">'
        f"<bpmn:formalExpression>{text}</bpmn:formalExpression>"
        "</bpmn:correlationPropertyRetrievalExpression></bpmn:correlationProperty>"
    )
    return bpmn("p", '<bpmn:startEvent id="start"/>', extra=extra)


def assignee(text):
    return _around(user_task("target", attrs=f'camunda:assignee="${{{text}}}"'))


BPMN_PLACES = {
    "sequence flow condition": (condition, "target"),
    "timer date": (timer("timeDate"), "target"),
    "timer duration": (timer("timeDuration"), "target"),
    "timer cycle": (timer("timeCycle"), "target"),
    "script task": (script, "target"),
    "multi-instance cardinality": (cardinality, "target"),
    "multi-instance completion condition": (completion, "target"),
    "standard loop condition": (loop, "target"),
    "conditional event": (conditional_event, "target"),
    "ad-hoc subprocess completion": (ad_hoc, "target"),
    "message correlation property": (correlation, "target"),
    "user task assignee": (assignee, "target"),
}
# places SpiffWorkflow itself evaluates when the diagram runs (assignee is read by our indexer)
RUN_PLACES = [name for name in BPMN_PLACES if name not in ("user task assignee",)]


def decision(input_entry: str = '"yes"', output_entry: str = '"share"') -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="D"
  namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="share" name="Share?">
    <decisionTable id="table" hitPolicy="FIRST">
      <input id="in"><inputExpression id="in_expr" typeRef="string"><text>consent</text>
      </inputExpression></input>
      <output id="out" name="outcome" typeRef="string"/>
      <rule id="target">
        <inputEntry id="entry"><text>{input_entry}</text></inputEntry>
        <outputEntry id="result"><text>{output_entry}</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def sandboxed_engine() -> ExpressionScriptEngine:
    return ExpressionScriptEngine(FrozenClock("2026-12-23T10:00:00+00:00"), WorkingDayCalendar())


def run_in_memory(text: str, script_engine, dmn: str | None = None):
    """Parse and run a diagram with no deploy check; the SpiffWorkflow error it met, if any."""
    parser = DialectParser()
    parser.add_bpmn_xml(etree.fromstring(text.encode()), filename="hostile.bpmn")
    try:
        if dmn:  # a decision's input entries are parsed (never evaluated) when it is added
            parser.add_dmn_xml(etree.fromstring(dmn.encode()), filename="hostile.dmn")
        spec, subprocess_specs = parser.get_spec("p"), parser.get_subprocess_specs("p")
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine)
        for _ in range(3):
            workflow.do_engine_steps()
            workflow.refresh_waiting_tasks()
            for task in workflow.get_tasks(state=TaskState.READY, manual=True):
                task.run()
    except (SpiffWorkflowException, ValueError, KeyError) as error:
        return error
    return None


# --- deploy: refused with file, element and line ----------------------------------------------


@pytest.mark.parametrize("place", list(BPMN_PLACES))
def test_a_hostile_expression_is_refused_at_deploy_with_its_element_and_line(
    engine, tmp_path, place
):
    make, element_id = BPMN_PLACES[place]
    problems = engine.validate([resource("hostile.bpmn", make(payload(tmp_path / "mark")))])
    assert problems, f"{place}: a hostile diagram validated"
    assert {p.file for p in problems} == {"hostile.bpmn"}
    assert element_id in {p.element_id for p in problems}
    assert all(p.line for p in problems)


@pytest.mark.parametrize(
    ("input_entry", "output_entry"),
    [("__import__('os').getcwd()", '"share"'), ('"yes"', "().__class__.__bases__")],
)
def test_a_hostile_decision_table_entry_is_refused_at_deploy(engine, input_entry, output_entry):
    problems = engine.validate([resource("hostile.dmn", decision(input_entry, output_entry))])
    assert problems and problems[0].file == "hostile.dmn"
    assert problems[0].element_id in ("entry", "result") and problems[0].line


def test_ad_hoc_subprocesses_and_correlation_properties_say_why_they_are_refused(engine):
    [ad_hoc_problem] = engine.validate([resource("a.bpmn", ad_hoc("done"))])
    assert "Camunda 7 does not run them" in ad_hoc_problem.message
    [correlation_problem] = engine.validate([resource("c.bpmn", correlation("key"))])
    assert "business key" in correlation_problem.message


def test_the_modeler_deploy_refuses_a_hostile_diagram_over_http(app, tmp_path):
    from .test_engine_rest import deploy

    mark = tmp_path / "mark"
    response = deploy(app.test_client(), {"hostile.bpmn": ad_hoc(payload(mark))})
    assert response.status_code == 400
    assert "target" in response.get_data(as_text=True)
    assert not mark.exists()


# --- run: with the deploy check bypassed, nothing reaches eval unchecked ----------------------


@pytest.mark.parametrize("place", RUN_PLACES)
def test_a_hostile_expression_run_past_deploy_never_executes(tmp_path, place):
    make, _ = BPMN_PLACES[place]
    mark = tmp_path / "mark"
    with Watch() as foreign:
        error = run_in_memory(make(payload(mark)), sandboxed_engine())
    assert not mark.exists()
    assert foreign == []
    if place != "message correlation property":  # only evaluated when a message is caught
        assert error is not None, f"{place}: the payload was not even reached"


def test_a_hostile_decision_entry_run_past_deploy_never_executes(tmp_path):
    mark = tmp_path / "mark"
    task = (
        '<bpmn:businessRuleTask id="target" camunda:decisionRef="share" '
        'camunda:resultVariable="outcome"/>'
    )
    with Watch() as foreign:
        error = run_in_memory(
            _around(task).replace('<bpmn:startEvent id="start"/>', '<bpmn:startEvent id="start"/>'),
            _with_data(sandboxed_engine(), consent="yes"),
            dmn=decision(payload(mark)),
        )
    assert error is not None and not mark.exists() and foreign == []


def _with_data(script_engine, **data):
    original = script_engine.evaluate

    def evaluate(task, expression, external_context=None):
        task.data.update({k: v for k, v in data.items() if k not in task.data})
        return original(task, expression, external_context)

    script_engine.evaluate = evaluate
    return script_engine


def test_bare_spiffworkflow_runs_what_the_sandbox_refuses(tmp_path):
    """The two raw paths of finding 1: plain SpiffWorkflow evaluates them with eval."""
    mark = tmp_path / "mark"
    with Watch() as foreign:
        run_in_memory(ad_hoc(payload(mark)), PythonScriptEngine())
    assert mark.exists() and foreign, "the audit hook must see raw eval"
    mark.unlink()

    prop = CorrelationProperty("key", payload(mark), ["k"])
    MessageEventDefinition("ping").calculate_correlations(PythonScriptEngine(), [prop], {})
    assert mark.exists()
    mark.unlink()

    with Watch() as foreign, pytest.raises(ValueError, match="unknown function '__import__'"):
        MessageEventDefinition("ping").calculate_correlations(sandboxed_engine(), [prop], {})
    assert not mark.exists() and foreign == []


def test_every_element_type_runs_with_valid_expressions_and_only_sandbox_code(engine):
    """A diagram with each evaluating element, run through the engine, evaluates nothing else.

    (Standard loops and conditional events are refused at deploy: ``engine.palette``.)"""
    body = (
        '<bpmn:startEvent id="start"/>'
        '<bpmn:scriptTask id="prepare" scriptFormat="python"><bpmn:script>n = 2\nloops = 0\n'
        "</bpmn:script></bpmn:scriptTask>"
        '<bpmn:exclusiveGateway id="gw" default="skip"/>'
        '<bpmn:scriptTask id="each" scriptFormat="python"><bpmn:script>seen = n</bpmn:script>'
        '<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
        "<bpmn:loopCardinality>${n}</bpmn:loopCardinality>"
        "<bpmn:completionCondition>${n &gt; 5}</bpmn:completionCondition>"
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:scriptTask>"
        '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>${minutes(n)}</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
        '<bpmn:businessRuleTask id="decide" camunda:decisionRef="share" '
        'camunda:resultVariable="outcome" camunda:mapDecisionResult="singleEntry"/>'
        + user_task("check", attrs='camunda:assignee="${starter}" camunda:dueDate="${now()}"')
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "prepare")
        + flow("prepare", "gw")
        + flow("gw", "each", "${n == 2 &amp;&amp; consent == 'yes'}")
        + flow("gw", "end", flow_id="skip")
        + flow("each", "wait")
        + flow("wait", "decide")
        + flow("decide", "check")
        + flow("check", "end")
    )
    engine.deploy([resource("every.bpmn", bpmn("every", body)), resource("share.dmn", decision())])
    from engine.actors import Actor

    pat = Actor.of("pat", "practitioner")
    with Watch() as foreign:
        ref = engine.start("every", {"consent": "yes", "starter": "pat"}, actor=pat)
        engine.clock.advance(minutes=5)
        engine.fire_due_timers()
        [task] = engine.tasks_for_user(pat)
        assert task.name == "check" and task.assignee == "pat"
        assert engine.instance_variables(ref.id)["outcome"] == "share"
        assert engine.complete(task.id, {}, pat).status == "completed"
    assert foreign == []


# --- no SpiffWorkflow path evaluates text unless we have looked at it -------------------------

# Each call of eval/exec, or of ``environment.evaluate/execute`` (which bypasses the script
# engine's own methods), in SpiffWorkflow's source, with what makes it safe here. A new one in
# an upgrade fails the test below until someone has checked it.
KNOWN_RAW_PATHS = {
    # the default environment: replaced by engine.sandbox.environment.SandboxEnvironment
    ("bpmn/script_engine/python_environment.py", "evaluate", "eval"),
    ("bpmn/script_engine/python_environment.py", "execute", "exec"),
    # the script engine's own methods go through self.environment: the sandbox
    ("bpmn/script_engine/python_engine.py", "evaluate", "environment.evaluate"),
    ("bpmn/script_engine/python_engine.py", "execute", "environment.execute"),
    # ad-hoc subprocesses: refused at deploy, sandboxed if one got through
    ("bpmn/specs/bpmn_process_spec.py", "path_complete", "environment.evaluate"),
    ("bpmn/specs/bpmn_process_spec.py", "check_condition", "environment.evaluate"),
    # correlation properties: refused at deploy, sandboxed if one got through
    ("bpmn/specs/event_definitions/message.py", "calculate_correlations", "environment.evaluate"),
    # state written by SpiffWorkflow < 1.2; every state we store is written by 3.x
    ("bpmn/serializer/migration/version_1_2.py", "convert_timer_expressions", "eval"),
    ("bpmn/serializer/migration/version_1_2.py", "convert_timedate", "eval"),
    ("bpmn/serializer/migration/version_1_2.py", "convert_cycle", "eval"),
    # the non-BPMN Transform spec: never built from a diagram
    ("specs/Transform.py", "_update_hook", "exec"),
}


def _raw_paths() -> list[tuple[str, str, str]]:
    root = Path(SpiffWorkflow.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and (name := _raw_name(node.func)):
                    found.append((path.relative_to(root).as_posix(), function.name, name))
    return found


def _raw_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name) and func.id in ("eval", "exec"):
        return func.id
    if (
        isinstance(func, ast.Attribute)
        and func.attr in ("evaluate", "execute")
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "environment"
    ):
        return f"environment.{func.attr}"
    return None


def test_every_raw_evaluation_in_spiffworkflow_is_known_and_covered():
    found = _raw_paths()
    assert set(found) == KNOWN_RAW_PATHS, (
        "SpiffWorkflow's raw eval/exec paths changed: check each new one reaches the sandbox "
        f"or is refused at deploy, then update KNOWN_RAW_PATHS. Found: {sorted(set(found))}"
    )


def test_the_engine_gives_spiffworkflow_only_the_sandbox_environment(engine):
    from engine.sandbox.environment import SandboxEnvironment

    assert isinstance(engine.runtime.script_engine.environment, SandboxEnvironment)


# --- bounds: memory, CPU and nesting ------------------------------------------------------------


@pytest.fixture
def language():
    return sandboxed_engine().language


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("${'a' * 3000000000}", "limit is 1,000,000"),
        ("${[1] * 1000000}", "limit is 100,000"),
        (
            "${x * x * x * x * x * x * x * x * x * x * x * x * x * x * x * x * x * x * x * x}",
            "bits",
        ),
        ("${'a'.ljust(2000000000)}", "width"),
        ("${('a' * 900000).replace('a', 'aaaa')}", "limit is 1,000,000"),
        ("${'-'.join(['a' * 900000, 'b' * 900000])}", "limit is 1,000,000"),
        ("${str(['a' * 900000] * 50)}", "would exceed"),
        ("${'%0900000000d' % 1}", "does not format"),
        ("${sum([[1] * 50000, [2] * 50000], [])}", "adds numbers"),
        ("${working_days(1000000)}", "too far"),
        ("${add_working_days(now(), 1000000)}", "too far"),
    ],
)
def test_an_expression_cannot_build_more_than_the_bounds(language, text, reason):
    from engine.expressions import ExpressionError

    with pytest.raises(ExpressionError, match=reason):
        language.evaluate(text, {"x": 2**250})


def test_repeated_squaring_in_a_script_stops_at_the_integer_bound(language):
    from engine.expressions import ExpressionError

    data = {}
    with pytest.raises(ExpressionError, match="bits"):
        language.execute("x = 3\n" + "x = x * x\n" * 40, data)
    assert "x" not in data or data["x"].bit_length() <= 4096


def test_a_script_cannot_nest_a_value_deeper_than_its_statement_bound(language):
    from engine.expressions import ExpressionError

    with pytest.raises(ExpressionError, match="statements; the limit is 200"):
        language.execute("x = 1\n" + "x = [x]\n" * 1000, {})


def test_an_evaluation_that_overruns_its_time_budget_stops(language, monkeypatch):
    from engine.expressions import ExpressionError
    from engine.sandbox import limits

    monkeypatch.setattr(limits, "MAX_SECONDS", -1.0)
    with pytest.raises(ExpressionError, match="ran for more than"):
        language.evaluate("${len('abc') + 1}", {})


@pytest.mark.parametrize(
    "condition_text",
    ["${" + "(" * 200 + "1" + ")" * 200 + "}", "${" + "+".join(["1"] * 6000) + "}", "x" * 30000],
)
def test_deeply_nested_or_huge_expressions_are_a_clear_deploy_problem(engine, condition_text):
    [problem] = engine.validate([resource("deep.bpmn", condition(condition_text))])
    assert problem.element_id == "target" and problem.line
    assert any(word in problem.message for word in ("nested", "limit", "too deeply"))


def test_a_huge_timescale_fails_the_step_at_once_instead_of_walking_the_calendar(engine):
    from engine.actors import Actor
    from engine.errors import ProcessError

    text = _around(
        '<bpmn:intermediateCatchEvent id="target"><bpmn:timerEventDefinition><bpmn:timeDuration>'
        "${working_days(var('stage1_days', 5))}</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>"
    )
    engine.deploy([resource("slow.bpmn", text.replace('id="p"', 'id="slow"'))])
    for days in (1000000, 5000):
        with pytest.raises(ProcessError, match="too far"):
            engine.start("slow", {"stage1_days": days}, actor=Actor.of("pat", "practitioner"))


def test_a_duration_decades_away_is_refused_not_scheduled(engine):
    from engine.actors import Actor
    from engine.errors import ProcessError

    text = _around(
        '<bpmn:intermediateCatchEvent id="target"><bpmn:timerEventDefinition><bpmn:timeDuration>'
        "${days(n)}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )
    engine.deploy([resource("far.bpmn", text.replace('id="p"', 'id="far"'))])
    with pytest.raises(ProcessError, match="more than 30 years away"):
        engine.start("far", {"n": 1000000}, actor=Actor.of("pat", "practitioner"))
    assert engine.start("far", {"n": 10}, actor=Actor.of("pat", "practitioner")).status == "running"


def test_joinedup_validate_names_the_hostile_element_and_line(database_url, tmp_path):
    from click.testing import CliRunner

    from webapp.cli import main

    hostile = tmp_path / "hostile.bpmn"
    hostile.write_text(ad_hoc(payload(tmp_path / "mark")))
    checked = CliRunner().invoke(main, ["--database", database_url, "validate", str(hostile)])
    assert checked.exit_code == 1
    assert "hostile.bpmn, element 'target'" in checked.output and "line" in checked.output
    assert "ad-hoc subprocesses are not supported" in checked.output
    assert not (tmp_path / "mark").exists()


def _started(engine, key: str, body: str, variables: dict | None = None):
    from engine.actors import Actor

    engine.deploy([resource(f"{key}.bpmn", bpmn(key, body))])
    return engine.start(key, variables or {}, actor=Actor.of("pat", "practitioner"))


def test_a_loop_with_no_wait_stops_with_a_clear_error_instead_of_running_on(engine):
    from engine.errors import ProcessError

    body = (
        '<bpmn:startEvent id="start"/>'
        '<bpmn:scriptTask id="count" scriptFormat="python"><bpmn:script>n = n + 1</bpmn:script>'
        '</bpmn:scriptTask><bpmn:exclusiveGateway id="more" default="again"/>'
        '<bpmn:endEvent id="end"/>'
        + flow("start", "count")
        + flow("count", "more")
        + flow("more", "count", flow_id="again")
        + flow("more", "end", "${n &gt; 100000}")
    )
    with pytest.raises(ProcessError, match="without waiting for a person"):
        _started(engine, "spin", body, {"n": 0})


@pytest.mark.parametrize(
    "loop_characteristics",
    [
        "<bpmn:loopCardinality>${n}</bpmn:loopCardinality>",
        "",  # camunda:collection over a list of n items, set below
    ],
)
def test_a_multi_instance_activity_cannot_fan_out_beyond_its_bound(engine, loop_characteristics):
    from engine.errors import ProcessError

    collection = (
        ""
        if loop_characteristics
        else ' camunda:collection="${items}" camunda:elementVariable="item"'
    )
    body = (
        '<bpmn:startEvent id="start"/>'
        '<bpmn:scriptTask id="prepare" scriptFormat="python"><bpmn:script>items = [1] * n'
        "</bpmn:script></bpmn:scriptTask>"
        '<bpmn:userTask id="each" camunda:candidateGroups="practitioner">'
        f"<bpmn:multiInstanceLoopCharacteristics{collection}>{loop_characteristics}"
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>"
        '<bpmn:endEvent id="end"/>' + flow("start", "prepare") + flow("prepare", "each")
    ) + flow("each", "end")
    with pytest.raises(ProcessError, match="more than 500 instances"):
        _started(engine, "fan", body, {"n": 100000})
    assert _started(engine, "fan", body, {"n": 3}).status == "running"


def test_a_repeating_timer_fires_at_most_once_a_minute(engine):
    from engine.errors import ProcessError

    literal = _around(
        '<bpmn:intermediateCatchEvent id="target"><bpmn:timerEventDefinition>'
        "<bpmn:timeCycle>R/PT0S</bpmn:timeCycle></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>"
    )
    [problem] = engine.validate([resource("cycle.bpmn", literal)])
    assert problem.element_id == "target" and "at least 60 s" in problem.message
    computed = literal.replace("R/PT0S", "${period}").replace('id="p"', 'id="cycle"')
    with pytest.raises(ProcessError, match="at least 60 s"):
        _started_raw(engine, computed, {"period": "R1000000/PT1S"})


def _started_raw(engine, text: str, variables: dict):
    from engine.actors import Actor

    engine.deploy([resource("cycle.bpmn", text)])
    return engine.start("cycle", variables, actor=Actor.of("pat", "practitioner"))


def test_a_garbage_collection_during_an_evaluation_is_not_charged_to_its_time_budget():
    from engine.sandbox import limits

    limits.start_budget()
    before = limits._budget.deadline
    cycles = [[] for _ in range(50_000)]
    for cycle in cycles:
        cycle.append(cycle)
    del cycles, cycle
    gc.collect()
    assert limits._budget.deadline > before

"""Deploy checks for start events and signals (``engine.start_timers``, ``engine.signals``).

What Camunda 7 refuses we refuse with its reason (two none or timer start events on one
process); what we do not run (timers computed from variables at deploy, signal names built from
expressions, variables passed with a thrown signal) is refused instead of being ignored.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from ..dialect.timers import WORKING_DAYS
from ..errors import Problem
from ..expressions import is_expression
from ..resources import BPMN, parse_xml
from ..validation import CAMUNDA_NS, NS, expression_problem, problem_at

TIMER = "bpmn:timerEventDefinition"
SIGNAL_EVENT_SUBPROCESS = (
    "bpmn:subProcess[@triggeredByEvent='true']/bpmn:startEvent/bpmn:signalEventDefinition"
)
PROPERTIES = "bpmn:extensionElements/camunda:properties/camunda:property"
EVENT_DEFINITIONS = (
    "bpmn:timerEventDefinition",
    "bpmn:signalEventDefinition",
    "bpmn:messageEventDefinition",
    "bpmn:conditionalEventDefinition",
)


def check_start_events_and_signals(tree: etree._Element, filename: str) -> list[Problem]:
    """Every start-event and signal problem in one BPMN document."""
    checks = (
        _process_starts,
        _timer_starts,
        _embedded_starts,
        _interrupting_event_subprocesses,
        _nested_signal_event_subprocesses,
        _signal_refs,
        _signal_names,
    )
    return [problem for check in checks for problem in check(tree, filename)]


def _process_starts(tree, filename) -> Iterator[Problem]:
    for process in tree.iterfind("bpmn:process", NS):
        starts = process.findall("bpmn:startEvent", NS)
        initial = [s for s in starts if not _definitions(s) or s.find(TIMER, NS) is not None]
        if len(initial) > 1:
            names = ", ".join(s.get("id") for s in initial)
            yield problem_at(
                filename,
                initial[1],
                f"process '{process.get('id')}' has more than one none or timer start event "
                f"({names}); Camunda 7 refuses this too, as a start by hand could not tell "
                "where to begin: keep one, or give the others a message or signal",
            )


def _timer_starts(tree, filename) -> Iterator[Problem]:
    for start in tree.iterfind("bpmn:process/bpmn:startEvent", NS):
        timer = start.find(TIMER, NS)
        if timer is None:
            continue
        texts = [(node.text or "").strip() for node in timer]
        properties = start.iterfind(PROPERTIES, NS)
        working_days = any(p.get("name") == WORKING_DAYS for p in properties)
        if working_days or any(is_expression(text) for text in texts):
            yield problem_at(
                filename,
                start,
                "a timer start event needs a literal ISO 8601 date, duration or cycle "
                "(2027-01-04T09:00:00Z, P5D, R/P7D): it is scheduled when the process is "
                "deployed, before any process variable exists",
            )


def _embedded_starts(tree, filename) -> Iterator[Problem]:
    for subprocess in tree.iterfind(".//bpmn:subProcess", NS):
        if subprocess.get("triggeredByEvent") == "true":
            continue
        for start in subprocess.findall("bpmn:startEvent", NS):
            if _definitions(start):
                yield problem_at(
                    filename,
                    start,
                    f"an embedded subprocess starts at a none start event when it is reached: "
                    f"remove the event from start event '{start.get('id')}', or make "
                    f"'{subprocess.get('id')}' an event subprocess",
                )


def _interrupting_event_subprocesses(tree, filename) -> Iterator[Problem]:
    for start in tree.iterfind(".//bpmn:subProcess[@triggeredByEvent='true']/bpmn:startEvent", NS):
        kinds = [
            k for k in ("timer", "signal") if start.find(f"bpmn:{k}EventDefinition", NS) is not None
        ]
        if kinds and start.get("isInterrupting", "true") != "false":
            yield problem_at(
                filename,
                start,
                f"an interrupting {kinds[0]} event subprocess is not supported yet (it would run "
                "beside the work instead of ending it): untick 'Interrupting' on its start event, "
                "or put the work in a subprocess with an interrupting boundary event",
            )


def _nested_signal_event_subprocesses(tree, filename) -> Iterator[Problem]:
    nested = ".//bpmn:subProcess//bpmn:subProcess[@triggeredByEvent='true']"
    for subprocess in tree.iterfind(nested, NS):
        for start in subprocess.iterfind("bpmn:startEvent[bpmn:signalEventDefinition]", NS):
            yield problem_at(
                filename,
                start,
                "a signal event subprocess inside a subprocess is not supported: move "
                f"'{subprocess.get('id')}' up to the process, where it listens while the "
                "process runs",
            )


def _signal_refs(tree, filename) -> Iterator[Problem]:
    signals = {s.get("id") for s in tree.iterfind("bpmn:signal", NS)}
    for definition in tree.iterfind(".//bpmn:signalEventDefinition", NS):
        if definition.get("signalRef") not in signals:
            yield problem_at(
                filename,
                definition,
                "this signal event names no signal: choose the signal it throws or waits for "
                "(Signal > Global signal reference in Camunda Modeler)",
            )
        if definition.find("bpmn:extensionElements/camunda:in", NS) is not None or (
            definition.find(f"{{{CAMUNDA_NS}}}in") is not None
        ):
            yield problem_at(
                filename,
                definition,
                "a thrown signal carries no variables here (camunda:in on a signal is not "
                "supported): send what the receivers need with a message or through "
                "POST /engine-rest/signal's variables",
            )


def _signal_names(tree, filename) -> Iterator[Problem]:
    starting = {
        definition.get("signalRef")
        for definition in tree.iterfind(".//bpmn:startEvent/bpmn:signalEventDefinition", NS)
    }
    for signal in tree.iterfind("bpmn:signal", NS):
        name = (signal.get("name") or "").strip()
        if not name:
            yield problem_at(filename, signal, "give the signal a name: receivers match on it")
        elif "#{" in name:
            yield problem_at(filename, signal, f"signal '{name}': write expressions as ${{...}}")
        elif is_expression(name) and signal.get("id") in starting:
            yield problem_at(
                filename,
                signal,
                f"signal '{name}' starts a process or an event subprocess, so its name must be "
                "plain text: before it starts there is no data to evaluate ${...} on",
            )
        elif is_expression(name) and (message := expression_problem(name, template=True)):
            yield problem_at(filename, signal, f"signal '{name}': {message}")


def _definitions(event) -> list:
    return [d for tag in EVENT_DEFINITIONS for d in event.findall(tag, NS)]


def check_called_listeners(tree, filename: str, dependencies: list) -> list[Problem]:
    """Call activities calling a process with a signal event subprocess: refused, because a
    called process's event subprocesses are never triggered (only the top process's are)."""
    trees = [tree] + [parse_xml(d.source) for d in dependencies if d.kind == BPMN]
    listening = {
        process.get("id")
        for document in trees
        for process in document.iterfind("bpmn:process", NS)
        if process.find(SIGNAL_EVENT_SUBPROCESS, NS) is not None
    }
    return [
        problem_at(
            filename,
            call,
            f"calls '{call.get('calledElement')}', whose signal event subprocess would never "
            "hear its signal in a called process: put a signal boundary event on this call "
            "activity instead, or start that process on its own",
        )
        for call in tree.iterfind(".//bpmn:callActivity", NS)
        if call.get("calledElement") in listening
    ]

"""Deploy checks for what a diagram refers to and writes as text: error, escalation, message
and signal references, escalation codes, unclosed expressions, condition languages, history
time to live and timer start dates.

Camunda 7 refuses these at deploy too (or would run them in a language we do not have); we
refuse them naming the element and its line instead of failing inside the parser or later.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from lxml import etree

from ..errors import Problem
from ..expressions import ExpressionError
from ..retention.ttl import is_days
from ..validation import CAMUNDA_NS, NS, problem_at

REFERENCES = {  # event definition -> (its reference attribute, the declared element)
    "errorEventDefinition": ("errorRef", "error"),
    "escalationEventDefinition": ("escalationRef", "escalation"),
    "messageEventDefinition": ("messageRef", "message"),
    "signalEventDefinition": ("signalRef", "signal"),
}
OUR_LANGUAGES = ("", "juel", "python")
UNCLOSED = re.compile(r"[$#]\{[^}]*$")
THROWS = ("bpmn:intermediateThrowEvent", "bpmn:endEvent")


def check_references(tree: etree._Element, filename: str) -> list[Problem]:
    """Every reference, escalation-code, expression-text and timer-date problem in a BPMN file."""
    checks = (
        _declarations_without_id,
        _references,
        _escalation_codes,
        _duplicate_signal_names,
        _repeated_signal_starts,
        _unclosed_expressions,
        _condition_languages,
        _history_time_to_live,
        _timer_start_dates,
        _business_rules_without_decision,
    )
    return [problem for check in checks for problem in check(tree, filename)]


def _declarations_without_id(tree, filename) -> Iterator[Problem]:
    for _attribute, kind in REFERENCES.values():
        for declared in tree.iterfind(f"bpmn:{kind}", NS):
            if not declared.get("id"):
                yield Problem(
                    filename,
                    f"the {kind} '{declared.get('name') or ''}' has no id: give it one "
                    "(Camunda 7 refuses this too)",
                    declared.get("name") or kind,
                    declared.sourceline,
                )


def _references(tree, filename) -> Iterator[Problem]:
    for definition, (attribute, kind) in REFERENCES.items():
        declared = {d.get("id") for d in tree.iterfind(f"bpmn:{kind}", NS)}
        for node in tree.iterfind(f".//bpmn:{definition}", NS):
            ref = node.get(attribute)
            if not ref or ref in declared or (kind == "message" and _thrown(node)):
                continue  # Camunda 7 does not look up a thrown message: nor does JoinedUp
            if ":" in ref and ref.split(":", 1)[1] in declared:
                message = (
                    f"{attribute} '{ref}' has a prefix naming another namespace than this "
                    f"file's targetNamespace: write it as "
                    f"'{ref.split(':', 1)[1]}' (pick the {kind} again in Camunda Modeler)"
                )
            else:
                message = (
                    f"{attribute} '{ref}' names no {kind} declared in this file: pick or "
                    f"create the {kind} in Camunda Modeler"
                )
            yield problem_at(filename, node.getparent(), message)


def _thrown(definition) -> bool:
    return etree.QName(definition.getparent()).localname in ("intermediateThrowEvent", "endEvent")


def _escalation_codes(tree, filename) -> Iterator[Problem]:
    codes = {e.get("id"): e.get("escalationCode") for e in tree.iterfind("bpmn:escalation", NS)}
    for kind in THROWS:
        for definition in tree.iterfind(f".//{kind}/bpmn:escalationEventDefinition", NS):
            if not codes.get(definition.get("escalationRef")):
                yield problem_at(
                    filename,
                    definition.getparent(),
                    "a thrown escalation needs an escalation with a code: set the escalation's "
                    "code in Camunda Modeler (Camunda 7 refuses this too)",
                )
    catchers = {}
    for definition in tree.iterfind(".//bpmn:escalationEventDefinition", NS):
        event = definition.getparent()
        scope = _catch_scope(event)
        if scope is not None:
            code = codes.get(definition.get("escalationRef"))
            catchers.setdefault((scope, code), []).append(event)
    for scope, code in [
        key for key in catchers if key[0] and key[1] and (key[0], None) in catchers
    ]:
        catchers[(scope, None)] += catchers.pop((scope, code))  # a catch-all overlaps every code
    for (_scope, code), events in catchers.items():
        if len(events) > 1:
            yield problem_at(
                filename,
                events[1],
                f"{len(events)} events catch the same escalation ({code}) on one activity: "
                "keep one (Camunda 7 refuses this too)"
                if code
                else f"{len(events)} escalation events on one activity overlap (one catches "
                "any code): keep one (Camunda 7 refuses this too)",
            )


def _catch_scope(event) -> tuple | None:
    """Where an escalation catch listens: on an activity's boundary, or inside a scope."""
    tag = etree.QName(event).localname
    if tag == "boundaryEvent":
        return ("boundary", event.get("attachedToRef"))
    parent = event.getparent()
    if tag == "startEvent" and parent.get("triggeredByEvent") == "true":
        return ("inside", parent.getparent().get("id"))
    return None


def _duplicate_signal_names(tree, filename) -> Iterator[Problem]:
    signals = list(tree.iterfind("bpmn:signal", NS))
    counts = Counter(s.get("name") for s in signals)
    for signal in signals:
        if signal.get("name") and counts[signal.get("name")] > 1:
            yield problem_at(
                filename,
                signal,
                f"two signals are named '{signal.get('name')}': give each signal its own name "
                "(Camunda 7 refuses this too)",
            )
            counts[signal.get("name")] = 0


def _repeated_signal_starts(tree, filename) -> Iterator[Problem]:
    for process in tree.iterfind("bpmn:process", NS):
        seen = set()
        for signal in process.iterfind("bpmn:startEvent/bpmn:signalEventDefinition", NS):
            ref = signal.get("signalRef")
            if ref in seen:
                yield problem_at(
                    filename,
                    signal.getparent(),
                    f"two start events of process '{process.get('id')}' wait for signal "
                    f"'{ref}': keep one (Camunda 7 refuses this too)",
                )
            seen.add(ref)


def _unclosed_expressions(tree, filename) -> Iterator[Problem]:
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        texts = [(name, value) for name, value in element.attrib.items()]
        texts.append(("text", element.text or ""))
        for name, value in texts:
            if UNCLOSED.search(value):
                yield problem_at(
                    filename,
                    element,
                    f"'{value.strip()}' opens an expression with ${{ but never closes it with }}"
                    f" ({etree.QName(name).localname}): add the closing }}",
                )


def _condition_languages(tree, filename) -> Iterator[Problem]:
    for tag in ("conditionExpression", "condition", "completionCondition"):
        for node in tree.iterfind(f".//bpmn:{tag}", NS):
            language = (node.get("language") or "").strip().lower()
            if language not in OUR_LANGUAGES:
                yield problem_at(
                    filename,
                    node,
                    f"a condition in {node.get('language')} cannot run here: remove the "
                    "language (Format, in Camunda Modeler) and write it as an expression, "
                    "${...}",
                )


def _history_time_to_live(tree, filename) -> Iterator[Problem]:
    attribute = f"{{{CAMUNDA_NS}}}historyTimeToLive"
    for process in tree.iterfind("bpmn:process", NS):
        value = process.get(attribute)
        if value is not None and not is_days(value):
            yield problem_at(
                filename,
                process,
                f"history time to live '{value}' is not a number of days (180) or a duration "
                "in days (P180D) (Camunda 7 refuses this too)",
            )


def _timer_start_dates(tree, filename) -> Iterator[Problem]:
    from ..dialect.timers import parse_moment

    for node in tree.iterfind(".//bpmn:startEvent/bpmn:timerEventDefinition/bpmn:timeDate", NS):
        text = (node.text or "").strip()
        if not text or "{" in text:
            continue  # empty and expression dates are refused by the other timer checks
        try:
            parse_moment(text)
        except ExpressionError:
            yield problem_at(
                filename,
                node,
                f"the timer start date '{text}' is not an ISO 8601 date or date-time "
                "(2027-01-04T09:00:00Z); for a delay after deploy use a duration (PT5M) "
                "as Timer type Duration",
            )


def _business_rules_without_decision(tree, filename) -> Iterator[Problem]:
    for task in tree.iterfind(".//bpmn:businessRuleTask", NS):
        if not task.get(f"{{{CAMUNDA_NS}}}decisionRef"):
            yield problem_at(
                filename,
                task,
                "the business rule task names no decision: set its DMN decision "
                "(Implementation: DMN, Decision reference, in Camunda Modeler); external, "
                "Java or expression implementations cannot run here",
            )

"""Deploy checks for event subprocesses, errors, escalations and compensation.

What runs is described in ``engine.dialect.event_subprocesses`` and ``scoped_events``; what
cannot run as Camunda 7 would run it is refused here, naming the element and line.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS}
COMPENSATION = (
    "compensation is not supported: JoinedUp does not undo completed work; model the undoing as "
    "ordinary tasks on an error or escalation path"
)
HANDLER_ONLY = "{kind} start event can only start an event subprocess (triggeredByEvent)"
REPEATING_HANDLER = (
    "a repeating timer (timeCycle) cannot start an event subprocess here; use timeDuration or "
    "timeDate, or a non-interrupting timer boundary event with a cycle"
)
UNTRIGGERED_HANDLER = (
    "an event subprocess needs a start event with an event: error, escalation, message, "
    "signal or timer (a plain start event would start it at once)"
)
CONDITIONAL_HANDLER = (
    "a conditional start event cannot start an event subprocess here (conditions are not "
    "re-evaluated as variables change); use a message, error or escalation start event"
)

CANCEL_OUTSIDE = (
    "a cancel event belongs to a transaction: a cancel end event inside one, a cancel boundary "
    "event on one; use an error end event and an error boundary event elsewhere"
)


def check_elements(tree, filename: str) -> list[Problem]:
    """All problems with event subprocesses and compensation in one BPMN document."""
    from ..validation import problem_at

    found = []
    for element, message in _compensation(tree):
        found.append(problem_at(filename, element, message))
    for element, message in _start_events(tree):
        found.append(problem_at(filename, element, message))
    for element in _misplaced_cancels(tree):
        found.append(problem_at(filename, element, CANCEL_OUTSIDE))
    return found


def _misplaced_cancels(tree) -> Iterator:
    transactions = {node.get("id") for node in tree.iterfind(".//bpmn:transaction", NS)}
    for definition in tree.iterfind(".//bpmn:cancelEventDefinition", NS):
        event = definition.getparent()
        if event.tag == f"{{{BPMN_NS}}}boundaryEvent":
            inside = event.get("attachedToRef") in transactions
        else:
            inside = event.getparent().tag == f"{{{BPMN_NS}}}transaction"
        if not inside:
            yield event


def _compensation(tree) -> Iterator[tuple]:
    for definition in tree.iterfind(".//bpmn:compensateEventDefinition", NS):
        yield definition.getparent(), COMPENSATION
    for activity in tree.iterfind(".//*[@isForCompensation='true']"):
        yield activity, COMPENSATION


def _start_events(tree) -> Iterator[tuple]:
    for start in tree.iterfind(".//bpmn:startEvent", NS):
        parent = start.getparent()
        handler = parent.get("triggeredByEvent") == "true"
        for kind in ("error", "escalation"):
            if not handler and start.find(f"bpmn:{kind}EventDefinition", NS) is not None:
                yield start, HANDLER_ONLY.format(kind=f"an {kind}")
        if not handler:
            continue
        if not any(str(child.tag).endswith("EventDefinition") for child in start):
            yield start, UNTRIGGERED_HANDLER
        if start.find("bpmn:timerEventDefinition/bpmn:timeCycle", NS) is not None:
            yield start, REPEATING_HANDLER
        if start.find("bpmn:conditionalEventDefinition", NS) is not None:
            yield start, CONDITIONAL_HANDLER

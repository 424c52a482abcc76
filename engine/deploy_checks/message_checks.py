"""Deploy checks for messages and event-based gateways (``check_bpmn`` runs them).

Refused, each with the file, element and line: a message without a name or whose name is an
expression (subscriptions are by plain name), a message throw or end event that names an
implementation (Java, a bean, an external worker: nothing here could run it), a message catch
event or receive task with no message (nothing could ever trigger it), a message start event
beside another start event (we start a process at one start event only), and event-based
gateways followed by anything but message, timer or signal catch events, by a cycle timer or
by several timers.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from ..errors import Problem
from ..validation import CAMUNDA_NS, NS, problem_at

IMPLEMENTATIONS = ("class", "delegateExpression", "expression", "type")


def check_messages(tree: etree._Element, filename: str) -> Iterator[Problem]:
    """Every message or event-based gateway construct we cannot run as Camunda 7 does."""
    yield from _message_names(tree, filename)
    yield from _throw_implementations(tree, filename)
    yield from _receive_tasks(tree, filename)
    yield from _catches_without_message(tree, filename)
    yield from _message_starts(tree, filename)
    for gateway in tree.iterfind(".//bpmn:eventBasedGateway", NS):
        yield from _gateway_targets(gateway, filename)


def _message_names(tree, filename) -> Iterator[Problem]:
    for message in tree.iterfind("./bpmn:message", NS):
        name = (message.get("name") or "").strip()
        if not name:
            yield problem_at(
                filename,
                message,
                "the message has no name: name it in the Modeler (messages are correlated by name)",
            )
        elif "${" in name:
            yield problem_at(
                filename,
                message,
                f"message name '{name}' is an expression, which is not supported here: give it "
                "a plain name and tell instances apart by business key",
            )


def _throw_implementations(tree, filename) -> Iterator[Problem]:
    for tag in ("intermediateThrowEvent", "endEvent"):
        for event in tree.iterfind(f".//bpmn:{tag}", NS):
            for definition in event.iterfind("./bpmn:messageEventDefinition", NS):
                for element in (event, definition):
                    yield from _implementation(element, filename)


def _implementation(element, filename) -> Iterator[Problem]:
    for attribute in IMPLEMENTATIONS:
        if element.get(f"{{{CAMUNDA_NS}}}{attribute}"):
            yield problem_at(
                filename,
                element,
                f"camunda:{attribute} cannot run on a message throw or end event here (it needs "
                "Java, a bean or an external worker); remove it and the event does nothing, as "
                "in Camunda 7, and use camunda:properties (notify, record) to tell people",
            )


def _receive_tasks(tree, filename) -> Iterator[Problem]:
    for task in tree.iterfind(".//bpmn:receiveTask", NS):
        if not task.get("messageRef"):
            yield problem_at(
                filename,
                task,
                "a receive task needs a message (messageRef) here: JoinedUp has no API to "
                "trigger it by hand, so it would wait for ever; choose its message in the "
                "Modeler, or use a user task",
            )


def _message_starts(tree, filename) -> Iterator[Problem]:
    for process in tree.iterfind("./bpmn:process", NS):
        starts = process.findall("./bpmn:startEvent", NS)
        if len(starts) < 2:
            continue
        for start in starts:
            if start.find("./bpmn:messageEventDefinition", NS) is not None:
                yield problem_at(
                    filename,
                    start,
                    "a message start event must be its process's only start event here; "
                    "start the other way in a separate process, or call a shared process "
                    "from both (a call activity)",
                )


def _catches_without_message(tree, filename) -> Iterator[Problem]:
    for tag in ("intermediateCatchEvent", "boundaryEvent", "startEvent"):
        for definition in tree.iterfind(f".//bpmn:{tag}/bpmn:messageEventDefinition", NS):
            if not definition.get("messageRef"):
                yield problem_at(
                    filename,
                    definition,
                    "a message catch event needs a message (messageRef): choose or create "
                    "one in the Modeler, or nothing could ever be correlated to it",
                )


def _gateway_targets(gateway, filename) -> Iterator[Problem]:
    process = gateway.getparent()
    flows = process.xpath(
        "./bpmn:sequenceFlow[@sourceRef=$id]", namespaces=NS, id=gateway.get("id")
    )
    targets = [t for t in (_element(process, f.get("targetRef")) for f in flows) if t is not None]
    for target in targets:
        if message := _not_awaitable(target):
            yield problem_at(filename, target, message)
    timers = [t for t in targets if t.find("./bpmn:timerEventDefinition", NS) is not None]
    for extra in timers[1:]:
        yield problem_at(
            filename,
            extra,
            "an event-based gateway here may wait for one timer at most; chain a second "
            "gateway after the first timer for a later deadline",
        )


def _not_awaitable(target) -> str | None:
    """Why an event-based gateway cannot wait for ``target`` here, or None."""
    if etree.QName(target).localname != "intermediateCatchEvent":
        return (
            "an event-based gateway may only be followed by intermediate catch events "
            "(message, timer or signal), as in Camunda 7"
        )
    if target.find("./bpmn:conditionalEventDefinition", NS) is not None:
        return (
            "a conditional event after an event-based gateway is not supported here; "
            "wait for a message or a timer instead"
        )
    if target.find("./bpmn:timerEventDefinition/bpmn:timeCycle", NS) is not None:
        return (
            "a timer after an event-based gateway needs a date or a duration here, not a "
            "cycle: loop back to the gateway to chase again"
        )
    return None


def _element(process, element_id: str | None):
    found = process.xpath("./*[@id=$id]", id=element_id or "")
    return found[0] if found else None

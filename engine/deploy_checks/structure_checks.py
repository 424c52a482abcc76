"""Deploy checks for a diagram's shape: ids, start events, sequence flows and link events.

SpiffWorkflow refuses (or mis-runs) these with internal messages and no line; we refuse them
first, naming the element, its line and what to change in Camunda Modeler.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from lxml import etree

from ..errors import Problem
from ..validation import NS, problem_at

RESERVED_IDS = ("Start", "End")  # SpiffWorkflow's own task names in every process
EVENT_SUBPROCESS = "bpmn:subProcess[@triggeredByEvent='true']"


def check_structure(tree: etree._Element, filename: str) -> list[Problem]:
    """Every id, start/end, sequence-flow and data-store problem in one BPMN document."""
    checks = (
        _reserved_ids,
        _duplicate_ids,
        _dangling_flows,
        _missing_starts,
        _event_subprocess_flows,
        _duplicate_link_catches,
        _links_after_event_gateways,
        _shared_event_gateway_targets,
    )
    return [problem for check in checks for problem in check(tree, filename)]


def _reserved_ids(tree, filename) -> Iterator[Problem]:
    for process in tree.iterfind("bpmn:process", NS):
        reserved = (*RESERVED_IDS, f"{process.get('id')}.EndJoin")
        for element in process.iter(f"{{{NS['bpmn']}}}*"):
            if element.get("id") in reserved:
                yield problem_at(
                    filename,
                    element,
                    f"the id '{element.get('id')}' is reserved here: rename the element in "
                    "Camunda Modeler (Id, in its properties)",
                )


def _duplicate_ids(tree, filename) -> Iterator[Problem]:
    # a process may share its id with one of its elements: SpiffWorkflow keeps them apart
    processes = tree.findall("bpmn:process", NS)
    elements = [e for e in tree.iter(f"{{{NS['bpmn']}}}*") if e.get("id") and e not in processes]
    counts = Counter(e.get("id") for e in elements)
    reported = set()
    for element in elements:
        element_id = element.get("id")
        if counts[element_id] > 1 and element_id not in reported:
            reported.add(element_id)
            yield problem_at(
                filename,
                element,
                f"the id '{element_id}' is used by {counts[element_id]} elements: every "
                "element needs its own id",
            )


def _dangling_flows(tree, filename) -> Iterator[Problem]:
    # a flow joins elements of its own process or subprocess; SpiffWorkflow would otherwise
    # blame the flow's other end with a message about duplicate ids
    for scope in tree.iter(f"{{{NS['bpmn']}}}process", f"{{{NS['bpmn']}}}subProcess"):
        here = {child.get("id") for child in scope if child.get("id")}
        for flow in scope.iterfind("bpmn:sequenceFlow", NS):
            for end, attribute in (("comes from", "sourceRef"), ("goes to", "targetRef")):
                ref = flow.get(attribute)
                if ref not in here:
                    yield problem_at(
                        filename,
                        flow,
                        f"the sequence flow '{flow.get('id')}' {end} '{ref or ''}', which is "
                        f"not an element of '{scope.get('id')}': draw the flow again between "
                        "two elements in Camunda Modeler",
                    )


def _missing_starts(tree, filename) -> Iterator[Problem]:
    scopes = [p for p in tree.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true"]
    scopes += [
        s for s in tree.iterfind(".//bpmn:subProcess", NS) if s.get("triggeredByEvent") != "true"
    ]
    for scope in scopes:
        if scope.find("bpmn:startEvent", NS) is None:
            what = "process" if etree.QName(scope).localname == "process" else "subprocess"
            yield problem_at(
                filename,
                scope,
                f"the {what} '{scope.get('id')}' has no start event: add a start event "
                "where its work begins",
            )


def _event_subprocess_flows(tree, filename) -> Iterator[Problem]:
    for subprocess in tree.iterfind(f".//{EVENT_SUBPROCESS}", NS):
        own_id = subprocess.get("id")
        scope = subprocess.getparent()
        for flow in scope.iterfind("bpmn:sequenceFlow", NS):
            if own_id in (flow.get("sourceRef"), flow.get("targetRef")):
                yield problem_at(
                    filename,
                    flow,
                    f"the sequence flow '{flow.get('id')}' connects the event subprocess "
                    f"'{own_id}': an event subprocess starts from its own start event and "
                    "takes no incoming or outgoing flow (Camunda 7 refuses this too)",
                )


def _link_catches(scope) -> list:
    path = "bpmn:intermediateCatchEvent[bpmn:linkEventDefinition]"
    return scope.findall(path, NS)


def _duplicate_link_catches(tree, filename) -> Iterator[Problem]:
    for scope in tree.iter(f"{{{NS['bpmn']}}}process", f"{{{NS['bpmn']}}}subProcess"):
        names = Counter()
        for catch in _link_catches(scope):
            name = catch.find("bpmn:linkEventDefinition", NS).get("name")
            names[name] += 1
            if names[name] == 2:
                yield problem_at(
                    filename,
                    catch,
                    f"two link catch events are named '{name}': a link throw must lead to one "
                    "place; rename one (Camunda 7 refuses this too)",
                )


def _links_after_event_gateways(tree, filename) -> Iterator[Problem]:
    for scope in tree.iter(f"{{{NS['bpmn']}}}process", f"{{{NS['bpmn']}}}subProcess"):
        gateways = {g.get("id") for g in scope.iterfind("bpmn:eventBasedGateway", NS)}
        catches = {c.get("id"): c for c in _link_catches(scope)}
        for flow in scope.iterfind("bpmn:sequenceFlow", NS):
            if flow.get("sourceRef") in gateways and flow.get("targetRef") in catches:
                yield problem_at(
                    filename,
                    catches[flow.get("targetRef")],
                    "a link catch event cannot follow an event-based gateway (nothing happens "
                    "there to wait for): use a message, timer, signal or conditional event "
                    "(Camunda 7 refuses this too)",
                )


def _shared_event_gateway_targets(tree, filename) -> Iterator[Problem]:
    for scope in tree.iter(f"{{{NS['bpmn']}}}process", f"{{{NS['bpmn']}}}subProcess"):
        gateways = {g.get("id") for g in scope.iterfind("bpmn:eventBasedGateway", NS)}
        flows = scope.findall("bpmn:sequenceFlow", NS)
        targets = {f.get("targetRef") for f in flows if f.get("sourceRef") in gateways}
        for flow in flows:
            if flow.get("targetRef") in targets and flow.get("sourceRef") not in gateways:
                yield problem_at(
                    filename,
                    flow,
                    f"the sequence flow '{flow.get('id')}' leads into '{flow.get('targetRef')}', "
                    "which waits after an event-based gateway: only the gateway may lead there "
                    "(Camunda 7 refuses this too)",
                )

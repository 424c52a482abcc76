"""Deploy-time gaps found by running Camunda-written diagrams: each is refused naming the file,
element and line with what to change, or (the old Activiti namespace) runs as Camunda 7 runs it.

Camunda 7 reads ``xmlns:activiti="http://activiti.org/bpmn"`` as an alias of its own extension
namespace, so ``activiti:assignee`` assigns and ``activiti:class`` needs Java, as the camunda:
spelling does. What SpiffWorkflow's parser still raises becomes a problem naming the element and
its line, never a Python exception.
"""

from __future__ import annotations

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.deploy_checks.parse_problems import parse_problem
from engine.errors import InvalidDefinition
from engine.resources import read_resource

from ..helpers import bpmn, flow
from .catalogue import refused, supported
from .support import deploy, refusal_problems

DEPLOYING, EVENTS, FLOWS, NAMESPACES = "Deploying", "Events", "Sequence flows", "Namespaces"

ACTIVITI_ASSIGNEE = supported(
    NAMESPACES,
    "Old Activiti namespace (activiti:assignee, activiti:candidateGroups...)",
    "gap_activiti_assignee.bpmn",
    "read as camunda:, so everything refused in camunda: is refused in activiti: too",
)
IMPLICIT_FORK = supported(
    FLOWS,
    "Activity with several outgoing sequence flows (implicit parallel split)",
    "gap_task_two_outgoing_flows.bpmn",
)
CONDITIONAL_FLOWS = supported(
    FLOWS,
    "Conditional sequence flows leaving an activity",
    "gap_task_conditional_flows.bpmn",
    "when no flow can be taken the step fails with a ProcessError, as after an inclusive gateway",
)
IMPLICIT_END = supported(
    DEPLOYING,
    "Embedded subprocess without an end event (implicit end)",
    "gap_subprocess_without_end.bpmn",
)
UNDECLARED_ERROR_REF = supported(
    EVENTS,
    "errorRef naming no declared error (the ref is the error code)",
    "gap_error_ref_undeclared.bpmn",
)
PREFIXED_MESSAGE_REF = supported(
    EVENTS,
    "messageRef (signalRef, errorRef, escalationRef) written with a prefix (tns:...)",
    "gap_message_ref_prefixed.bpmn",
    "a prefix names this file only when bound to its targetNamespace, as Camunda 7 resolves it",
)
refused(
    NAMESPACES,
    "activiti:class (Java delegate in the old namespace)",
    "gap_activiti_class.bpmn",
    "camunda:class (Java delegates, external tasks) cannot run here",
)
refused(
    NAMESPACES,
    "activiti:taskListener (a listener in the old namespace)",
    "gap_activiti_task_listener.bpmn",
    "camunda:taskListener (a task listener) cannot run here",
)
refused(
    DEPLOYING,
    "Multi-instance activity without a collection or loop cardinality",
    "gap_multi_instance_without_collection.bpmn",
    "the multi-instance activity needs a collection (camunda:collection) or a loop cardinality",
)
refused(
    FLOWS,
    "Exclusive gateway flow without a condition that is not the default flow",
    "gap_exclusive_flow_without_condition.bpmn",
    "has no condition and is not its default flow: give it a condition, or make it the default",
)
refused(
    EVENTS,
    "Two link catch events with the same name",
    "gap_link_duplicate_catch.bpmn",
    "two link catch events are named 'screening'",
)
refused(
    EVENTS,
    "Link catch event after an event-based gateway",
    "gap_link_after_event_gateway.bpmn",
    "a link catch event cannot follow an event-based gateway",
)
refused(
    DEPLOYING,
    "An element with the id 'Start' (or 'End')",
    "gap_reserved_id_start.bpmn",
    "the id 'Start' is reserved here: rename the element in Camunda Modeler",
)
refused(
    DEPLOYING,
    "Business rule task without a decision (camunda:type external, class, expression)",
    "gap_business_rule_external.bpmn",
    "the business rule task names no decision",
)
refused(
    DEPLOYING,
    "Two elements with the same id",
    "gap_duplicate_ids.bpmn",
    "the id 'screen_referral' is used by 2 elements",
)
refused(
    DEPLOYING,
    "Executable process without a start event",
    "gap_no_start_event.bpmn",
    "has no start event: add a start event",
)
refused(
    DEPLOYING,
    "Invalid camunda:historyTimeToLive",
    "gap_history_time_to_live.bpmn",
    "history time to live 'six months' is not a number of days",
)
refused(
    DEPLOYING,
    "An expression opened with ${ and never closed",
    "gap_unclosed_expression.bpmn",
    "opens an expression with ${ but never closes it",
)
refused(
    FLOWS,
    "Sequence flow into or out of an event subprocess",
    "gap_flow_into_event_subprocess.bpmn",
    "an event subprocess starts from its own start event and takes no incoming or outgoing flow",
)
refused(
    FLOWS,
    'Condition in another language (language="groovy", javascript, feel)',
    "gap_condition_groovy.bpmn",
    "a condition in groovy cannot run here",
)
refused(
    EVENTS,
    "messageRef with a prefix bound to another namespace",
    "gap_message_ref_other_namespace.bpmn",
    "messageRef 'police:consent_given' has a prefix naming another namespace than this file's",
)
refused(
    EVENTS,
    "Signal declared without an id",
    "gap_signal_without_id.bpmn",
    "the signal 'case-closed' has no id",
)
refused(
    EVENTS,
    "Two signals with the same name",
    "gap_signal_duplicate_names.bpmn",
    "two signals are named 'case-closed'",
)
refused(
    EVENTS,
    "Two signal start events for the same signal",
    "gap_signal_start_twice.bpmn",
    "wait for signal 'case_closed': keep one",
)
refused(
    EVENTS,
    "escalationRef naming no declared escalation",
    "gap_escalation_ref_undeclared.bpmn",
    "escalationRef 'no_access' names no escalation declared in this file",
)
refused(
    EVENTS,
    "Thrown escalation without an escalation code",
    "gap_escalation_without_code.bpmn",
    "a thrown escalation needs an escalation with a code",
)
refused(
    EVENTS,
    "Two escalation catches for the same code on one activity",
    "gap_escalation_duplicate_catch.bpmn",
    "2 events catch the same escalation (NO_ACCESS) on one activity",
)
refused(
    EVENTS,
    "An escalation catch without a code beside one with a code on one activity",
    "gap_escalation_catch_all_and_code.bpmn",
    "2 escalation events on one activity overlap (one catches any code)",
)
refused(
    FLOWS,
    "A second flow into an event waiting after an event-based gateway",
    "gap_event_gateway_shared_target.bpmn",
    "which waits after an event-based gateway: only the gateway may lead there",
)
refused(
    EVENTS,
    "Timer start event with a duration in timeDate",
    "gap_timer_start_date_duration.bpmn",
    "the timer start date 'PT5M' is not an ISO 8601 date or date-time",
)


@ACTIVITI_ASSIGNEE
def test_activiti_assignee_and_candidate_groups_assign_as_camunda_ones_do(scenario):
    deploy(scenario, ACTIVITI_ASSIGNEE)
    pat = scenario.as_user("pat", "practitioner")
    sam = scenario.as_user("sam", "practitioner")
    pat.start("referral_activiti_assignee")
    assert [t.name for t in sam.inbox()] == []
    assert pat.task("Screen the referral").assignee == "pat"
    pat.complete("Screen the referral")
    assert [t.name for t in pat.inbox()] == []
    sian = scenario.as_user("sian", "social-worker")
    assert [t.name for t in sian.inbox()] == ["Plan the home visit"]


@PREFIXED_MESSAGE_REF
def test_a_message_ref_with_the_files_own_prefix_waits_for_that_message(scenario, engine):
    deploy(scenario, PREFIXED_MESSAGE_REF)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("referral_prefixed_message", business_key="referral-41")
    assert pat.inbox() == []
    engine.correlate_message("consent-given", business_key="referral-41")
    assert [t.name for t in pat.inbox()] == ["Plan the strategy discussion"]


@IMPLICIT_FORK
def test_an_activity_with_two_plain_outgoing_flows_follows_both(scenario):
    deploy(scenario, IMPLICIT_FORK)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("referral_implicit_fork")
    pat.complete("Screen the referral")
    assert sorted(t.name for t in pat.inbox()) == ["Check health records", "Check police records"]


@CONDITIONAL_FLOWS
def test_an_activity_leaves_by_each_flow_whose_condition_holds_and_each_plain_one(scenario):
    deploy(scenario, CONDITIONAL_FLOWS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("referral_conditional_flows")
    pat.complete("Screen the referral", risk="low")
    assert [t.name for t in pat.inbox()] == ["Record the screening"]
    pat.start("referral_conditional_flows")
    pat.complete("Screen the referral", risk="high")
    assert sorted(t.name for t in pat.inbox()) == [
        "Hold a strategy discussion",
        "Record the screening",
        "Record the screening",
    ]


@IMPLICIT_END
def test_a_subprocess_without_an_end_event_completes_when_every_path_has_stopped(scenario):
    deploy(scenario, IMPLICIT_END)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("strategy_discussion")
    assert sorted(t.name for t in pat.inbox()) == ["Ask the GP", "Ask the school"]
    pat.complete("Ask the school")
    assert [t.name for t in pat.inbox()] == ["Ask the GP"]
    pat.complete("Ask the GP")
    assert [t.name for t in pat.inbox()] == ["Hold the strategy discussion"]


@UNDECLARED_ERROR_REF
def test_an_error_ref_naming_no_error_is_caught_by_its_own_text_as_the_code(scenario, engine):
    deploy(scenario, UNDECLARED_ERROR_REF)
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("referral_undeclared_error")
    pat.complete("Check the referral details")
    assert [t.name for t in pat.inbox()] == ["Close the invalid referral"]
    assert engine.instance_variables(ref.id)["rejection_code"] == "referral_invalid"


def test_what_the_parser_raises_names_the_element_and_line_never_a_python_exception():
    source = '<definitions>\n  <task id="visit" />\n</definitions>'
    node = etree.fromstring(source).find("task")

    def parse_a_task(node):
        raise TypeError("f() got an unexpected keyword argument 'node'")

    try:
        parse_a_task(node)
    except TypeError as error:
        problem = parse_problem("visit.bpmn", source, error)
    assert (problem.file, problem.element_id, problem.line) == ("visit.bpmn", "visit", 2)
    assert "TypeError" not in problem.message and "keyword" not in problem.message
    assert problem.message.startswith("this diagram could not be read here (at 'visit')")


def test_a_python_error_the_parser_wraps_is_not_shown_either():
    source = '<definitions>\n  <task id="visit" />\n</definitions>'
    node = etree.fromstring(source).find("task")
    error = ValidationException("AssertionError('Expected 1 result.')", node=node)
    problem = parse_problem("visit.bpmn", source, error)
    assert (problem.element_id, problem.line) == ("visit", 2)
    assert "AssertionError" not in problem.message


def test_a_key_that_is_no_attribute_is_not_called_one():
    try:
        {}["some task"]
    except KeyError as error:
        problem = parse_problem("visit.bpmn", "<definitions/>", error)
    assert problem.message == "this diagram could not be read here: please report it with the file"


def test_a_missing_attribute_the_parser_needs_is_named_the_way_the_modeler_writes_it():
    source = '<definitions>\n  <businessRuleTask id="score_risk" />\n</definitions>'
    node = etree.fromstring(source).find("businessRuleTask")

    def parse_a_rule(node):
        return node.attrib["{http://camunda.org/schema/1.0/bpmn}decisionRef"]

    try:
        parse_a_rule(node)
    except KeyError as error:
        problem = parse_problem("rules.bpmn", source, error)
    assert (problem.element_id, problem.line) == ("score_risk", 2)
    assert problem.message.endswith("lacks the attribute 'camunda:decisionRef'")


def test_an_escalation_caught_inside_a_subprocess_and_on_its_boundary_is_not_a_duplicate(engine):
    inner = (
        '<bpmn:subProcess id="on_no_access" triggeredByEvent="true">'
        '<bpmn:startEvent id="no_access_inside" isInterrupting="false">'
        '<bpmn:escalationEventDefinition escalationRef="no_access"/></bpmn:startEvent>'
        '<bpmn:endEvent id="noted"/>' + flow("no_access_inside", "noted") + "</bpmn:subProcess>"
    )
    body = (
        '<bpmn:startEvent id="start"/><bpmn:subProcess id="visit"><bpmn:startEvent id="s"/>'
        '<bpmn:intermediateThrowEvent id="raise"><bpmn:escalationEventDefinition '
        'escalationRef="no_access"/></bpmn:intermediateThrowEvent><bpmn:endEvent id="e"/>'
        + flow("s", "raise")
        + flow("raise", "e")
        + inner
        + '</bpmn:subProcess><bpmn:boundaryEvent id="outside" attachedToRef="visit" '
        'cancelActivity="false"><bpmn:escalationEventDefinition escalationRef="no_access"/>'
        '</bpmn:boundaryEvent><bpmn:endEvent id="done"/><bpmn:endEvent id="told"/>'
        + flow("start", "visit")
        + flow("visit", "done")
        + flow("outside", "told")
    )
    extra = '<bpmn:escalation id="no_access" escalationCode="NO_ACCESS"/>'
    text = bpmn("visit_levels", body, extra=extra)
    assert engine.validate([read_resource("visit_levels.bpmn", text)]) == []


def test_a_thrown_message_is_not_looked_up_as_in_camunda(engine):
    body = (
        '<bpmn:startEvent id="start"/><bpmn:intermediateThrowEvent id="tell_school">'
        '<bpmn:messageEventDefinition messageRef="school_told"/></bpmn:intermediateThrowEvent>'
        '<bpmn:endEvent id="done"/>' + flow("start", "tell_school") + flow("tell_school", "done")
    )
    text = bpmn("tell_school", body)
    assert engine.validate([read_resource("tell_school.bpmn", text)]) == []


def test_deploying_a_timer_start_date_that_is_a_duration_is_refused_not_crashed(scenario):
    construct = next(
        c for c in _gap_constructs() if c.diagram == "gap_timer_start_date_duration.bpmn"
    )
    with pytest.raises(InvalidDefinition, match="is not an ISO 8601 date or date-time"):
        deploy(scenario, construct)


def test_each_refusal_names_only_its_own_problem(engine):
    """The gap diagrams are small: each is refused for its own reason, not for another's."""
    for diagram in ("gap_reserved_id_start.bpmn", "gap_timer_start_date_duration.bpmn"):
        construct = next(c for c in _gap_constructs() if c.diagram == diagram)
        assert len(refusal_problems(engine, construct)) == 1, diagram


def _gap_constructs():
    from .catalogue import CATALOGUE

    return [c for c in CATALOGUE.values() if c.diagram.startswith("gap_")]

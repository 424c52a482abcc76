"""The BPMN/DMN parser for Camunda Modeler (Camunda 7) diagrams, wired to our dialect."""

from __future__ import annotations

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.event_parsers import ReceiveTaskParser
from SpiffWorkflow.bpmn.parser.ProcessParser import ProcessParser
from SpiffWorkflow.bpmn.parser.task_parsers import GatewayParser
from SpiffWorkflow.bpmn.specs.defaults import (
    EndEvent,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    ReceiveTask,
    TransactionSubprocess,
)
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaEndEventParser,
    CamundaEventDefinitionParser,
    CamundaIntermediateCatchEventParser,
    CamundaIntermediateThrowEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser, SubWorkflowParser

from ..assurance.declarations import declared_milestones
from ..decision_pages.properties import SUMMARY, declared_stages
from ..decisions.task import DecisionsParserMixin, DecisionTask, DecisionTaskParser
from ..disclosure.holders import declared_holder
from ..inputs.timescales import declared_timescales
from .boundary_events import CamundaBoundaryEvent
from .call_activities import MappedCallActivity, MappedCallActivityParser
from .conditions import boolean_conditions
from .conventions import ConventionTask, ConventionTaskParser
from .event_subprocesses import (
    EventSubprocess,
    HandlerStartEventParser,
    ScopeEndJoin,
    arm_event_subprocesses,
)
from .extensions import property_text
from .gateways import TokenSafeParallelGateway
from .implicit_ends import add_implicit_ends
from .implicit_splits import add_implicit_splits
from .inclusive_gateway import InclusiveGatewayParser, TokenSafeInclusiveGateway
from .io_mappings import EmbeddedSubprocess, attach_parameters
from .messages import message_definition, start_at_once
from .multi_instance import CollectionByName, bound_instances
from .pass_through import LinkThrowing, PassThroughManualTask, PassThroughTask
from .scoped_events import declaration_of, scoped
from .script_results import ResultScriptTask, ResultScriptTaskParser
from .signals import BroadcastSignalEventDefinition, SignalEndEvents
from .source_lines import keep_source_lines
from .start_events import ChosenStartEvent
from .timers import TIMER_CLASSES, WORKING_DAYS, WORKING_DAYS_FROM, working_day_timer
from .user_tasks import AssignableUserTask, AssignableUserTaskParser


def initiator_variable(spec) -> str | None:
    """The variable a process's start event names in ``camunda:initiator``, if any."""
    for task_spec in spec.task_specs.values():
        name = getattr(task_spec, "initiator_variable", None)
        if name:
            return name
    return None


class OwnProperties:
    """``camunda:properties`` of the element itself.

    SpiffWorkflow's Camunda parser searches descendants, so an embedded subprocess would take
    on the properties of every element inside it.
    """

    def parse_extensions(self, node=None):
        properties = self.xpath("./bpmn:extensionElements/camunda:properties/camunda:property")
        return {item.get("name"): item.get("value") for item in properties}


class EmbeddedSubprocessParser(OwnProperties, CollectionByName, SubWorkflowParser):
    def create_task(self):
        if self.node.get("triggeredByEvent") == "true":
            self.spec_class = EventSubprocess
        add_implicit_ends(self.node)
        return super().create_task()


class CallParser(OwnProperties, MappedCallActivityParser):
    pass


class DialectEventParser(OwnProperties, CamundaEventDefinitionParser):
    """Timers on the engine clock; messages that carry variables; own properties only."""

    THROWS = False  # a throw or end event's message is silent (engine.dialect.messages)

    def parse_timer_event(self, event):
        properties = self.parse_extensions()
        if properties.get(WORKING_DAYS):
            definition = working_day_timer(
                self.node.get("name", self.node.get("id")),
                properties[WORKING_DAYS],
                properties.get(WORKING_DAYS_FROM),
            )
        else:
            definition = super().parse_timer_event(event)
        dialect_class = TIMER_CLASSES[type(definition)]
        return dialect_class(
            definition.name, definition.expression, description=definition.description
        )

    def parse_error_event(self, error_event):
        definition = super().parse_error_event(error_event)
        return scoped(definition, error_event, declaration_of(error_event, "error"))

    def parse_escalation_event(self, escalation_event):
        definition = super().parse_escalation_event(escalation_event)
        return scoped(definition, escalation_event)

    def parse_message_event(self, message_event):
        definition = super().parse_message_event(message_event)
        return message_definition(definition, throwing=self.THROWS)

    def parse_signal_event(self, signal_event):
        definition = super().parse_signal_event(signal_event)
        return BroadcastSignalEventDefinition(definition.name, description=definition.description)


class StartEventParser(HandlerStartEventParser, DialectEventParser, CamundaStartEventParser):
    """Also keeps ``camunda:initiator``: the variable that receives the starting user's id."""

    def create_task(self):
        task = super().create_task()
        task.initiator_variable = self.attribute("initiator", "camunda")
        start_at_once(task, self.node)
        return task


class EndEventParser(SignalEndEvents, DialectEventParser, CamundaEndEventParser):
    THROWS = True


class CatchEventParser(DialectEventParser, CamundaIntermediateCatchEventParser):
    pass


class ThrowEventParser(LinkThrowing, DialectEventParser, CamundaIntermediateThrowEventParser):
    THROWS = True


class BoundaryEventParser(DialectEventParser, CamundaBoundaryEventParser):
    pass


class ReceiveTaskEventParser(DialectEventParser, ReceiveTaskParser):
    """A receive task's message is ours, so correlation reaches it like a catch event."""


class DialectProcessParser(ProcessParser):
    """Also keeps the process's declared timescale overrides (``spec.timescales``), disclosure
    holder (``spec.disclosure_holder``), stage names (``spec.stages``), milestones
    (``spec.milestones``) and subject line (``spec.summary``), and bounds its multi-instance
    activities."""

    def create_spec(self):
        spec = super().create_spec()
        spec.timescales = declared_timescales(self.node, self.filename)
        spec.disclosure_holder = declared_holder(self.node)
        spec.stages = declared_stages(self.node)
        spec.milestones = declared_milestones(self.node)
        spec.summary = property_text(self.node, SUMMARY)  # engine.wording.subjects
        spec.end.__class__ = ScopeEndJoin
        return spec

    def add_tasks(self):
        super().add_tasks()
        bound_instances(self.spec.task_specs.values())
        boolean_conditions(self.node, self.spec.task_specs.values())
        keep_source_lines(self.node, self.spec.task_specs.values())
        attach_parameters(self.node, self.spec.task_specs.values())
        arm_event_subprocesses(self.spec, self.parser)


class DialectParser(DecisionsParserMixin, CamundaParser):
    """CamundaParser plus the attributes and notations it leaves out."""

    PROCESS_PARSER_CLASS = DialectProcessParser
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (AssignableUserTaskParser, AssignableUserTask),
        full_tag("startEvent"): (StartEventParser, ChosenStartEvent),
        full_tag("endEvent"): (EndEventParser, EndEvent),
        full_tag("intermediateCatchEvent"): (CatchEventParser, IntermediateCatchEvent),
        full_tag("intermediateThrowEvent"): (ThrowEventParser, IntermediateThrowEvent),
        full_tag("boundaryEvent"): (BoundaryEventParser, CamundaBoundaryEvent),
        full_tag("parallelGateway"): (GatewayParser, TokenSafeParallelGateway),
        full_tag("inclusiveGateway"): (InclusiveGatewayParser, TokenSafeInclusiveGateway),
        full_tag("subProcess"): (EmbeddedSubprocessParser, EmbeddedSubprocess),
        full_tag("callActivity"): (CallParser, MappedCallActivity),
        full_tag("transaction"): (EmbeddedSubprocessParser, TransactionSubprocess),
        full_tag("serviceTask"): (ConventionTaskParser, ConventionTask),
        full_tag("sendTask"): (ConventionTaskParser, ConventionTask),
        full_tag("businessRuleTask"): (DecisionTaskParser, DecisionTask),
        full_tag("receiveTask"): (ReceiveTaskEventParser, ReceiveTask),
        full_tag("scriptTask"): (ResultScriptTaskParser, ResultScriptTask),
        full_tag("task"): (CamundaTaskParser, PassThroughTask),
        full_tag("manualTask"): (CamundaTaskParser, PassThroughManualTask),
    }

    def add_bpmn_xml(self, bpmn, filename=None):
        """Add a diagram, with the gateways Camunda 7 implies after an activity drawn in."""
        add_implicit_splits(bpmn)
        super().add_bpmn_xml(bpmn, filename)

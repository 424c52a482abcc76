"""The BPMN/DMN parser for Camunda Modeler (Camunda 7) diagrams, wired to our dialect."""

from __future__ import annotations

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.ProcessParser import ProcessParser
from SpiffWorkflow.bpmn.parser.task_parsers import GatewayParser
from SpiffWorkflow.bpmn.specs.defaults import (
    CallActivity,
    EndEvent,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    StartEvent,
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
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition

from ..decision_pages.properties import declared_stages
from ..disclosure.holders import declared_holder
from ..inputs.timescales import declared_timescales
from .boundary_events import CamundaBoundaryEvent
from .call_activities import MappedCallActivity, MappedCallActivityParser
from .conventions import ConventionTask, ConventionTaskParser
from .gateways import TokenSafeParallelGateway
from .multi_instance import CollectionByName, bound_instances
from .pass_through import LinkThrowing, PassThroughManualTask, PassThroughTask
from .script_results import ResultScriptTask, ResultScriptTaskParser
from .timers import TIMER_CLASSES, WORKING_DAYS, WORKING_DAYS_FROM, working_day_timer
from .user_tasks import AssignableUserTask, AssignableUserTaskParser


def initiator_variable(spec) -> str | None:
    """The variable a process's start event names in ``camunda:initiator``, if any."""
    for task_spec in spec.task_specs.values():
        name = getattr(task_spec, "initiator_variable", None)
        if name:
            return name
    return None


class VariablesMessageEventDefinition(MessageEventDefinition):
    """A message whose payload, when it is a dict and no result variable is named, becomes
    process variables (as Camunda's message correlation with variables does)."""

    def update_task_data(self, my_task):
        event_data = my_task.internal_data.get(self.name) or {}
        payload, result_var = event_data.get("payload"), event_data.get("result_var")
        if result_var is None and isinstance(payload, dict):
            my_task.data.update(payload)
        elif result_var is not None:
            my_task.data[result_var] = payload

    def update_internal_data(self, my_task, event):
        my_task.internal_data[self.name] = event.payload


class OwnProperties:
    """``camunda:properties`` of the element itself.

    SpiffWorkflow's Camunda parser searches descendants, so an embedded subprocess would take
    on the properties of every element inside it.
    """

    def parse_extensions(self, node=None):
        properties = self.xpath("./bpmn:extensionElements/camunda:properties/camunda:property")
        return {item.get("name"): item.get("value") for item in properties}


class EmbeddedSubprocessParser(OwnProperties, CollectionByName, SubWorkflowParser):
    pass


class CallParser(OwnProperties, MappedCallActivityParser):
    pass


class DialectEventParser(OwnProperties, CamundaEventDefinitionParser):
    """Timers on the engine clock; messages that carry variables; own properties only."""

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

    def parse_message_event(self, message_event):
        definition = super().parse_message_event(message_event)
        return VariablesMessageEventDefinition(
            definition.name,
            definition.correlation_properties,
            definition.expression,
            definition.result_var,
            description=definition.description,
        )


class StartEventParser(DialectEventParser, CamundaStartEventParser):
    """Also keeps ``camunda:initiator``: the variable that receives the starting user's id."""

    def create_task(self):
        task = super().create_task()
        task.initiator_variable = self.attribute("initiator", "camunda")
        return task


class EndEventParser(DialectEventParser, CamundaEndEventParser):
    pass


class CatchEventParser(DialectEventParser, CamundaIntermediateCatchEventParser):
    pass


class ThrowEventParser(LinkThrowing, DialectEventParser, CamundaIntermediateThrowEventParser):
    pass


class BoundaryEventParser(DialectEventParser, CamundaBoundaryEventParser):
    pass


class DialectProcessParser(ProcessParser):
    """Also keeps the process's declared timescale overrides (``spec.timescales``), disclosure
    holder (``spec.disclosure_holder``) and stage names (``spec.stages``), and bounds its
    multi-instance activities."""

    def create_spec(self):
        spec = super().create_spec()
        spec.timescales = declared_timescales(self.node, self.filename)
        spec.disclosure_holder = declared_holder(self.node)
        spec.stages = declared_stages(self.node)
        return spec

    def add_tasks(self):
        super().add_tasks()
        bound_instances(self.spec.task_specs.values())


class DialectParser(CamundaParser):
    """CamundaParser plus the attributes and notations it leaves out."""

    PROCESS_PARSER_CLASS = DialectProcessParser
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (AssignableUserTaskParser, AssignableUserTask),
        full_tag("startEvent"): (StartEventParser, StartEvent),
        full_tag("endEvent"): (EndEventParser, EndEvent),
        full_tag("intermediateCatchEvent"): (CatchEventParser, IntermediateCatchEvent),
        full_tag("intermediateThrowEvent"): (ThrowEventParser, IntermediateThrowEvent),
        full_tag("boundaryEvent"): (BoundaryEventParser, CamundaBoundaryEvent),
        full_tag("parallelGateway"): (GatewayParser, TokenSafeParallelGateway),
        full_tag("subProcess"): (EmbeddedSubprocessParser, CallActivity),
        full_tag("callActivity"): (CallParser, MappedCallActivity),
        full_tag("transaction"): (EmbeddedSubprocessParser, TransactionSubprocess),
        full_tag("serviceTask"): (ConventionTaskParser, ConventionTask),
        full_tag("sendTask"): (ConventionTaskParser, ConventionTask),
        full_tag("scriptTask"): (ResultScriptTaskParser, ResultScriptTask),
        full_tag("task"): (CamundaTaskParser, PassThroughTask),
        full_tag("manualTask"): (CamundaTaskParser, PassThroughManualTask),
    }

"""What JoinedUp knows of the Camunda 7 palette: one table to extend when a construct is added.

Each entry is either ``KNOWN`` (JoinedUp runs it as Camunda 7 does, or another deploy check
decides about it, or it has no runtime meaning) or the reason it is refused, which completes
"<what> is not supported by JoinedUp: <reason>". Anything not listed is refused too, so a
construct nobody has thought about is never accepted and then ignored. What is inside a refused
element is not examined.
"""

from __future__ import annotations

KNOWN = None

_NO_RUNTIME_MEANING = (
    # documentation, artefacts and pools: Camunda 7 gives them no behaviour either
    "definitions", "documentation", "extensionElements", "textAnnotation", "text", "association",
    "group", "category", "categoryValue", "dataObject", "dataObjectReference", "dataStore",
    "dataStoreReference", "collaboration", "participant", "messageFlow", "laneSet", "lane",
    "childLaneSet", "flowNodeRef", "incoming", "outgoing", "sourceRef", "targetRef",
)  # fmt: skip
_RUN = (
    "process", "sequenceFlow", "conditionExpression",
    "task", "manualTask", "userTask", "serviceTask", "sendTask", "receiveTask", "scriptTask",
    "script", "businessRuleTask", "callActivity", "subProcess", "transaction",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "messageEventDefinition", "timerEventDefinition", "timeDate", "timeDuration", "timeCycle",
    "signalEventDefinition", "errorEventDefinition", "escalationEventDefinition",
    "compensateEventDefinition", "cancelEventDefinition", "terminateEventDefinition",
    "linkEventDefinition", "message", "signal", "error", "escalation",
    "multiInstanceLoopCharacteristics", "loopCardinality", "completionCondition",
    "formalExpression", "humanPerformer", "potentialOwner", "resourceAssignmentExpression",
)  # fmt: skip
# refused by engine.sandbox.diagram_checks with their own messages (and what they hold)
_REFUSED_ELSEWHERE = (
    "adHocSubProcess", "correlationProperty", "correlationKey", "correlationSubscription",
    "correlationPropertyRetrievalExpression", "correlationPropertyRef", "messagePath",
    "correlationPropertyBinding", "dataPath",
)  # fmt: skip

CONDITIONAL = (
    "JoinedUp does not evaluate conditions when variables change; wait for a message, a timer "
    "or a user task instead, or decide with an exclusive gateway"
)
BPMN_ELEMENTS: dict[str, str | None] = {
    **dict.fromkeys(_NO_RUNTIME_MEANING + _RUN + _REFUSED_ELSEWHERE, KNOWN),
    "complexGateway": "Camunda 7 does not run complex gateways; use an inclusive or a parallel "
    "gateway",
    "standardLoopCharacteristics": "Camunda 7 does not run loops (standard loop "
    "characteristics); use multi-instance, or a gateway that flows back",
    "conditionalEventDefinition": CONDITIONAL,
    "dataInputAssociation": "in JoinedUp's engine a data association moves variables into and "
    "out of data objects, which Camunda 7 ignores; remove the association (data objects and "
    "stores alone are fine as notes)",
    "dataOutputAssociation": "in JoinedUp's engine a data association moves variables into and "
    "out of data objects, which Camunda 7 ignores; remove the association (data objects and "
    "stores alone are fine as notes)",
}

_ASYNC_CAPABLE = (
    "task", "manualTask", "userTask", "serviceTask", "sendTask", "receiveTask", "scriptTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction", "exclusiveGateway",
    "parallelGateway", "inclusiveGateway", "eventBasedGateway", "startEvent", "endEvent",
    "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "multiInstanceLoopCharacteristics",
)  # fmt: skip
# Java and external tasks: refused where they may sit by validation's service task check and
# checks.JAVA_IMPLEMENTATIONS (camunda:expression on a message event is our message payload)
_IMPLEMENTED_BY = ("serviceTask", "sendTask", "businessRuleTask", "messageEventDefinition")
ANYWHERE = ("*",)

# camunda:ATTRIBUTE -> the elements it may sit on, or the reason it is refused
CAMUNDA_ATTRIBUTES: dict[str, tuple[str, ...] | str] = {
    **dict.fromkeys(
        ("assignee", "candidateGroups", "candidateUsers", "dueDate", "followUpDate", "priority"),
        ("userTask",),
    ),
    # on a start event: refused by the start form check, with what to do instead
    **dict.fromkeys(
        ("formRef", "formRefBinding", "formRefVersion", "formKey"), ("userTask", "startEvent")
    ),
    "initiator": ("startEvent",),
    **dict.fromkeys(("collection", "elementVariable"), ("multiInstanceLoopCharacteristics",)),
    **dict.fromkeys(
        (
            "decisionRef",
            "decisionRefBinding",
            "decisionRefVersion",
            "decisionRefVersionTag",
            "decisionRefTenantId",
            "mapDecisionResult",
        ),
        ("businessRuleTask",),
    ),
    "resultVariable": ("scriptTask", *_IMPLEMENTED_BY),
    "resource": ("scriptTask", "conditionExpression"),  # refused by the script checks
    **dict.fromkeys(
        ("class", "delegateExpression", "expression", "type", "topic"), _IMPLEMENTED_BY
    ),
    **dict.fromkeys(
        (
            "calledElementBinding",
            "calledElementVersion",
            "calledElementVersionTag",
            "calledElementTenantId",
        ),
        ("callActivity",),
    ),
    **dict.fromkeys(
        ("variableMappingClass", "variableMappingDelegateExpression"),
        "a Java variable mapping cannot run here; map with camunda:in and camunda:out",
    ),
    **dict.fromkeys(
        ("caseRef", "caseBinding", "caseVersion", "caseTenantId"),
        "CMMN cases do not run here; call a BPMN process with calledElement",
    ),
    **dict.fromkeys(("errorCodeVariable", "errorMessageVariable"), ("errorEventDefinition",)),
    "errorMessage": ("error",),
    "escalationCodeVariable": ("escalationEventDefinition",),
    **dict.fromkeys(("variableName", "variableEvents"), ("conditionalEventDefinition",)),
    # transaction boundaries and job priority: every step commits at once, in order
    **dict.fromkeys(("async", "asyncBefore", "asyncAfter", "exclusive"), _ASYNC_CAPABLE),
    "jobPriority": ("process", *_ASYNC_CAPABLE),
    "taskPriority": ("process", *_IMPLEMENTED_BY),
    **dict.fromkeys(
        ("candidateStarterGroups", "versionTag", "isStartableInTasklist"), ("process",)
    ),
    # days an ended instance is kept: engine.retention purges it at end time + this
    "historyTimeToLive": ("process",),
    "candidateStarterUsers": "only groups may start a process here; name a group in "
    "camunda:candidateStarterGroups",
    "formHandlerClass": "a Java form handler cannot run here; use camunda:formData or a Camunda "
    "Form (camunda:formRef) on a user task",
    **dict.fromkeys(
        ("modelerTemplate", "modelerTemplateVersion", "modelerTemplateIcon", "diagramRelationId"),
        ANYWHERE,
    ),
}

# <camunda:ELEMENT> extension elements
CAMUNDA_ELEMENTS: dict[str, str | None] = {
    **dict.fromkeys(
        (
            "properties",
            "property",
            "formData",
            "formField",
            "validation",
            "constraint",
            "value",
            "in",
            "out",
            "inputOutput",
            "inputParameter",
            "outputParameter",
            "list",
            "map",
            "entry",
            "script",
            "executionListener",
            "taskListener",
            "field",
            "string",
            "expression",
            "connector",
            "connectorId",
            "errorEventDefinition",
        ),
        KNOWN,
    ),
    "failedJobRetryTimeCycle": "a step that fails here is rolled back and shown to an "
    "administrator to retry, never retried on a schedule; remove the retry time cycle",
    "formProperty": "use generated form fields (camunda:formData) instead",
    "potentialStarter": "name the groups who may start it in camunda:candidateStarterGroups",
}

# Namespaces of attributes and elements that only draw or annotate the diagram
DRAWING_NAMESPACES = (
    "http://www.omg.org/spec/BPMN/20100524/DI",
    "http://www.omg.org/spec/DD/20100524/DC",
    "http://www.omg.org/spec/DD/20100524/DI",
    "http://camunda.org/schema/modeler/1.0",
    "http://bpmn.io/schema/bpmn/biocolor/1.0",
    "http://www.omg.org/spec/BPMN/non-normative/color/1.0",
    "http://www.w3.org/2001/XMLSchema-instance",
)

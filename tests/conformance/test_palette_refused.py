"""The rest of the Camunda 7 palette that JoinedUp refuses at deploy, each with what to do."""

from __future__ import annotations

from .catalogue import refused

TASKS, EVENTS, COLLABORATION = "Tasks", "Events", "Collaboration"
NOT_SUPPORTED = "is not supported by JoinedUp"
GATEWAYS, SUBPROCESSES, ATTRIBUTES = "Gateways", "Subprocesses", "Process attributes"

refused(
    TASKS,
    "Script task in JavaScript, Groovy or any Format but python",
    "pal_script_javascript.bpmn",
    f"scriptFormat 'javascript' {NOT_SUPPORTED}: JoinedUp runs only inline scripts in its own "
    "expression language",
)
refused(
    TASKS,
    "Script task with an external script (camunda:resource)",
    "pal_script_external_resource.bpmn",
    f"An external script (camunda:resource) {NOT_SUPPORTED}",
)
refused(
    TASKS,
    "Script task with camunda:resultVariable and a script of several statements",
    "pal_script_result_variable_assignments.bpmn",
    "with camunda:resultVariable the script must be one expression, whose value is stored",
)
refused(
    TASKS,
    "Standard loop characteristics (loop marker)",
    "pal_standard_loop.bpmn",
    f"bpmn:standardLoopCharacteristics {NOT_SUPPORTED}: Camunda 7 does not run loops",
)
refused(
    TASKS,
    "Embedded or app form (camunda:formKey embedded:/app:)",
    "pal_form_key_embedded.bpmn",
    "is an embedded or external form, which cannot be shown here",
)
refused(
    TASKS,
    "Java form handler (camunda:formHandlerClass)",
    "pal_form_handler_class.bpmn",
    f"camunda:formHandlerClass {NOT_SUPPORTED}: a Java form handler cannot run here",
)
refused(
    TASKS,
    "User task offered by BPMN resource assignment (potentialOwner)",
    "pal_potential_owner.bpmn",
    f"bpmn:potentialOwner {NOT_SUPPORTED}: set camunda:candidateGroups",
)
for diagram, kind in (
    ("pal_conditional_catch.bpmn", "intermediate catch event"),
    ("pal_conditional_boundary.bpmn", "boundary event"),
    ("pal_conditional_start.bpmn", "start event"),
):
    refused(
        EVENTS,
        f"Conditional {kind}",
        diagram,
        f"bpmn:conditionalEventDefinition {NOT_SUPPORTED}: JoinedUp does not evaluate "
        "conditions when variables change",
    )
refused(
    EVENTS,
    "Multiple event (several event definitions on one event)",
    "pal_multiple_event.bpmn",
    f"A multiple event (several triggers on one event) {NOT_SUPPORTED}: Camunda 7 does not "
    "run them",
)
refused(
    EVENTS,
    "Parallel multiple event",
    "pal_parallel_multiple_event.bpmn",
    f"A parallel multiple event {NOT_SUPPORTED}: Camunda 7 does not run them",
)
refused(
    EVENTS,
    "Link throw event without a catch event of its name",
    "pal_link_without_catch.bpmn",
    "no link catch event called 'strategy' in the same process or subprocess",
)
refused(
    EVENTS,
    "Start form (camunda:formData, formKey or formRef on a start event)",
    "pal_start_form.bpmn",
    f"A start form {NOT_SUPPORTED}: processes start from a case page or another process",
)
refused(
    GATEWAYS,
    "Complex gateway",
    "pal_complex_gateway.bpmn",
    f"bpmn:complexGateway {NOT_SUPPORTED}: Camunda 7 does not run complex gateways",
)
refused(
    GATEWAYS,
    "Condition written as a script (Condition type: Script, e.g. Groovy)",
    "pal_script_condition.bpmn",
    f"A condition written as a script (groovy) {NOT_SUPPORTED}: choose Condition type Expression",
)
refused(
    SUBPROCESSES,
    "Ad-hoc subprocess",
    "pal_ad_hoc_subprocess.bpmn",
    "ad-hoc subprocesses are not supported: Camunda 7 does not run them",
)
refused(
    SUBPROCESSES,
    "Call activity bound to a deployment, version or version tag (calledElementBinding)",
    "pal_call_binding_version.bpmn",
    f"calledElementBinding 'version' {NOT_SUPPORTED}: a call starts the latest version",
)
refused(
    COLLABORATION,
    "A file with several executable processes",
    "pal_several_executable_processes.bpmn",
    f"A file with several executable processes {NOT_SUPPORTED}: this file has 2 "
    "(pal_several_mash, pal_several_school); JoinedUp deploys one process per file",
)
refused(
    COLLABORATION,
    "A file without an executable process",
    "pal_no_executable_process.bpmn",
    "no executable process: tick 'Executable' on the process in Camunda Modeler",
)
refused(
    COLLABORATION,
    "Data input or output association",
    "pal_data_association.bpmn",
    f"bpmn:dataOutputAssociation {NOT_SUPPORTED}: in JoinedUp's engine a data association "
    "moves variables",
)
refused(
    ATTRIBUTES,
    "camunda:candidateStarterUsers",
    "pal_candidate_starter_users.bpmn",
    f"camunda:candidateStarterUsers {NOT_SUPPORTED}: only groups may start a process here",
)
refused(
    ATTRIBUTES,
    "Retry time cycle (camunda:failedJobRetryTimeCycle)",
    "pal_failed_job_retry.bpmn",
    f"camunda:failedJobRetryTimeCycle {NOT_SUPPORTED}: a step that fails here is rolled back",
)
refused(
    ATTRIBUTES,
    "Any camunda: attribute JoinedUp does not know (a typo such as camunda:asignee)",
    "pal_unknown_attribute.bpmn",
    f"camunda:asignee {NOT_SUPPORTED}: it is not a Camunda 7 attribute JoinedUp knows",
)
refused(
    ATTRIBUTES,
    "A camunda: attribute on an element Camunda 7 does not read it on",
    "pal_attribute_on_wrong_element.bpmn",
    f"camunda:candidateGroups on a bpmn:manualTask {NOT_SUPPORTED}: Camunda 7 reads it only on "
    "bpmn:userTask",
)
refused(
    ATTRIBUTES,
    "Any extension element that is not Camunda 7's (zeebe:, other tools)",
    "pal_foreign_extension.bpmn",
    f"the extension zeebe:taskDefinition {NOT_SUPPORTED}: it is not a Camunda 7 extension",
)
refused(
    EVENTS,
    "Message throw or end event implemented in Java (camunda:class, delegateExpression, type)",
    "pal_message_end_java.bpmn",
    f"camunda:class on a bpmn:messageEventDefinition {NOT_SUPPORTED}: Java delegates and "
    "external tasks cannot run here",
)

"""Service and send tasks: what needs Java is refused."""

from __future__ import annotations

from .catalogue import refused, supported
from .support import deploy

AREA = "Service tasks"

refused(
    AREA,
    "Service task with camunda:class (Java delegate)",
    "service_task_java_class.bpmn",
    "camunda:class (Java delegates, external tasks) cannot run here",
)

for attribute, diagram in (
    ("type", "service_task_external.bpmn"),
    ("delegateExpression", "service_task_delegate_expression.bpmn"),
    ("expression", "service_task_expression.bpmn"),
):
    refused(
        AREA,
        f"Service task with camunda:{attribute}"
        + (" (external task)" if attribute == "type" else " (a bean)"),
        diagram,
        f"camunda:{attribute} (Java delegates, external tasks) cannot run here",
    )

PLAIN = supported(
    AREA,
    "Service task without an implementation",
    "service_task_no_implementation.bpmn",
    "Camunda 7 refuses a service task without camunda:class, expression, delegateExpression or "
    "type; here it runs our camunda:properties conventions (notify, record...) and goes on",
)


@PLAIN
def test_a_service_task_without_an_implementation_goes_straight_on(scenario, engine):
    deploy(scenario, PLAIN)
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("plain_service_referral", {"child": "Ruby"})
    assert [t.name for t in pat.inbox()] == ["Follow up the referral"]
    assert engine.instance_variables(ref.id) == {"child": "Ruby"}

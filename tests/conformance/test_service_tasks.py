"""Service and send tasks: what needs Java is refused."""

from __future__ import annotations

from .catalogue import refused

AREA = "Service tasks"

refused(
    AREA,
    "Service task with camunda:class (Java delegate)",
    "service_task_java_class.bpmn",
    "camunda:class (Java delegates, external tasks) cannot run here",
)

"""Which agency holds what a process records: the ``disclosure_holder`` process property.

A process owner sets, in Camunda Modeler's "Extension properties" of the *process*:

- ``disclosure_holder`` = the agency whose information the process records: a code
  (``childrens-social-care``) or an expression on the process's data (``${agency}``,
  ``${started_by_agency}``). Everything the process records - its case-record entries, its
  tasks and their data, the events of its history - is then held by that agency and read by
  other agencies only as a sharing decision allows (``engine.disclosure.rules``).

A called process without its own ``disclosure_holder``, or whose expression gives nothing,
records under its caller's. A process
without one anywhere records openly, for every agency involved in the case (as before).
An element with the property ``disclosure`` = ``open`` records openly inside a held process:
a fact about the work (a contribution is missing) rather than the agency's information.
"""

from __future__ import annotations

from lxml import etree

from ..agencies import AGENCIES
from ..dialect.extensions import property_text
from ..errors import ProcessError
from ..expressions import is_expression

HOLDER = "disclosure_holder"
DISCLOSURE, OPEN = "disclosure", "open"


def declared_holder(process: etree._Element) -> str | None:
    """The process element's own ``disclosure_holder`` property (text, not yet evaluated)."""
    return property_text(process, HOLDER)


def holder_of(task) -> str | None:
    """The agency holding what this workflow task records (None: recorded openly)."""
    if (getattr(task.task_spec, "extensions", None) or {}).get(DISCLOSURE) == OPEN:
        return None
    workflow = task.workflow
    while workflow is not None:
        text = getattr(workflow.spec, HOLDER, None)
        if text and (agency := _agency(task, text)):
            return agency
        workflow = getattr(workflow, "parent_workflow", None)
    return None


def instance_holder(workflow) -> str | None:
    """The agency holding an instance's own events (its top-level process's holder)."""
    text = getattr(workflow.spec, HOLDER, None)
    return _agency(workflow.task_tree, text) if text else None


def _agency(task, text: str) -> str | None:
    """The agency ``text`` gives on the task's data; None when it gives nothing (the caller's
    holder applies, or none)."""
    try:
        value = task.workflow.script_engine.evaluate(task, text) if is_expression(text) else text
    except Exception as error:  # the sandbox's own errors name what went wrong
        raise ProcessError(f"{HOLDER} '{text}': {error}", task.task_spec.bpmn_id) from None
    agency = str(value or "").strip()
    if not agency:
        return None
    if agency not in AGENCIES:
        raise ProcessError(
            f"{HOLDER} '{text}' gave '{agency[:64]}', which is not a known agency",
            task.task_spec.bpmn_id,
        )
    return agency

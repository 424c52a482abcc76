"""Static checks on a definition file before anything is deployed.

Every ``${...}`` must compile in our expression language, every literal timer must parse, and
forms must use field types we can render and validate. Each problem names the file, the
element id and the line so a process owner can find it in Camunda Modeler.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from lxml import etree

from .dialect.conventions import ROUTINE, URGENCY_KEY, URGENT
from .dialect.extensions import extension_property
from .dialect.timers import WORKING_DAYS_FROM, parse_cycle, resolve_due, working_day_timer
from .dialect.user_tasks import FORM_KEY_PREFIX
from .errors import Problem
from .expressions import (
    ExpressionError,
    compile_expression,
    compile_script,
    compile_template,
    is_expression,
    is_single_expression,
)
from .form_rules import rule_problems
from .forms import FIELD_TYPES, VALIDATION_CONSTRAINTS
from .workdays import WorkingDayCalendar

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}
USER_TASK_ATTRIBUTES = (
    "assignee",
    "candidateGroups",
    "candidateUsers",
    "dueDate",
    "followUpDate",
    "priority",
)
FORM_BINDINGS = ("latest", "deployment", "version")
UNSUPPORTED_IMPLEMENTATIONS = ("class", "delegateExpression", "expression", "type")
_TIMER_CHECK_START = datetime(2000, 1, 3, tzinfo=UTC)


def check_bpmn(tree: etree._Element, filename: str) -> list[Problem]:
    """All problems found in one BPMN document (empty when it is fine)."""
    from .assurance.checks import check_milestones as _milestones
    from .deadline_checks import check_properties as _deadlines
    from .decision_pages.checks import check_properties as _decision_pages
    from .decisions.checks import check_business_rule_tasks as _business_rules
    from .deploy_checks.extension_checks import check_extensions as _extensions
    from .deploy_checks.message_checks import check_messages as _messages
    from .deploy_checks.reference_checks import check_references as _references
    from .deploy_checks.start_event_checks import check_start_events_and_signals as _start_events
    from .deploy_checks.structure_checks import check_structure as _structure
    from .deploy_checks.subprocess_checks import check_elements as _subprocesses
    from .disclosure.checks import check_properties as _disclosure
    from .involvement.conventions import check_properties as _involvement
    from .palette.checks import check_palette as _palette

    checks = (
        _conditions,
        _timers,
        _user_tasks,
        _scripts,
        _form_fields,
        _form_links,
        _service_tasks,
        _collections,
        _working_day_timers,
        _extensions,
        _urgency,
        _involvement,
        _disclosure,
        _decision_pages,
        _deadlines,
        _milestones,
        _business_rules,
        _messages,
        _start_events,
        _subprocesses,
        _palette,
        _structure,
        _references,
    )
    return [problem for check in checks for problem in check(tree, filename)]


def problem_at(filename: str, element: etree._Element, message: str) -> Problem:
    """A problem at ``element``, named by its own or nearest ancestor's id, with its line."""
    owner = element
    while owner is not None and owner.get("id") is None:
        owner = owner.getparent()
    element_id = owner.get("id") if owner is not None else None
    return Problem(filename, message, element_id, element.sourceline)


def expression_problem(text: str, template: bool = False) -> str | None:
    """Why ``text`` does not compile as an expression (or template), or None."""
    try:
        if template and not is_single_expression(text):
            compile_template(text)
        else:
            compile_expression(text)
    except ExpressionError as error:
        return f"expression '{text}' does not compile: {error}"
    return None


def _conditions(tree, filename) -> Iterator[Problem]:
    for node in tree.iterfind(".//bpmn:conditionExpression", NS):
        text = (node.text or "").strip()
        if not text:
            yield problem_at(filename, node, "the condition is empty; write e.g. ${approved}")
        elif message := expression_problem(text):
            yield problem_at(filename, node, message)


def _timers(tree, filename) -> Iterator[Problem]:
    calendar = WorkingDayCalendar()
    for tag in ("timeDate", "timeDuration", "timeCycle"):
        for node in tree.iterfind(f".//bpmn:{tag}", NS):
            text = (node.text or "").strip()
            if not text:
                yield problem_at(filename, node, f"the timer's {tag} is empty")
            elif is_expression(text):
                if message := expression_problem(text):
                    yield problem_at(filename, node, message)
            else:
                parse = parse_cycle if tag == "timeCycle" else resolve_due
                try:
                    parse(text, _TIMER_CHECK_START, calendar)
                except ExpressionError as error:
                    yield problem_at(filename, node, f"timer '{text}': {error}")


def _user_tasks(tree, filename) -> Iterator[Problem]:
    for task in tree.iterfind(".//bpmn:userTask", NS):
        for attribute in USER_TASK_ATTRIBUTES:
            text = task.get(f"{{{CAMUNDA_NS}}}{attribute}")
            if not text:
                continue
            if is_expression(text):
                if message := expression_problem(text, template=True):
                    yield problem_at(filename, task, f"camunda:{attribute}: {message}")
            elif attribute == "priority" and not text.strip().lstrip("-").isdigit():
                yield problem_at(filename, task, f"camunda:priority '{text}' is not a whole number")


def _scripts(tree, filename) -> Iterator[Problem]:
    for task in tree.iterfind(".//bpmn:scriptTask", NS):
        script = task.find("bpmn:script", NS)
        if script is None or not (script.text or "").strip():
            yield problem_at(filename, task, "the script task has no inline script")
            continue
        try:
            compile_script(script.text)
        except ExpressionError as error:
            yield problem_at(filename, script, f"script does not compile: {error}")


def _form_fields(tree, filename) -> Iterator[Problem]:
    element_ids = {node.get("id") for node in tree.iter(f"{{{BPMN_NS}}}*") if node.get("id")}
    for field in tree.iterfind(".//camunda:formField", NS):
        if field.get("id") in element_ids:
            yield problem_at(
                filename,
                field,
                f"form field id '{field.get('id')}' is also the id of a BPMN "
                "element; give the field a different id (SpiffWorkflow looks elements up by id)",
            )
        field_type = field.get("type") or "string"
        if field_type not in FIELD_TYPES:
            known = ", ".join(sorted(FIELD_TYPES))
            yield problem_at(
                filename,
                field,
                f"form field '{field.get('id')}' has type '{field_type}'; "
                f"supported types are {known}",
            )
        properties = {
            prop.get("id") or "": prop.get("value") or ""
            for prop in field.iterfind("camunda:properties/camunda:property", NS)
        }
        for message in rule_problems(field.get("id") or "", field_type, properties):
            yield problem_at(filename, field, f"form {message}")
        for constraint in field.iterfind("camunda:validation/camunda:constraint", NS):
            name = constraint.get("name")
            if name not in VALIDATION_CONSTRAINTS:
                known = ", ".join(sorted(VALIDATION_CONSTRAINTS))
                yield problem_at(
                    filename,
                    constraint,
                    f"form field '{field.get('id')}' has unknown constraint '{name}' ({known})",
                )


def _form_links(tree, filename) -> Iterator[Problem]:
    for task in tree.iterfind(".//bpmn:userTask", NS):
        form_ref = task.get(f"{{{CAMUNDA_NS}}}formRef")
        form_key = task.get(f"{{{CAMUNDA_NS}}}formKey")
        binding = task.get(f"{{{CAMUNDA_NS}}}formRefBinding") or "latest"
        version = task.get(f"{{{CAMUNDA_NS}}}formRefVersion") or ""
        if form_key and not form_key.startswith(FORM_KEY_PREFIX):
            yield problem_at(
                filename,
                task,
                f"camunda:formKey '{form_key}' is an embedded or external form, which cannot be "
                "shown here; link a Camunda Form (camunda:formRef) or use generated form fields",
            )
        if (form_ref or form_key) and task.find(
            "bpmn:extensionElements/camunda:formData", NS
        ) is not None:
            yield problem_at(
                filename, task, "the task has both form fields and a linked form; keep one"
            )
        if not form_ref:
            continue
        if binding not in FORM_BINDINGS:
            yield problem_at(
                filename,
                task,
                f"camunda:formRefBinding '{binding}' must be one of {', '.join(FORM_BINDINGS)}",
            )
        elif binding == "version" and not version.strip().isdigit():
            yield problem_at(
                filename,
                task,
                "camunda:formRefBinding is 'version' but camunda:formRefVersion is not a number",
            )


def _service_tasks(tree, filename) -> Iterator[Problem]:
    for tag in ("serviceTask", "sendTask"):
        for task in tree.iterfind(f".//bpmn:{tag}", NS):
            for attribute in UNSUPPORTED_IMPLEMENTATIONS:
                if task.get(f"{{{CAMUNDA_NS}}}{attribute}"):
                    yield problem_at(
                        filename,
                        task,
                        f"camunda:{attribute} (Java delegates, external tasks) cannot run here; "
                        "use camunda:properties conventions instead",
                    )


def _collections(tree, filename) -> Iterator[Problem]:
    from .dialect.multi_instance import variable_name

    for loop in tree.iterfind(".//bpmn:multiInstanceLoopCharacteristics", NS):
        collection = loop.get(f"{{{CAMUNDA_NS}}}collection")
        if collection is not None and variable_name(collection) is None:
            yield problem_at(
                filename,
                loop.getparent(),
                f"camunda:collection '{collection}' must name a variable, like ${{agencies}}",
            )


def _working_day_timers(tree, filename) -> Iterator[Problem]:
    for tag in ("intermediateCatchEvent", "boundaryEvent", "startEvent"):
        for event in tree.iterfind(f".//bpmn:{tag}", NS):
            days = extension_property(event, "working_days")
            if days is None:
                continue
            timer = event.find("bpmn:timerEventDefinition", NS)
            value = (days.get("value") or "").strip()
            if timer is None:
                yield problem_at(
                    filename, event, "working_days is set but this is not a timer event"
                )
            elif len(timer):
                yield problem_at(
                    filename,
                    event,
                    "the timer has both a value and working_days; clear the timer's value",
                )
            if not value.isdigit() and not is_expression(value):
                yield problem_at(
                    filename, days, f"working_days '{value}' must be a whole number or ${{...}}"
                )
            elif is_expression(value) and (message := expression_problem(value)):
                yield problem_at(filename, days, message)
            elif message := _working_day_timer_problem(event, value):
                yield problem_at(filename, event, message)


def _working_day_timer_problem(event, days: str) -> str | None:
    """The expression the timer will evaluate, built as the parser builds it, must compile."""
    start = extension_property(event, WORKING_DAYS_FROM)
    if start is None:
        return None
    timer = working_day_timer(event.get("id") or "", days, start.get("value"))
    if message := expression_problem(timer.expression):
        return f"{WORKING_DAYS_FROM}: {message}"
    return None


def _urgency(tree, filename) -> Iterator[Problem]:
    for prop in tree.iterfind(f".//camunda:property[@name='{URGENCY_KEY}']", NS):
        value = (prop.get("value") or "").strip()
        if is_expression(value):
            if message := expression_problem(value, template=True):
                yield problem_at(filename, prop, f"{URGENCY_KEY}: {message}")
        elif value not in (URGENT, ROUTINE):
            yield problem_at(
                filename, prop, f"{URGENCY_KEY} '{value}' must be '{URGENT}' or '{ROUTINE}'"
            )

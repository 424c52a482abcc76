"""Nothing stalls: a user task's missed deadline is escalated to the group it names, once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.demo import DEMO_CASE, DEMO_PASSWORD
from engine.errors import InvalidDefinition, ProcessError
from engine.models import AuditEvent, HumanTask
from notifications.models import InAppNotification, OutboxNotification
from notifications.scheduler import BackgroundJobs
from notifications.settings import SmtpSettings
from webapp import engine_of

from .helpers import bpmn, flow, resource

# as the "Deadline and escalation" element template writes it
ESCALATING = """
<bpmn:userTask id="visit" name="Visit the family" camunda:modelerTemplate="joinedup.deadline-and-escalation" camunda:modelerTemplateVersion="1" camunda:candidateGroups="childrens-social-care:practitioner" camunda:dueDate="${working_days(2)}">
  <bpmn:extensionElements><camunda:properties>
    <camunda:property name="escalate_to" value="${started_by_agency}:manager"/>
    <camunda:property name="escalate_after_days" value="%s"/>
  </camunda:properties></bpmn:extensionElements>
</bpmn:userTask>"""
END_WITH_ESCALATION = (
    '<bpmn:endEvent id="end"><bpmn:extensionElements><camunda:properties>'
    '<camunda:property name="escalate_to" value="manager"/>'
    "</camunda:properties></bpmn:extensionElements></bpmn:endEvent>"
)
STARTERS = 'camunda:candidateStarterGroups="childrens-social-care:practitioner"'


def visit_process(after_days="1") -> str:
    body = '<bpmn:startEvent id="start"/>' + ESCALATING % after_days + '<bpmn:endEvent id="end"/>'
    text = bpmn("home-visit", body + flow("start", "visit") + flow("visit", "end"), "Home visit")
    return text.replace('isExecutable="true"', 'isExecutable="true" ' + STARTERS)


@pytest.fixture
def jobs(app):
    return BackgroundJobs(engine_of(app), SmtpSettings(host=""))


def start_visit(app, after_days="1"):
    engine = engine_of(app)
    engine.deploy([resource("home-visit.bpmn", visit_process(after_days))], deployed_by="owner")
    sam = engine.authenticate("sam", DEMO_PASSWORD).actor()
    return engine.start_on_case("home-visit", DEMO_CASE, sam)


def rows(app, model, *where):
    with engine_of(app).db.reading() as session:
        return list(session.scalars(select(model).where(*where).order_by(model.id)))


def test_the_escalation_group_is_evaluated_and_stored_when_the_task_is_created(app):
    start_visit(app)
    [task] = rows(app, HumanTask, HumanTask.element_id == "visit")
    assert task.escalate_to == ["childrens-social-care:manager"]
    assert task.escalate_after_days == 1 and task.escalated_at is None
    assert task.due_at.isoformat() == "2026-11-25T17:00:00+00:00"  # the end of the working day


def test_a_missed_deadline_tells_the_manager_once_after_the_grace_days(app, jobs, clock):
    ref = start_visit(app)
    clock.set("2026-11-26T16:59:00+00:00")  # due Wed 17:00; one working day's grace to Thu 17:00
    assert jobs.remind()["escalated"] == 0
    clock.set("2026-11-26T17:00:00+00:00")
    assert jobs.remind()["escalated"] == 1
    assert jobs.remind()["escalated"] == 0
    [row] = rows(app, OutboxNotification, OutboxNotification.event_type == "task_escalated")
    assert (row.recipient_kind, row.recipient, row.urgent) == (
        "group",
        "childrens-social-care:manager",
        False,
    )
    assert row.context["step"] == "Visit the family" and row.instance_id == ref.id
    [entry] = rows(app, AuditEvent, AuditEvent.event_type == "case_record")
    assert entry.details["entry"] == "deadline_missed"
    assert entry.details["escalated_to"] == ["childrens-social-care:manager"]
    assert (entry.case_ref, entry.task_name, entry.held_by) == (DEMO_CASE, "Visit the family", None)
    jobs.deliver()
    [told] = rows(app, InAppNotification, InAppNotification.event_type == "task_escalated")
    assert told.username == "cal"  # the children's social care team manager, by name
    assert told.title == "A task has missed its deadline and is escalated to you"
    assert "Visit the family" in told.body and DEMO_CASE in told.body
    assert "held by nobody" in told.body


def test_without_grace_days_the_manager_is_told_as_soon_as_it_is_overdue(app, jobs, clock):
    start_visit(app, after_days="0")
    clock.set("2026-11-25T16:59:00+00:00")
    assert jobs.remind()["escalated"] == 0
    clock.set("2026-11-25T17:00:00+00:00")
    assert jobs.remind()["escalated"] == 1


def test_a_task_completed_in_time_is_never_escalated(app, jobs, clock):
    start_visit(app)
    engine = engine_of(app)
    sam = engine.authenticate("sam", DEMO_PASSWORD).actor()
    [task] = rows(app, HumanTask, HumanTask.element_id == "visit")
    engine.complete(task.id, {}, sam)
    clock.set("2027-01-29T12:00:00+00:00")
    assert jobs.remind()["escalated"] == 0


def test_an_escalate_after_days_expression_must_give_a_whole_number(app):
    with pytest.raises(ProcessError, match="escalate_after_days must be a whole number"):
        start_visit(app, after_days="${family_name}")


def test_pages_say_when_a_task_is_due_in_working_days(app, web, clock):
    start_visit(app)  # Monday 23 November 2026, 09:00; due in two working days
    sam = web("sam")
    task_id = sam.task_id("Visit the family", tab="team")
    assert "due Wed 25 Nov (2 working days)" in sam.get("/inbox?tab=team").get_data(as_text=True)
    page = sam.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "This task is due Wed 25 Nov (2 working days) (25 Nov 2026, 17:00)" in page
    clock.set("2026-11-25T10:00:00+00:00")
    assert "due today" in sam.get("/inbox?tab=team").get_data(as_text=True)
    clock.set("2026-11-27T10:00:00+00:00")
    overdue = sam.get("/inbox?tab=team").get_data(as_text=True)
    assert "overdue by 2 working days (due Wed 25 Nov)" in overdue


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (visit_process("soon"), "escalate_after_days 'soon' is not a whole number"),
        (visit_process("${working_days(}"), "property 'escalate_after_days'"),
        (
            visit_process().replace(
                "${started_by_agency}:manager", "${started_by_agency +}:manager"
            ),
            "property 'escalate_to'",
        ),
        (
            visit_process().replace('<bpmn:endEvent id="end"/>', END_WITH_ESCALATION),
            "escalate_to belongs on a user task",
        ),
    ],
)
def test_a_deploy_with_a_wrong_escalation_is_refused_naming_the_element(app, text, message):
    with pytest.raises(InvalidDefinition) as refused:
        engine_of(app).deploy([resource("home-visit.bpmn", text)], deployed_by="owner")
    assert any(message in p.message and p.line for p in refused.value.problems), [
        str(p) for p in refused.value.problems
    ]


def test_a_missed_deadline_in_a_held_process_is_recorded_under_its_holder(app, jobs, clock):
    """Transition to adulthood records under the agency that started it: the missed deadline
    is that agency's record, and another involved agency does not read it."""
    engine = engine_of(app)
    sam = engine.authenticate("sam", DEMO_PASSWORD).actor()
    [child] = [m.id for m in engine.case(DEMO_CASE, sam, look=False).members if m.kind == "child"]
    asked = {"request_reason": "Her parents asked: planning early for a complex condition"}
    engine.start_on_case(
        "transition-to-adulthood", DEMO_CASE, sam, subject_id=child, variables=asked
    )
    clock.set("2026-12-01T17:00:00+00:00")  # identifying the needs was due Mon 30 Nov, 17:00
    assert jobs.remind()["escalated"] == 1
    [entry] = rows(app, AuditEvent, AuditEvent.event_type == "case_record")
    assert entry.details["entry"] == "deadline_missed"
    assert entry.held_by == "childrens-social-care"
    assert entry.details["escalated_to"] == ["childrens-social-care:manager"]

    def missed(username):
        reader = engine.authenticate(username, DEMO_PASSWORD).actor()
        timeline = engine.case_timeline(DEMO_CASE, reader)
        return [e.id for e in timeline if (e.details or {}).get("entry") == "deadline_missed"]

    assert missed("cal") == [entry.id]
    assert missed("pat") == []  # adult mental health: involved, but not shared with

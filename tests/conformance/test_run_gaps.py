"""Run-time failures as Camunda 7 has them: a clean error naming the element, nothing saved."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from engine.errors import ProcessError
from engine.models import AuditEvent, HumanTask, ProcessInstance, Timer

from .catalogue import supported
from .support import deploy, resource_of

USER_TASKS = "User tasks"


def saved(scenario, model, *where) -> list:
    """The rows of ``model`` in the database (what a failed step must not have left)."""
    with scenario.engine.db.reading() as session:
        return list(session.scalars(select(model).where(*where)))


def recorded_errors(scenario) -> list[AuditEvent]:
    """The step errors recorded for the process owner."""
    return saved(scenario, AuditEvent, AuditEvent.event_type == "error")


ASSIGNEE_UNSET = supported(
    USER_TASKS,
    "Assignee or candidate expression reading a variable that is not set",
    "run_assignee_unset.bpmn",
    "the error says \"unknown variable 'manager'\" where Camunda says "
    '"Unknown property used in expression"',
)


@ASSIGNEE_UNSET
def test_starting_without_the_assignee_variable_fails_and_saves_nothing(scenario):
    deploy(scenario, ASSIGNEE_UNSET)
    pat = scenario.as_user("pat", "practitioner")
    with pytest.raises(ProcessError, match="unknown variable 'manager'") as failure:
        pat.start("run_assignee_unset", {})
    assert failure.value.element_id == "review_referral" and failure.value.line == 6
    assert saved(scenario, ProcessInstance) == [] and saved(scenario, HumanTask) == []
    [error] = recorded_errors(scenario)
    assert error.element_id == "review_referral" and "manager" in error.details["message"]
    assert error.details["line"] == 6


@ASSIGNEE_UNSET
def test_completing_into_a_task_whose_candidates_cannot_be_evaluated_rolls_back(scenario):
    deploy(scenario, ASSIGNEE_UNSET)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("run_assignee_unset", {"manager": "mo"})
    with pytest.raises(ProcessError, match="unknown variable 'lead_agency'") as failure:
        mo.complete("Review the referral")
    assert failure.value.element_id == "hold_strategy_discussion"
    assert [task.name for task in mo.inbox()] == ["Review the referral"]
    assert [error.element_id for error in recorded_errors(scenario)] == ["hold_strategy_discussion"]


@ASSIGNEE_UNSET
def test_modelers_start_button_answers_camundas_process_engine_exception(app):
    from engine.demo import DEMO_PASSWORD
    from webapp import engine_of

    engine_of(app).deploy([resource_of(ASSIGNEE_UNSET)], deployed_by="owner")
    token = base64.b64encode(f"owner:{DEMO_PASSWORD}".encode()).decode()
    response = app.test_client().post(
        "/engine-rest/process-definition/key/run_assignee_unset/start",
        headers={"Authorization": f"Basic {token}", "accept": "application/json"},
        json={},
    )
    body = response.get_json()
    assert response.status_code == 500 and body["type"] == "ProcessEngineException"
    assert "unknown variable 'manager'" in body["message"]


LOOP_COUNTER_ASSIGNEE = supported(
    "Multi-instance",
    "loopCounter in a multi-instance user task's assignee (duty_${loopCounter})",
    "run_assignee_loop_counter.bpmn",
)


@LOOP_COUNTER_ASSIGNEE
def test_each_instance_is_assigned_by_its_loop_counter(scenario):
    deploy(scenario, LOOP_COUNTER_ASSIGNEE)
    scenario.as_user("pat", "practitioner").start("run_assignee_loop_counter", {})
    for user in ("duty_0", "duty_1"):
        assert [task.assignee for task in scenario.as_user(user).inbox()] == [user]


COLLECTION_NOT_A_LIST = supported(
    "Multi-instance",
    "camunda:collection naming a variable that is not set, or is not a list",
    "run_collection_unset.bpmn",
    "the error names the variable where Camunda says "
    '"Unknown property used in expression" / "is not a Collection"',
)


@COLLECTION_NOT_A_LIST
@pytest.mark.parametrize(
    ("variables", "problem"),
    [
        ({}, "the variable 'reviewers' is not set"),
        ({"reviewers": 3}, "the variable 'reviewers' is int 3, not a list"),
        ({"reviewers": "police"}, "the variable 'reviewers' is str 'police', not a list"),
        ({"reviewers": {"police": 1}}, "is dict"),
    ],
)
def test_a_collection_that_is_not_a_list_fails_the_start_naming_the_activity(
    scenario, variables, problem
):
    deploy(scenario, COLLECTION_NOT_A_LIST)
    pat = scenario.as_user("pat", "practitioner")
    with pytest.raises(ProcessError, match=problem) as failure:
        pat.start("run_collection_unset", variables)
    assert failure.value.element_id == "give_view" and failure.value.line == 6
    assert saved(scenario, ProcessInstance) == []
    assert [error.element_id for error in recorded_errors(scenario)] == ["give_view"]


@COLLECTION_NOT_A_LIST
def test_a_list_collection_runs_one_instance_per_item(scenario):
    deploy(scenario, COLLECTION_NOT_A_LIST)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("run_collection_unset", {"reviewers": ["police", "health"]})
    assert [task.name for task in pat.inbox()] == ["Give a view on the referral"] * 2


NON_BOOLEAN_CONDITION = supported(
    "Gateways",
    "A condition that gives something other than true or false",
    "run_condition_not_boolean.bpmn",
    "the error names the sequence flow and the value; Camunda says "
    '"condition expression returns non-Boolean"',
)


@NON_BOOLEAN_CONDITION
@pytest.mark.parametrize("value", ["mother", 1, None, ["child"]])
def test_a_condition_that_is_not_true_or_false_fails_naming_the_flow(scenario, value):
    deploy(scenario, NON_BOOLEAN_CONDITION)
    pat = scenario.as_user("pat", "practitioner")
    with pytest.raises(ProcessError, match="not true or false") as failure:
        pat.start("run_condition_not_boolean", {"risk_who": value})
    assert failure.value.element_id == "someone_named" and failure.value.line == 7
    assert "sequence flow 'someone_named'" in str(failure.value)
    assert saved(scenario, ProcessInstance) == []
    assert [error.element_id for error in recorded_errors(scenario)] == ["someone_named"]


AND_OR_CONDITION = supported(
    "Gateways",
    "A condition joined by and/or gives true or false, null and empty text read as false (EL)",
    "run_condition_and_or.bpmn",
)


@AND_OR_CONDITION
@pytest.mark.parametrize(
    ("known", "named", "urgent", "task"),
    [
        (None, "mother", True, "Ask the referrer who is at risk"),
        (True, None, "", "Ask the referrer who is at risk"),
        (True, "", "true", "Assess the risk"),
        (True, None, True, "Assess the risk"),
    ],
)
def test_and_or_read_null_and_text_as_el_does(scenario, known, named, urgent, task):
    deploy(scenario, AND_OR_CONDITION)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("run_condition_and_or", {"risk_known": known, "named": named, "urgent": urgent})
    assert [t.name for t in pat.inbox()] == [task]


@NON_BOOLEAN_CONDITION
@pytest.mark.parametrize(
    ("value", "task"), [(True, "Assess the risk"), (False, "Ask the referrer who is at risk")]
)
def test_a_true_or_false_condition_routes_the_referral(scenario, value, task):
    deploy(scenario, NON_BOOLEAN_CONDITION)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("run_condition_not_boolean", {"risk_who": value})
    assert [row.name for row in pat.inbox()] == [task]


RESOURCE_ASSIGNMENT = supported(
    USER_TASKS,
    "BPMN humanPerformer and potentialOwner (user(...), group(...), plain names are groups)",
    "run_potential_owner.bpmn",
)


def inbox_names(person) -> list[str]:
    """The names of the tasks in ``person``'s inbox."""
    return [task.name for task in person.inbox()]


@RESOURCE_ASSIGNMENT
def test_potential_owners_and_the_human_performer_decide_whose_inbox_a_task_reaches(scenario):
    deploy(scenario, RESOURCE_ASSIGNMENT)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pc = scenario.as_user("pc", "police")
    pat.start("run_potential_owner", {"lead_agency": "police", "chair": "cy"})
    assert inbox_names(pat) == [] and inbox_names(mo) == ["Triage the concern"]
    [triage] = mo.inbox()
    assert triage.candidate_groups == ["manager", "lead"] and triage.assignee is None
    mo.complete("Triage the concern")
    [strategy] = pc.inbox()
    assert strategy.candidate_users == ["sam"] and strategy.candidate_groups == ["police"]
    assert inbox_names(scenario.as_user("sam")) == ["Hold the strategy discussion"]
    assert inbox_names(mo) == [] and inbox_names(pat) == []
    pc.complete("Hold the strategy discussion")
    [record] = scenario.as_user("cy").inbox()
    assert record.name == "Record the outcome" and record.assignee == "cy"
    assert inbox_names(pc) == []


@RESOURCE_ASSIGNMENT
def test_a_task_with_potential_owners_is_not_warned_about_as_offered_to_nobody():
    from engine.deploy_checks.deploy_warnings import deploy_warnings

    warnings = deploy_warnings([resource_of(RESOURCE_ASSIGNMENT)])
    assert [w for w in warnings if "reaches nobody's inbox" in w.message] == []


@ASSIGNEE_UNSET
def test_the_api_answers_422_naming_the_task_that_could_not_open(app, api):
    from webapp import engine_of

    engine = engine_of(app)
    engine.deploy([resource_of(ASSIGNEE_UNSET)], deployed_by="owner")
    engine.start("run_assignee_unset", {"manager": "mo"})
    [task] = api("GET", "/api/v1/tasks", "mo").get_json()["tasks"]
    response = api("POST", f"/api/v1/tasks/{task['id']}/complete", "mo", json={"variables": {}})
    error = response.get_json()["error"]
    assert response.status_code == 422 and error["code"] == "process_error"
    assert error["details"]["element_id"] == "hold_strategy_discussion"
    assert "unknown variable 'lead_agency'" in error["message"]
    assert [t["name"] for t in api("GET", "/api/v1/tasks", "mo").get_json()["tasks"]] == [
        "Review the referral"
    ]


PRIORITY_NOT_A_NUMBER = supported(
    USER_TASKS,
    "A priority expression that gives no whole number",
    "run_priority_not_number.bpmn",
    "the error names the task and the value; Camunda says the priority is not an Integer",
)


@PRIORITY_NOT_A_NUMBER
@pytest.mark.parametrize("urgency", ["high", True, [1]])
def test_a_priority_that_is_not_a_whole_number_fails_naming_the_task(scenario, urgency):
    deploy(scenario, PRIORITY_NOT_A_NUMBER)
    pat = scenario.as_user("pat", "practitioner")
    with pytest.raises(ProcessError, match="camunda:priority") as failure:
        pat.start("run_priority_not_number", {"urgency": urgency})
    assert failure.value.element_id == "chase_report" and failure.value.line == 6
    assert saved(scenario, ProcessInstance) == []


@PRIORITY_NOT_A_NUMBER
@pytest.mark.parametrize(("urgency", "priority"), [(80, 80), ("70", 70), (2.5, 2), (None, 50)])
def test_a_whole_number_priority_is_the_tasks_priority(scenario, urgency, priority):
    deploy(scenario, PRIORITY_NOT_A_NUMBER)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("run_priority_not_number", {"urgency": urgency})
    assert [task.priority for task in pat.inbox()] == [priority]


@ASSIGNEE_UNSET
def test_the_task_page_shows_the_practitioner_why_the_task_could_not_be_completed(app, web):
    from webapp import engine_of

    engine = engine_of(app)
    engine.deploy([resource_of(ASSIGNEE_UNSET)], deployed_by="owner")
    engine.start("run_assignee_unset", {"manager": "mo"})
    mo = web("mo")
    task_id = mo.task_id("Review the referral")
    response = mo.post(f"/tasks/{task_id}", data={"action": "complete"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Traceback" not in page
    assert "unknown variable &#39;lead_agency&#39;" in page
    assert mo.task_id("Review the referral") == task_id


TIMER_INTO_UNASSIGNABLE = supported(
    USER_TASKS,
    "A timer leading to a task whose assignee reads a variable that is not set",
    "run_timer_then_unassignable.bpmn",
    "the failed timer is retried with a growing delay and the error recorded naming the task; "
    "Camunda retries the job three times, then raises an incident",
)


@TIMER_INTO_UNASSIGNABLE
def test_a_timer_that_cannot_open_the_next_task_is_recorded_and_kept(scenario, clock):
    deploy(scenario, TIMER_INTO_UNASSIGNABLE)
    scenario.as_user("pat", "practitioner").start("run_timer_then_unassignable", {})
    clock.advance(days=8)
    assert scenario.engine.fire_due_timers() == 0
    [error] = recorded_errors(scenario)
    assert error.element_id == "chase_request" and "caseworker" in error.details["message"]
    [timer] = saved(scenario, Timer)
    assert timer.attempts == 1 and "caseworker" in timer.last_error
    assert saved(scenario, HumanTask) == []


INCLUSIVE_NON_BOOLEAN = supported(
    "Gateways",
    "An inclusive gateway's condition that gives something other than true or false",
    "run_inclusive_condition_not_boolean.bpmn",
    "the error names the sequence flow and the value; Camunda says "
    '"condition expression returns non-Boolean"',
)


@INCLUSIVE_NON_BOOLEAN
def test_an_inclusive_condition_that_is_not_true_or_false_fails_naming_the_flow(scenario):
    deploy(scenario, INCLUSIVE_NON_BOOLEAN)
    pat = scenario.as_user("pat", "practitioner")
    with pytest.raises(ProcessError, match="not true or false") as failure:
        pat.start("run_inclusive_condition_not_boolean", {"police_contact": "DC Jones"})
    assert failure.value.element_id == "police_named" and failure.value.line == 7
    pat.start("run_inclusive_condition_not_boolean", {"police_contact": True})
    assert sorted(inbox_names(pat)) == ["Tell health", "Tell the police"]


COMPLETION_NON_BOOLEAN = supported(
    "Multi-instance",
    "A completionCondition that gives something other than true or false",
    "run_completion_condition_not_boolean.bpmn",
    "the error names the activity and the value; Camunda says "
    '"condition expression returns non-Boolean"',
)


@COMPLETION_NON_BOOLEAN
def test_a_completion_condition_that_is_not_true_or_false_fails_the_completion(scenario):
    deploy(scenario, COMPLETION_NON_BOOLEAN)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("run_completion_condition_not_boolean", {"agencies": ["police", "health"]})
    with pytest.raises(ProcessError, match="not true or false") as failure:
        pat.complete("Return the agency check")
    assert failure.value.element_id == "return_check"
    assert inbox_names(pat) == ["Return the agency check"] * 2


SEQUENTIAL_COLLECTION = supported(
    "Multi-instance",
    "Sequential camunda:collection (a bare variable name) that is not set, or is not a list",
    "run_sequential_collection_unset.bpmn",
    "the error names the variable where Camunda says "
    '"Unknown property used in expression" / "is not a Collection"',
)


@SEQUENTIAL_COLLECTION
@pytest.mark.parametrize("variables", [{}, {"reviewers": "police"}])
def test_a_sequential_collection_that_is_not_a_list_fails_naming_the_activity(scenario, variables):
    deploy(scenario, SEQUENTIAL_COLLECTION)
    pat = scenario.as_user("pat", "practitioner")
    with pytest.raises(ProcessError, match="the variable 'reviewers' is") as failure:
        pat.start("run_sequential_collection_unset", variables)
    assert failure.value.element_id == "give_view" and failure.value.line == 6
    pat.start("run_sequential_collection_unset", {"reviewers": ["police", "health"]})
    assert inbox_names(pat) == ["Give a view on the referral"]

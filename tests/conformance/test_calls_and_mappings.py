"""Call-activity mappings, input/output parameters, listeners and connectors, and lanes, as
Camunda 7 runs them (or refused at deploy)."""

from __future__ import annotations

from engine.deploy_checks.assignment_warnings import UNOFFERED, assignment_warnings

from .catalogue import refused, supported
from .support import deploy, resource_of

CALLS = "Call activities"


def shown(engine, person, task_name: str) -> dict:
    """What the task's form shows (its read-only fields show the variables it sees)."""
    return engine.task_view(person.task(task_name).id, person.actor).values


MAPPED = supported(
    CALLS,
    "camunda:in / camunda:out with source or sourceExpression and target",
    "call_mapped_variables.bpmn",
)


@MAPPED
def test_only_mapped_variables_pass_into_the_called_process_and_back(scenario, engine):
    deploy(scenario, MAPPED)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("call_mapped_referral", {"child_name": "Amy", "referrer": "pat"})
    assert shown(engine, mo, "Record the strategy discussion") == {
        "subject": "Amy",
        "convened_by": "pat",
    }
    mo.complete("Record the strategy discussion", outcome="section 47")
    assert shown(engine, pat, "Act on the discussion's outcome") == {
        "discussion_outcome": "section 47"
    }


@MAPPED
def test_an_out_mapping_may_compute_its_value_from_the_called_process(scenario, engine):
    deploy(scenario, MAPPED)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    started = pat.start("call_mapped_referral", {"child_name": "Amy", "referrer": "pat"})
    mo.complete("Record the strategy discussion", outcome="section 47")
    pat.complete("Act on the discussion's outcome")
    variables = engine.instance_variables(started.id)
    assert variables["enquiry_needed"] is True
    assert variables["child_name"] == "Amy"
    assert "convened_by" not in variables


ALL = supported(
    CALLS,
    'camunda:in / camunda:out variables="all"',
    "call_all_variables.bpmn",
)


@ALL
def test_all_variables_pass_both_ways_when_the_mappings_say_all(scenario, engine):
    deploy(scenario, ALL)
    pat = scenario.as_user("pat", "practitioner")
    hv = scenario.as_user("hv", "health-visiting:practitioner")
    pat.start("call_all_referral", {"child_name": "Amy"})
    assert shown(engine, hv, "Give the health visitor's view") == {"child_name": "Amy"}
    hv.complete("Give the health visitor's view", health_view="Thriving")
    assert shown(engine, pat, "Review the health visitor's view") == {
        "child_name": "Amy",
        "health_view": "Thriving",
    }


NO_MAPPINGS = supported(
    CALLS,
    "Call activity without mappings (nothing passes)",
    "call_no_mappings.bpmn",
)


@NO_MAPPINGS
def test_without_mappings_nothing_passes_either_way(scenario, engine):
    deploy(scenario, NO_MAPPINGS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("call_none_referral", {"child_name": "Amy"})
    assert shown(engine, pat, "Choose the visit date") == {}
    pat.complete("Choose the visit date", visit_date="2026-12-01")
    assert shown(engine, pat, "Write up the visit") == {"child_name": "Amy"}


LOCAL = supported(
    CALLS,
    'camunda:in / camunda:out variables="all" local="true"',
    "call_local_variables.bpmn",
)


@LOCAL
def test_local_mappings_pass_only_the_call_activitys_own_variables(scenario, engine):
    deploy(scenario, LOCAL)
    pat = scenario.as_user("pat", "practitioner")
    teacher = scenario.as_user("tess", "education:practitioner")
    pat.start("call_local_referral", {"child_name": "Amy"})
    assert shown(engine, teacher, "Reply to the question") == {
        "question": "How often has Amy missed school this term?"
    }
    teacher.complete("Reply to the question", answer="Twice")
    assert shown(engine, pat, "Consider the school's answer") == {"school_answer": "Twice"}


BUSINESS_KEY = supported(
    CALLS,
    "camunda:in businessKey (the business key passes to the called process)",
    "call_business_key.bpmn",
    "A called process runs inside its caller's instance, so it always has the caller's "
    "business key, mapped or not; a businessKey giving it another key is refused.",
)


@BUSINESS_KEY
def test_the_called_process_has_the_callers_business_key(scenario):
    deploy(scenario, BUSINESS_KEY)
    pat = scenario.as_user("pat", "practitioner")
    chair = scenario.as_user("cc", "conference-chair")
    started = pat.start("call_key_referral", business_key="REF-2041")
    task = chair.task("Chair the conference")
    assert task.instance_id == started.id
    assert task.business_key == "REF-2041"


LATEST = supported(
    CALLS,
    "calledElement with the default binding (latest)",
    "call_latest_version.bpmn",
    "The called process's version is fixed when the caller's instance starts (Camunda: the "
    "latest when the call activity starts); other bindings are refused.",
)


@LATEST
def test_the_called_process_is_the_latest_deployed_when_the_caller_started(scenario):
    deploy(scenario, LATEST)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("call_latest_referral")
    renamed = LATEST.text.replace('name="Assess the family" camunda', 'name="Assess (v2)" camunda')
    scenario.deploy(LATEST.diagram, renamed)
    pat.complete("Screen the referral")
    assert [t.name for t in pat.inbox()] == ["Assess the family"]
    pat.start("call_latest_referral")
    pat.complete("Screen the referral")
    assert sorted(t.name for t in pat.inbox()) == ["Assess (v2)", "Assess the family"]


refused(
    CALLS,
    "calledElement as an expression",
    "call_called_element_expression.bpmn",
    "calledElement '${assessment_process}' is an expression",
)
refused(
    CALLS,
    "camunda:calledElementBinding other than latest (version, versionTag, deployment)",
    "call_version_binding.bpmn",
    "camunda:calledElementBinding='version' is not supported here",
)
refused(
    CALLS,
    "camunda:variableMappingClass (Java variable mapping)",
    "call_variable_mapping_class.bpmn",
    "camunda:variableMappingClass needs Java, which cannot run here",
)
refused(
    CALLS,
    "Call activity calling a CMMN case (camunda:caseRef)",
    "call_cmmn_case.bpmn",
    "the call activity must name a process in calledElement",
)
refused(
    CALLS,
    "camunda:in businessKey with a key other than the caller's",
    "call_other_business_key.bpmn",
    "camunda:in businessKey='${conference_reference}' cannot give the called process a "
    "business key of its own",
)
refused(
    CALLS,
    "camunda:in or camunda:out without a target",
    "call_mapping_without_target.bpmn",
    "camunda:in needs a source (or sourceExpression) and a target",
)


LANES = "Lanes"
PLAIN_LANES = supported(
    LANES,
    "Lanes (a drawing only: a lane's name gives no candidate group)",
    "lane_no_meaning.bpmn",
    "A user task with no assignee or candidates is in nobody's inbox and no one can claim it "
    "(Camunda's Tasklist shows it to administrators); `joinedup validate` warns about it.",
)


@PLAIN_LANES
def test_a_lane_gives_its_tasks_no_candidate_group(scenario, engine):
    deploy(scenario, PLAIN_LANES)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("lane_plain_visit")
    mo.complete("Plan the home visit")
    assert pat.inbox() == [] and mo.inbox() == []
    warnings = assignment_warnings(resource_of(PLAIN_LANES).tree, PLAIN_LANES.diagram)
    assert [(w.element_id, w.message) for w in warnings] == [("visit_family", UNOFFERED)]


LANE_GROUPS = supported(
    LANES,
    "Lanes as candidate groups (opt-in: process property lanes_are_groups = true)",
    "lane_groups_opt_in.bpmn",
    "Camunda gives lanes no meaning; JoinedUp offers a task without candidate groups to the "
    "group its lane names only when the process opts in, and warns at validate when a lane "
    "names no group anyone can hold.",
)


@LANE_GROUPS
def test_with_the_opt_in_a_lane_names_its_tasks_candidate_group(scenario):
    deploy(scenario, LANE_GROUPS)
    duty = scenario.as_user("dee", "mash")
    duty.start("lane_groups_referral")
    assert [t.name for t in duty.inbox()] == ["Screen the referral"]
    warnings = assignment_warnings(resource_of(LANE_GROUPS).tree, LANE_GROUPS.diagram)
    assert [w.element_id for w in warnings] == ["family_support_lane"]
    assert "the lane 'Family support' names no group anyone can hold" in warnings[0].message


MAPPINGS = "Input/output mappings"
INPUTS = supported(
    MAPPINGS,
    "Input parameters (text or ${...}) are local variables of a user task",
    "io_input_parameters.bpmn",
)


@INPUTS
def test_input_parameters_are_seen_by_the_task_and_gone_after_it(scenario, engine):
    deploy(scenario, INPUTS)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("io_inputs_chase", {"child_name": "Amy", "note": "Referral received"})
    assert shown(engine, pat, "Chase the school") == {
        "chase_reason": "No reply after 5 days",
        "subject": "Amy",
        "note": "Chase about Amy sent",
    }
    pat.complete("Chase the school")
    assert shown(engine, pat, "Record the school's reply") == {"note": "Referral received"}


OUTPUTS = supported(
    MAPPINGS,
    "Output parameters set process variables when the activity completes",
    "io_output_parameters.bpmn",
)


@OUTPUTS
def test_output_parameters_are_evaluated_with_the_tasks_locals_on_completion(scenario, engine):
    deploy(scenario, OUTPUTS)
    mo = scenario.as_user("mo", "manager")
    started = mo.start("io_outputs_discussion")
    mo.complete("Record the strategy discussion", outcome="section 47")
    variables = engine.instance_variables(started.id)
    assert variables["enquiry_needed"] is True
    assert variables["summary"] == "The strategy discussion decided: section 47"
    assert variables["follow_up"] is None
    assert variables["outcome"] == "section 47"  # a form's variables are the process's
    assert "meeting" not in variables


COLLECTIONS = supported(
    MAPPINGS,
    "camunda:list and camunda:map parameter values (nested)",
    "io_list_and_map.bpmn",
)


@COLLECTIONS
def test_list_and_map_parameters_build_lists_and_maps(scenario, engine):
    deploy(scenario, COLLECTIONS)
    pat = scenario.as_user("pat", "practitioner")
    variables = {"lead_agency": "education", "school_contact": "Designated safeguarding lead"}
    started = pat.start("io_collections_invite", variables)
    found = engine.instance_variables(started.id)
    assert found["strategy_invitees"] == ["police", "health-visiting", "education"]
    assert found["contact_book"] == {
        "police": "Public protection desk",
        "school": "Designated safeguarding lead",
        "rota": ["Monday", "Thursday"],
    }
    assert "invitees" not in found and "contacts" not in found


SUBPROCESS = supported(
    MAPPINGS,
    "Input/output parameters on an embedded subprocess",
    "io_subprocess_parameters.bpmn",
)


@SUBPROCESS
def test_a_subprocesss_input_parameters_are_seen_inside_it_only(scenario, engine):
    deploy(scenario, SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    started = pat.start("io_subprocess_visits", {"child_name": "Amy"})
    assert shown(engine, pat, "Visit the family") == {"visit_purpose": "See Amy at home"}
    pat.complete("Visit the family", visit_count=3)
    assert shown(engine, mo, "Review the visits") == {}
    assert engine.instance_variables(started.id)["visits_done"] == 3


@SUBPROCESS
def test_a_subprocesss_locals_are_gone_on_the_path_that_interrupts_it(scenario, engine, clock):
    deploy(scenario, SUBPROCESS)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("io_subprocess_visits", {"child_name": "Amy", "visit_purpose": "Assessment"})
    clock.advance(days=8)
    engine.fire_due_timers()
    assert [t.name for t in pat.inbox()] == []
    assert shown(engine, mo, "Chase the missed visits") == {"visit_purpose": "Assessment"}


refused(
    MAPPINGS,
    "camunda:script as a parameter value",
    "io_script_parameter.bpmn",
    "a camunda:script value in an input/output parameter cannot run here",
)
refused(
    MAPPINGS,
    "camunda:inputOutput on an event",
    "io_on_end_event.bpmn",
    "camunda:inputOutput on endEvent elements is not supported here",
)

LISTENERS = "Listeners and connectors"
refused(
    LISTENERS,
    "Execution listener with camunda:class",
    "io_execution_listener_class.bpmn",
    "camunda:executionListener (an execution listener) cannot run here",
)
refused(
    LISTENERS,
    "Execution listener with camunda:expression",
    "io_execution_listener_expression.bpmn",
    "camunda:executionListener (an execution listener) cannot run here",
)
refused(
    LISTENERS,
    "Task listener with camunda:delegateExpression",
    "io_task_listener_delegate.bpmn",
    "camunda:taskListener (a task listener) cannot run here",
)
refused(
    LISTENERS,
    "Task listener with camunda:script",
    "io_task_listener_script.bpmn",
    "camunda:taskListener (a task listener) cannot run here",
)
refused(
    LISTENERS,
    "camunda:connector (http-connector)",
    "io_http_connector.bpmn",
    "camunda:connector (HTTP/SOAP connectors) cannot run here",
)

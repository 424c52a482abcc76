"""DMN decisions and business rule tasks as Camunda 7 runs them.

Each decision diagram is deployed with a small process whose business rule task calls it
(``dmn_decide_referral.bpmn`` keeps the result list in ``outcome``); a practitioner starts the
process and the test reads what the decision left in the process variables.
"""

from __future__ import annotations

from datetime import date

import pytest

from engine.errors import ProcessError
from engine.resources import read_resource

from .catalogue import DIAGRAMS, refused, supported

DECISIONS, TASKS = "DMN decisions", "Business rule tasks"
FEEL_DIFFERENCE = (
    "input entries are FEEL simple unary tests; full FEEL in an entry (functions, ?, "
    "arithmetic) is refused at deploy"
)
RANGES = supported(
    DECISIONS,
    "FEEL unary tests: comparisons and ranges ([1..17], ]1000..5000], < 1, >= 18)",
    "dmn_feel_comparisons_ranges.dmn",
    FEEL_DIFFERENCE,
)
LISTS = supported(
    DECISIONS,
    'FEEL unary tests: lists ("school","nursery") and not(...)',
    "dmn_feel_lists_negation.dmn",
)
DATES = supported(
    DECISIONS,
    'FEEL unary tests on dates (date("2026-04-01"), date and time(...))',
    "dmn_feel_dates.dmn",
    "a date input given as ISO text (as form and REST variables carry it) is read as a date",
)
UNIQUE = supported(DECISIONS, "Hit policy UNIQUE", "dmn_hit_unique.dmn")
FIRST = supported(DECISIONS, "Hit policy FIRST", "dmn_hit_first.dmn")
ANY = supported(DECISIONS, "Hit policy ANY", "dmn_hit_any.dmn")
RULE_ORDER = supported(DECISIONS, "Hit policy RULE ORDER", "dmn_hit_rule_order.dmn")
COLLECT = supported(DECISIONS, "Hit policy COLLECT", "dmn_hit_collect.dmn")
COLLECT_SUM = supported(
    DECISIONS, "Hit policy COLLECT with SUM (MIN and MAX alike)", "dmn_hit_collect_sum.dmn"
)
COLLECT_COUNT = supported(DECISIONS, "Hit policy COLLECT with COUNT", "dmn_hit_collect_count.dmn")
GRAPH = supported(
    DECISIONS,
    "Decision requirements graph (a decision requiring another in the same file)",
    "dmn_requirements_graph.dmn",
)
LITERAL = supported(
    DECISIONS,
    "Literal expression decision",
    "dmn_literal_expression.dmn",
    "the expression is evaluated in JoinedUp's expression language (JUEL and simple FEEL "
    "arithmetic and comparisons); FEEL-only syntax such as if/then/else is refused at deploy",
)
NO_IDS = supported(
    DECISIONS, "Decision tables whose rules and entries have no id", "dmn_without_ids.dmn"
)
TYPED = supported(
    DECISIONS,
    "typeRef on inputs, outputs and literal expression variables (string, boolean, integer, "
    "long, double, date)",
    "dmn_typed_values.dmn",
    "the date type also accepts a date alone (2026-04-01), as midnight",
)
MAPPINGS = supported(
    TASKS,
    "camunda:resultVariable with mapDecisionResult singleEntry, singleResult, collectEntries "
    "or resultList (the default); no result variable stores nothing",
    "dmn_referral_routing.dmn",
    "the decision version is the latest when the instance starts, not when the task runs",
)

refused(
    DECISIONS,
    "Hit policy PRIORITY",
    "dmn_refused_priority.dmn",
    "hit policy PRIORITY is not supported by Camunda 7",
)
refused(
    DECISIONS,
    "Hit policy OUTPUT ORDER",
    "dmn_refused_output_order.dmn",
    "hit policy OUTPUT ORDER is not supported by Camunda 7",
)
refused(
    DECISIONS,
    "Input entry in full FEEL (functions, ?)",
    "dmn_refused_feel_function.dmn",
    "is not a FEEL simple unary test",
)
refused(
    DECISIONS,
    "Input entry in JUEL (expressionLanguage on the entry)",
    "dmn_refused_juel_entry.dmn",
    "expression language 'juel' is not supported",
)
refused(
    DECISIONS,
    "Expression in a script language (expressionLanguage javascript, groovy, python)",
    "dmn_refused_script_language.dmn",
    "expression language 'javascript' is not supported",
)
refused(
    DECISIONS,
    "Required decision in another DMN file",
    "dmn_refused_required_elsewhere.dmn",
    "a decision requirements graph must be drawn in one DMN file",
)
refused(
    TASKS,
    "camunda:decisionRef as an expression",
    "dmn_refused_decision_ref_expression.bpmn",
    "camunda:decisionRef must be a decision id, not an expression",
)
refused(
    TASKS,
    "camunda:decisionRefBinding version or deployment",
    "dmn_refused_decision_ref_binding.bpmn",
    "camunda:decisionRefBinding 'version' is not supported",
)
refused(
    TASKS,
    "Business rule task with camunda:class (Java)",
    "dmn_refused_java_rules.bpmn",
    "camunda:class (Java delegates, external tasks) cannot run here",
)
refused(
    TASKS,
    "Unknown camunda:mapDecisionResult",
    "dmn_refused_unknown_mapping.bpmn",
    "camunda:mapDecisionResult 'firstResult' is not one of",
)


def deploy_with_process(scenario, construct, process="dmn_decide_referral.bpmn"):
    """Deploy the decision diagram with the process that calls it."""
    files = [construct.diagram, process]
    resources = [read_resource(name, (DIAGRAMS / name).read_text()) for name in files]
    scenario.engine.deploy(resources, deployed_by="owner")
    return scenario.as_user("pat", "practitioner")


def decided(scenario, pat, variables, process="dmn_decide_referral"):
    """Start the process with ``variables``; the variables once the decision has run."""
    ref = pat.start(process, variables)
    assert [task.name for task in pat.inbox()][-1:] == ["Act on the decision"]
    return scenario.engine.instance_variables(ref.id)


def outcome(scenario, pat, **variables):
    """The result list the decision gave (``camunda:resultVariable="outcome"``)."""
    return decided(scenario, pat, variables)["outcome"]


@RANGES
def test_ranges_include_square_ends_and_exclude_outward_ones(scenario):
    pat = deploy_with_process(scenario, RANGES)
    team = lambda age, score: outcome(scenario, pat, child_age=age, risk_score=score)  # noqa: E731
    assert team(0, 900) == [{"team": "health visiting"}]
    assert team(1, 249) == [{"team": "early help"}]
    assert team(17, 250) == team(9, 1000) == [{"team": "MASH"}]
    assert team(9, 1001) == team(9, 5000) == [{"team": "MASH with police"}]
    assert team(18, 0) == [{"team": "adult social care"}]
    assert team(9, 5001) == []  # no rule matches: an empty result list


@LISTS
def test_a_list_matches_any_of_its_values_and_not_matches_none_of_them(scenario):
    pat = deploy_with_process(scenario, LISTS)
    team = lambda referrer: outcome(scenario, pat, referrer=referrer)[0]["team"]  # noqa: E731
    assert team("nursery") == "education safeguarding lead"
    assert team("police") == "police liaison"
    assert team("GP") == "MASH duty worker"


@DATES
def test_dates_compare_as_dates(scenario):
    pat = deploy_with_process(scenario, DATES)
    annual_return = lambda received: outcome(scenario, pat, received_on=received)  # noqa: E731
    assert annual_return("2026-03-31") == [{"annual_return": "2025 to 2026"}]
    assert annual_return(date(2026, 4, 1)) == [{"annual_return": "2026 to 2027"}]
    assert annual_return("2027-03-31") == [{"annual_return": "2026 to 2027"}]
    assert annual_return("2027-04-01") == [{"annual_return": "2027 onwards"}]


@UNIQUE
def test_unique_fails_the_step_when_two_rules_match(scenario):
    pat = deploy_with_process(scenario, UNIQUE)
    assert outcome(scenario, pat, concern="physical abuse") == [
        {"next_step": "strategy discussion"}
    ]
    with pytest.raises(ProcessError, match="UNIQUE.*rules 1, 2 all match"):
        pat.start("dmn_decide_referral", {"concern": "neglect"})


@FIRST
def test_first_takes_the_first_matching_rule_in_table_order(scenario):
    pat = deploy_with_process(scenario, FIRST)
    assert outcome(scenario, pat, concern="neglect") == [{"next_step": "children's social care"}]


@ANY
def test_any_accepts_matching_rules_that_agree_and_fails_when_they_differ(scenario):
    pat = deploy_with_process(scenario, ANY)
    assert outcome(scenario, pat, concern="neglect") == [{"next_step": "children's social care"}]
    with pytest.raises(ProcessError, match="ANY.*different outputs"):
        pat.start("dmn_decide_referral", {"concern": "physical abuse"})


@RULE_ORDER
def test_rule_order_gives_every_matching_rule_in_table_order(scenario):
    pat = deploy_with_process(scenario, RULE_ORDER)
    assert outcome(scenario, pat, concern="domestic abuse", child_age=3) == [
        {"agency": "children's social care"},
        {"agency": "police"},
        {"agency": "health visiting"},
    ]


@COLLECT
def test_collect_gives_every_matching_rule(scenario):
    pat = deploy_with_process(scenario, COLLECT)
    assert outcome(scenario, pat, concern="neglect", child_age=3) == [
        {"agency": "children's social care"},
        {"agency": "health visiting"},
    ]


FACTORS = {"previous_referrals": 4, "domestic_abuse": True, "child_age": 1}
NO_FACTORS = {"previous_referrals": 0, "domestic_abuse": False, "child_age": 9}


@COLLECT_SUM
def test_collect_sum_adds_the_outputs_of_the_matching_rules(scenario):
    pat = deploy_with_process(scenario, COLLECT_SUM)
    assert outcome(scenario, pat, **FACTORS) == [{"risk_score": 90}]
    assert outcome(scenario, pat, **{**FACTORS, "child_age": 9}) == [{"risk_score": 70}]
    assert outcome(scenario, pat, **NO_FACTORS) == []


@COLLECT_COUNT
def test_collect_count_counts_the_matching_rules(scenario):
    pat = deploy_with_process(scenario, COLLECT_COUNT)
    assert outcome(scenario, pat, **FACTORS) == [{"risk_factors": 3}]
    assert outcome(scenario, pat, **NO_FACTORS) == [{"risk_factors": 0}]


@GRAPH
def test_a_required_decision_is_evaluated_first_and_its_output_is_an_input(scenario):
    pat = deploy_with_process(scenario, GRAPH)
    assert outcome(scenario, pat, risk_score=400) == [
        {"next_step": "strategy discussion within 1 working day"}
    ]
    assert outcome(scenario, pat, risk_score=10) == [{"next_step": "early help assessment"}]


@LITERAL
def test_a_literal_expression_gives_its_variable(scenario):
    pat = deploy_with_process(scenario, LITERAL)
    assert outcome(scenario, pat, previous_referrals=2) == [{"referral_number": 3}]


@NO_IDS
def test_a_table_without_ids_on_rules_and_entries_runs(scenario):
    pat = deploy_with_process(scenario, NO_IDS)
    assert outcome(scenario, pat, child_age=12) == [{"team": "MASH"}]


@TYPED
def test_values_are_converted_to_their_typeref_or_fail_the_step(scenario):
    pat = deploy_with_process(scenario, TYPED)
    form = {"child_age": "3", "received_on": "2026-05-01T09:30:00"}  # as a form sends them
    assert outcome(scenario, pat, **form) == [{"priority": "1"}]
    assert outcome(scenario, pat, **{**form, "received_on": "2026-03-31"}) == [{"priority": "2"}]
    with pytest.raises(
        ProcessError, match="input 1 \\(child_age\\): 'three' is not of type integer"
    ):
        pat.start("dmn_decide_referral", {**form, "child_age": "three"})


@MAPPINGS
def test_each_mapping_stores_the_result_as_camunda_does(scenario):
    pat = deploy_with_process(scenario, MAPPINGS, "dmn_map_results.bpmn")
    variables = decided(scenario, pat, {"concern": "neglect", "child_age": 9}, "dmn_map_results")
    assert variables["lead_agency"] == "children's social care"  # singleEntry
    assert variables["route"] == {"team": "MASH", "within_hours": 24}  # singleResult
    assert variables["agencies"] == ["children's social care"]  # collectEntries
    assert variables["all_results"] == [{"agency": "children's social care"}]  # resultList
    assert "agency" not in variables and "team" not in variables  # nothing merged in


@MAPPINGS
def test_no_matching_rule_maps_to_null(scenario):
    pat = deploy_with_process(scenario, MAPPINGS, "dmn_map_results.bpmn")
    variables = decided(
        scenario, pat, {"concern": "sexual abuse", "child_age": 9}, "dmn_map_results"
    )
    assert variables["lead_agency"] is None and variables["route"] is None
    assert variables["agencies"] == ["children's social care"]


@MAPPINGS
def test_a_single_result_map_is_read_by_output_name_in_a_condition(scenario):
    pat = deploy_with_process(scenario, MAPPINGS, "dmn_route_by_result.bpmn")
    pat.start("dmn_route_by_result", {"concern": "neglect", "child_age": 9})  # MASH, 24 hours
    pat.start("dmn_route_by_result", {"concern": "bullying", "child_age": 9})  # no rule: null
    assert sorted(task.name for task in pat.inbox()) == ["Plan the visit", "Visit within 24 hours"]


@MAPPINGS
def test_single_result_fails_the_step_when_several_rules_match(scenario):
    pat = deploy_with_process(scenario, MAPPINGS, "dmn_map_results.bpmn")
    with pytest.raises(ProcessError, match="singleResult expects at most one matching rule"):
        pat.start("dmn_map_results", {"concern": "domestic abuse", "child_age": 3})

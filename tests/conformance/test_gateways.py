"""Gateways as Camunda 7 runs them."""

from __future__ import annotations

from .catalogue import supported
from .support import deploy

AREA = "Gateways"


EXCLUSIVE = supported(
    AREA, "Exclusive gateway with JUEL conditions and a default flow", "exclusive_gateway_juel.bpmn"
)


@EXCLUSIVE
def test_the_first_true_condition_is_taken_else_the_default_flow(scenario):
    deploy(scenario, EXCLUSIVE)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("exclusive_gateway", {"risk": 3, "withdrawn": False})
    pat.start("exclusive_gateway", {"risk": 3, "withdrawn": True})
    assert sorted(t.name for t in pat.inbox()) == ["Act today", "Plan the work"]


INCLUSIVE = supported(
    AREA,
    "Inclusive gateway: conditional, unconditional and default flows; converging join",
    "sub_inclusive_gateway.bpmn",
)


def names(person) -> list[str]:
    """The names of the tasks in ``person``'s inbox, sorted."""
    return sorted(task.name for task in person.inbox())


@INCLUSIVE
def test_an_inclusive_gateway_takes_every_true_flow_and_every_flow_without_a_condition(scenario):
    deploy(scenario, INCLUSIVE)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("agency_checks", {"school_age": True, "has_gp": False, "interpreter": False})
    assert names(pat) == ["Ask the school", "Check police records"]


@INCLUSIVE
def test_the_converging_inclusive_gateway_waits_for_every_token_that_can_reach_it(scenario):
    deploy(scenario, INCLUSIVE)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("agency_checks", {"school_age": True, "has_gp": True, "interpreter": True})
    pat.complete("Ask the school")
    pat.complete("Check police records")
    assert names(pat) == ["Ask the GP"]
    pat.complete("Ask the GP")
    assert names(pat) == ["Book an interpreter"]


@INCLUSIVE
def test_the_default_flow_is_taken_only_when_no_condition_is_true(scenario):
    deploy(scenario, INCLUSIVE)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("agency_checks", {"school_age": False, "has_gp": False, "interpreter": False})
    pat.complete("Check police records")
    assert names(pat) == ["Send the invitations"]
    pat.complete("Send the invitations")
    assert names(pat) == ["Hold the strategy discussion"]


INCLUSIVE_TOKENS = supported(
    AREA,
    "Inclusive gateway passed by several independent tokens",
    "sub_inclusive_gateway_tokens.bpmn",
)


@INCLUSIVE_TOKENS
def test_a_second_token_through_an_inclusive_gateway_leaves_the_first_tokens_tasks(scenario):
    deploy(scenario, INCLUSIVE_TOKENS)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("incident_log", business_key="LOG-1")
    scenario.engine.correlate_message(
        "incident", business_key="LOG-1", variables={"family_aware": False}
    )
    mo.complete("Tell the family")
    scenario.engine.correlate_message(
        "incident", business_key="LOG-1", variables={"family_aware": True}
    )
    assert names(mo) == ["Tell the school", "Tell the school"]
    pat.complete("Keep the incident log")
    mo.complete("Tell the school")
    assert mo.complete("Tell the school").status == "completed"

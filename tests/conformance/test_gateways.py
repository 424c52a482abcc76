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

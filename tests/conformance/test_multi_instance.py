"""Multi-instance activities as Camunda 7 runs them: loop variables and completion conditions."""

from __future__ import annotations

import pytest

from engine.errors import ProcessError

from .catalogue import supported
from .support import deploy

AREA = "Multi-instance"


def names(person) -> list[str]:
    """The names of the tasks in ``person``'s inbox, sorted."""
    return sorted(task.name for task in person.inbox())


PARALLEL_COMPLETION = supported(
    AREA,
    "Parallel multi-instance with a completionCondition over nrOfCompletedInstances",
    "sub_multi_instance_completion.bpmn",
)


@PARALLEL_COMPLETION
def test_the_remaining_instances_are_cancelled_when_the_completion_condition_holds(scenario):
    deploy(scenario, PARALLEL_COMPLETION)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    started = pat.start("panel_decision", {"members": ["police", "health", "school"]})
    assert names(pat) == ["Give the panel's view"] * 3
    assert sorted(task.priority for task in pat.inbox()) == [30, 31, 32]
    pat.complete("Give the panel's view", view="agree")
    assert names(pat) == ["Give the panel's view"] * 2
    pat.complete("Give the panel's view", view="agree")
    assert names(pat) == []
    assert names(mo) == ["Record the panel's decision"]
    variables = scenario.engine.instance_variables(started.id)
    assert not {"nrOfInstances", "nrOfCompletedInstances", "loopCounter"} & set(variables)


SEQUENTIAL_CARDINALITY = supported(
    AREA,
    "Sequential multi-instance with loopCardinality and a completionCondition",
    "sub_multi_instance_sequential_cardinality.bpmn",
)


@SEQUENTIAL_CARDINALITY
def test_a_sequential_loop_runs_one_instance_at_a_time_until_its_condition_holds(scenario):
    deploy(scenario, SEQUENTIAL_CARDINALITY)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("contact_attempts", {"attempts": 3, "reached": False})
    assert names(pat) == ["Try to contact the family"]
    pat.complete("Try to contact the family", reached=False)
    assert names(pat) == ["Try to contact the family"]
    pat.complete("Try to contact the family", reached=True)
    assert names(pat) == ["Decide the next steps"]


@SEQUENTIAL_CARDINALITY
def test_a_sequential_loop_stops_after_its_cardinality(scenario):
    deploy(scenario, SEQUENTIAL_CARDINALITY)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("contact_attempts", {"attempts": 2, "reached": False})
    pat.complete("Try to contact the family")
    pat.complete("Try to contact the family")
    assert names(pat) == ["Decide the next steps"]


PARALLEL_CARDINALITY = supported(
    AREA,
    "Parallel multi-instance with loopCardinality",
    "sub_multi_instance_parallel_cardinality.bpmn",
)


@PARALLEL_CARDINALITY
def test_loop_cardinality_creates_that_many_instances_each_with_its_loop_counter(scenario):
    deploy(scenario, PARALLEL_CARDINALITY)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("sibling_visits", {"siblings": 3})
    assert sorted(task.priority for task in pat.inbox()) == [0, 1, 2]
    for _ in range(3):
        pat.complete("Visit a sibling")
    assert names(pat) == ["Write up the visits"]


@PARALLEL_CARDINALITY
def test_loop_cardinality_that_is_not_a_number_stops_with_a_clear_error(scenario):
    deploy(scenario, PARALLEL_CARDINALITY)
    pat = scenario.as_user("pat", "practitioner")
    with pytest.raises(ProcessError, match="loopCardinality"):
        pat.start("sibling_visits", {"siblings": ["Amy", "Ben"]})
    pat.start("sibling_visits", {"siblings": 2})
    assert names(pat) == ["Visit a sibling", "Visit a sibling"]

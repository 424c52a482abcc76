"""Process and element attributes from the Modeler's properties panel that Camunda 7 acts on,
and artefacts with no runtime meaning: each accepted with what differs, or refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.errors import NotFound

from .catalogue import supported
from .support import deploy
from .test_palette import COLLABORATION, names, status

ATTRIBUTES = "Process attributes"

ASYNC = supported(
    ATTRIBUTES,
    "Asynchronous continuations (camunda:asyncBefore, asyncAfter, exclusive)",
    "pal_async_continuations.bpmn",
    "No job executor: the next steps run at once, in the transaction of the step that reached "
    "them (a failure rolls that step back); what people see is the same",
)
PRIORITIES = supported(
    ATTRIBUTES,
    "Job and task priorities (camunda:jobPriority, taskPriority)",
    "pal_job_priority.bpmn",
    "Steps run at once and due timers fire in due order, so priorities change nothing",
)
VERSION_TAG = supported(
    ATTRIBUTES,
    "camunda:versionTag",
    "pal_version_tag.bpmn",
    "Kept in the deployed diagram; versions are told apart by number (not shown on the "
    "processes page; /engine-rest answers versionTag null)",
)
HISTORY_TTL = supported(
    ATTRIBUTES,
    "camunda:historyTimeToLive",
    "pal_history_time_to_live.bpmn",
    "Whole days or P<n>D, as Camunda 7; an ended instance is purged at end time + time to live "
    "by the nightly job. An instance on a case is part of the case's record: kept while the "
    "case is and purged with it by the case type's rule (Camunda knows no cases). Without one: the partnership's "
    "JOINEDUP_HISTORY_TTL_DAYS, or kept for ever when that is unset (Camunda 7.20+ refuses "
    "a process without one unless enforcement is switched off)",
)
NOT_IN_TASKLIST = supported(
    ATTRIBUTES,
    'camunda:isStartableInTasklist="false"',
    "pal_not_startable_in_tasklist.bpmn",
    "Not offered on case pages or in the API's start list, and its candidate starter groups "
    "cannot start it on a case; its process owners (Modeler, /engine-rest) and other processes "
    "can",
)
ARTEFACTS = supported(
    COLLABORATION,
    "Text annotations, groups, documentation, data objects and data stores (no associations)",
    "pal_artefacts.bpmn",
)


@ASYNC
def test_asynchronous_continuations_run_the_process_as_without_them(scenario):
    deploy(scenario, ASYNC)
    pat = scenario.as_user("pat", "practitioner")
    started = pat.start("pal_async_continuations")
    assert names(pat) == ["Screen the referral"]
    assert scenario.engine.instance_variables(started.id)["risk"] == 2
    pat.complete("Screen the referral")
    assert status(scenario.engine, started.id) == "completed"


@PRIORITIES
def test_a_prioritised_timer_fires_when_due(scenario, clock):
    deploy(scenario, PRIORITIES)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("pal_job_priority")
    assert names(pat) == []
    clock.advance(days=2)
    scenario.engine.fire_due_timers()
    assert names(pat) == ["Chase the school"]


@VERSION_TAG
def test_a_tagged_process_deploys_and_runs(scenario):
    deploy(scenario, VERSION_TAG)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("pal_version_tag")
    assert names(pat) == ["Screen the referral"]


@HISTORY_TTL
def test_an_ended_instance_is_removed_at_end_time_plus_its_time_to_live(scenario):
    deploy(scenario, HISTORY_TTL)
    engine, pat = scenario.engine, scenario.as_user("pat", "practitioner")
    started = pat.start("pal_history_time_to_live")
    assert names(pat) == ["Screen the referral"]
    pat.complete("Screen the referral")
    ended = engine.instance_detail(started.id, pat.actor)["instance"].ended_at
    scenario.clock.set(ended + timedelta(days=2555) - timedelta(seconds=1))  # P2555D
    assert engine.purge().items == []
    scenario.clock.set(ended + timedelta(days=2555))
    assert [item.id for item in engine.purge().items] == [started.id]
    with pytest.raises(NotFound):
        engine.instance_detail(started.id, pat.actor)


@NOT_IN_TASKLIST
def test_a_process_not_startable_in_tasklist_is_not_offered_to_start(scenario):
    deploy(scenario, NOT_IN_TASKLIST)
    engine = scenario.engine
    pat = scenario.as_user("pat", "practitioner")
    assert [p.key for p in engine.startable_processes(pat.actor)] == []
    started = pat.start("pal_not_startable_in_tasklist")  # as another process or an owner would
    assert names(pat) == ["Chase the school"]
    assert status(engine, started.id) == "running"


@ARTEFACTS
def test_annotations_groups_and_data_objects_change_nothing(scenario):
    deploy(scenario, ARTEFACTS)
    pat = scenario.as_user("pat", "practitioner")
    started = pat.start("pal_artefacts")
    pat.complete("Screen the referral", outcome="strategy discussion")
    assert status(scenario.engine, started.id) == "completed"

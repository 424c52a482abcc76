"""Process owners' pages: versions with instance counts, upload-to-deploy with a validation report,
the XML as deployed, instance diagrams' highlights, and moving running instances to a new version."""

from __future__ import annotations

import io
import re

import pytest

from engine.actors import Actor
from engine.agencies import PARTNERSHIP, groups_for
from engine.errors import MigrationBlocked, NotPermitted
from engine.models import Definition, ProcessInstance

from .helpers import bpmn, flow, linear, resource, user_task

# the partnership's process owner, as engine.demo has them (they own processes by default)
OWNER = Actor("owner", groups_for(PARTNERSHIP, ["process-owner"]), agency=PARTNERSHIP)
PAT = Actor.of("pat", "practitioner")


def with_deadline(process_id: str = "deadline", *, after: str | None = None) -> str:
    """A practitioners' task with a 5-day boundary timer; ``after`` adds a step after it."""
    steps = ["work", *([after] if after else []), "end"]
    body = (
        '<bpmn:startEvent id="start"/>'
        + user_task("work", "Do the work", 'camunda:candidateGroups="practitioner"')
        + (user_task(after, "Check it", 'camunda:candidateGroups="practitioner"') if after else "")
        + '<bpmn:boundaryEvent id="late" attachedToRef="work" cancelActivity="false">'
        "<bpmn:timerEventDefinition><bpmn:timeDuration>P5D</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        + '<bpmn:endEvent id="end"/><bpmn:endEvent id="noted"/>'
        + flow("start", "work")
        + "".join(flow(a, b) for a, b in zip(steps, steps[1:], strict=False))
        + flow("late", "noted")
    )
    return bpmn(process_id, body, name="Deadline")


def test_versions_count_running_and_finished_instances_per_version(scenario, engine):
    scenario.deploy("steps.bpmn", linear("steps", "one"))
    pat = scenario.as_user("pat", "practitioner")
    pat.start("steps")
    pat.start("steps")
    pat.complete("one")
    scenario.deploy("steps.bpmn", linear("steps", "one", "two"))
    pat.start("steps")
    versions = engine.definition_versions(OWNER, "steps")
    counts = [(v.definition.version, v.running, v.finished) for v in versions]
    assert counts == [(2, 1, 0), (1, 1, 1)]
    with pytest.raises(NotPermitted):
        engine.definition_versions(PAT)


def test_a_migrated_instance_keeps_its_task_and_timer_and_takes_the_new_path(
    scenario, engine, clock
):
    scenario.deploy("deadline.bpmn", with_deadline())
    pat = scenario.as_user("pat", "practitioner")
    ref = pat.start("deadline")
    task_before = pat.task("Do the work")
    [timer_before] = engine.instance_detail(ref.id, PAT)["timers"]
    clock.advance(days=2)
    scenario.deploy("deadline.bpmn", with_deadline(after="check"))
    v1, v2 = (engine.definition_versions(OWNER, "deadline")[i].definition for i in (1, 0))
    result = engine.migrate_instances(v1.id, v2.id, OWNER)
    assert (result.moved, result.from_version, result.to_version) == ([ref.id], 1, 2)
    detail = engine.instance_detail(ref.id, PAT)
    assert detail["instance"].definition_id == v2.id
    assert [t.id for t in detail["tasks"]] == [task_before.id]
    assert [t.fire_at for t in detail["timers"]] == [timer_before.fire_at]
    assert any(e.event_type == "instance_migrated" for e in detail["history"])
    pat.complete("Do the work")
    pat.complete("Check it")
    assert engine.instance_detail(ref.id, PAT)["instance"].status == "completed"


def test_instances_waiting_at_a_removed_element_block_the_move_and_nothing_moves(scenario, engine):
    scenario.deploy("steps.bpmn", linear("steps", "one", "two"))
    pat = scenario.as_user("pat", "practitioner")
    waiting_at_two = pat.start("steps")
    pat.complete("one")
    waiting_at_one = pat.start("steps")
    scenario.deploy("steps.bpmn", linear("steps", "first", "two"))
    v2, v1 = (v.definition for v in engine.definition_versions(OWNER, "steps"))
    with pytest.raises(MigrationBlocked) as caught:
        engine.migrate_instances(v1.id, v2.id, OWNER)
    reasons = {b.instance_id: b.reason for b in caught.value.blockers}
    assert reasons[waiting_at_one.id] == (
        "it is at 'one' (one), which version 2 does not have (element ids differ)"
    )
    assert (
        "it has completed 'one' (one), which version 2 no longer has" in reasons[waiting_at_two.id]
    )
    with engine.db.reading() as session:
        assert {i.definition_id for i in session.query(ProcessInstance)} == {v1.id}


def test_instances_only_move_forward_within_one_process(scenario, engine):
    scenario.deploy("steps.bpmn", linear("steps", "one"))
    scenario.deploy("other.bpmn", linear("other", "one"))
    with engine.db.reading() as session:
        steps, other = (
            session.query(Definition).filter_by(key=k).one().id for k in ("steps", "other")
        )
    with pytest.raises(Exception, match="later version of the same process"):
        engine.migrate_instances(steps, other, OWNER)


def test_the_instance_diagram_marks_completed_active_and_timer_elements(scenario, engine):
    scenario.deploy("deadline.bpmn", with_deadline())
    ref = scenario.as_user("pat", "practitioner").start("deadline")
    diagram = engine.instance_diagram(ref.id, PAT)
    assert (diagram["completed"], diagram["active"], diagram["timers"]) == (
        ["start"],
        ["work"],
        ["late"],
    )
    assert diagram["xml"].startswith("<?xml")


# --- the pages ----------------------------------------------------------------------------------


def upload(client, files: dict[str, str]):
    data = {"files": [(io.BytesIO(text.encode()), name) for name, text in files.items()]}
    return client.post("/admin/deploy", data=data, content_type="multipart/form-data")


def test_process_owners_see_versions_and_download_the_xml(app, web):
    owner = web("owner")
    listing = owner.get("/admin/processes").get_data(as_text=True)
    assert (
        "Pre-birth assessment" in listing
        and 'href="/admin/processes/pre-birth-assessment"' in listing
    )
    page = owner.get("/admin/processes/information_sharing").get_data(as_text=True)
    assert "Decision" in page and "Version" in page
    link = re.search(r'href="(/admin/definitions/(\d+)/source)"', page)
    download = owner.get(link.group(1))
    assert (
        download.headers["Content-Disposition"] == 'attachment; filename="information-sharing.dmn"'
    )
    assert download.get_data(as_text=True).startswith("<?xml")
    assert web("pat").get("/admin/processes").status_code == 403
    assert "Processes" not in web("pat").get("/inbox").get_data(as_text=True)


def test_an_upload_with_problems_shows_the_validation_report_and_deploys_nothing(app, web):
    owner = web("owner")
    broken = linear("uploaded", "one").replace(
        'camunda:candidateGroups="practitioner"', 'camunda:candidateGroups="${oops(}"'
    )
    response = upload(owner, {"uploaded.bpmn": broken, "notes.txt": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="validation-report"' in page
    assert "uploaded.bpmn" in page and ">one<" in page and "does not compile" in page
    assert "only .bpmn, .dmn and .form files can be deployed" in page
    assert owner.get("/admin/processes/uploaded").status_code == 404
    done = upload(owner, {"uploaded.bpmn": linear("uploaded", "one")})
    assert done.status_code == 302
    assert "Deployed: uploaded version 1." in owner.get("/admin/processes").get_data(as_text=True)


def test_an_upload_deploys_and_shows_its_warnings_with_element_and_line(app, web):
    owner = web("owner")
    offered_to_nobody = linear("unoffered", "one").replace(
        'camunda:candidateGroups="practitioner"', ""
    )
    assert upload(owner, {"unoffered.bpmn": offered_to_nobody}).status_code == 302
    page = owner.get("/admin/processes").get_data(as_text=True)
    assert "Deployed: unoffered version 1." in page
    warnings = page[page.index("Warnings") :]
    assert "unoffered.bpmn, element &#39;one&#39;, line" in warnings
    assert "no assignee or candidates" in warnings


def test_moving_instances_from_the_process_page(app, web):
    from webapp import engine_of

    engine = engine_of(app)
    engine.deploy([resource("steps.bpmn", linear("steps", "one"))])
    engine.start("steps", None, actor=PAT)
    engine.deploy([resource("steps.bpmn", linear("steps", "first"))])
    owner = web("owner")
    page = owner.get("/admin/processes/steps").get_data(as_text=True)
    assert "Move running instances to version 2" in page
    v2, v1 = (v.definition.id for v in engine.definition_versions(OWNER, "steps"))
    refused = owner.post("/admin/processes/steps/migrate", data={"source": v1, "target": v2})
    assert refused.status_code == 409
    assert "No instance was moved" in refused.get_data(as_text=True)
    assert "it is at &#39;one&#39; (one)" in refused.get_data(as_text=True)
    engine.deploy([resource("steps.bpmn", linear("steps", "one", "two"))])
    v3 = engine.definition_versions(OWNER, "steps")[0].definition.id
    moved = owner.post("/admin/processes/steps/migrate", data={"source": v1, "target": v3})
    assert moved.status_code == 302
    assert "Moved 1 running instance(s) from version 1 to version 3." in owner.get(
        "/admin/processes/steps"
    ).get_data(as_text=True)

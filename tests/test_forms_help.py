"""Forms that help (issue 19 item 4) and long cases (item 5): reassigning only to people who
may do the task, error summaries that name the question, cross-field rules a process owner
states in the form, and the case timeline filtered and paged."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event

from engine import queries
from engine.actors import Actor
from engine.errors import InvalidDefinition, InvalidSubmission
from engine.timeline import TimelineFilters
from webapp import engine_of

from .helpers import bpmn, flow, resource, user_task
from .test_professional_differences import DIFFERENCE
from .test_web import DESCRIBE, actor_of

CHECK_IN = "Check in with the family"


def deploy_check_in(app, candidates: str = "amy, pat") -> None:
    """A task offered to named people (no case), started by Amy."""
    engine = engine_of(app)
    diagram = bpmn(
        "check-in",
        '<bpmn:startEvent id="start"/>'
        + user_task("check_in", CHECK_IN, f'camunda:candidateUsers="{candidates}"')
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "check_in")
        + flow("check_in", "end"),
    )
    engine.deploy([resource("check-in.bpmn", diagram)], deployed_by="owner")
    engine.create_user(
        username="pia",
        password="another-password-1",
        display_name="Pia Practitioner",
        agency="adult-mental-health",
        roles=["practitioner"],
        team="amh-north",
    )
    engine.start("check-in", actor=actor_of(app, "amy"))


# --- 1. reassign offers only people who may do the task ---------------------------------------


def test_the_reassign_list_offers_only_team_members_who_may_do_the_task(app, web):
    deploy_check_in(app)
    amy = web("amy")
    inbox = amy.get("/inbox?tab=team").get_data(as_text=True)
    assert CHECK_IN in inbox
    assert '<option value="pat">Pat Practitioner</option>' in inbox
    assert '<option value="amy">Amy Manager</option>' in inbox
    assert 'value="pia"' not in inbox  # in Amy's team, but no candidate
    page = amy.get(f"/tasks/{amy.task_id(CHECK_IN, tab='team')}").get_data(as_text=True)
    assert "Give this task to" in page and 'value="pat"' in page and 'value="pia"' not in page


def test_the_task_page_leaves_out_the_tasks_named_parties(app, web):
    engine = engine_of(app)
    parties = (
        "<bpmn:extensionElements><camunda:properties>"
        '<camunda:property name="not_by" value="raiser"/>'
        "</camunda:properties></bpmn:extensionElements>"
    )
    diagram = bpmn(
        "review",
        '<bpmn:startEvent id="start"/>'
        f'<bpmn:userTask id="review" name="Review the difference" '
        f'camunda:candidateUsers="amy, pat">{parties}</bpmn:userTask>'
        '<bpmn:endEvent id="end"/>' + flow("start", "review") + flow("review", "end"),
    )
    engine.deploy([resource("review.bpmn", diagram)], deployed_by="owner")
    engine.start("review", {"raiser": "pat"}, actor=actor_of(app, "amy"))
    amy = web("amy")
    task_id = amy.task_id("Review the difference", tab="team")
    page = amy.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert '<option value="amy">Amy Manager</option>' in page and 'value="pat"' not in page
    response = amy.post(f"/tasks/{task_id}/assign", {"assignee": "pat"})  # the inbox offers Pat
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#assignee"' in html
    assert "The person you chose is a party to this" in html and ">pat" not in html


def test_after_reassigning_the_page_names_the_person_not_their_username(app, web):
    deploy_check_in(app)
    amy = web("amy")
    task_id = amy.task_id(CHECK_IN, tab="team")
    done = amy.post(f"/tasks/{task_id}/assign", {"assignee": "pat"})
    assert done.status_code == 302
    page = amy.get("/inbox").get_data(as_text=True)
    assert "The task is now assigned to Pat Practitioner." in page


def test_a_manager_whose_team_may_not_do_the_task_is_offered_nobody(app):
    deploy_check_in(app, candidates="pat")
    engine = engine_of(app)
    [task] = engine.inbox(actor_of(app, "pat"), "team").tasks
    assert [m.username for m in engine.reassign_choices([task], actor_of(app, "amy"))[task.id]] == [
        "pat"
    ]
    assert engine.reassign_choices([task], actor_of(app, "cal")) == {task.id: []}
    assert engine.reassign_choices([task], actor_of(app, "pat")) == {}  # not a manager


def test_a_page_of_tasks_on_many_cases_reads_their_involvement_at_once(app):
    """The manager's inbox asks who may take each task: a few statements for the page, not
    one per task and person (the agency's involvement in every case on the page is one)."""
    deploy_check_in(app)
    engine, amy = engine_of(app), actor_of(app, "amy")
    for number in range(1, 7):
        involved = [{"agency": "adult-mental-health"}] if number < 6 else []
        reference = f"RC-{number}"
        engine.create_case(
            Actor.engine(), reference=reference, family_name="Test", involvements=involved
        )
        engine.start("check-in", case_ref=reference, actor=amy)
    with engine.db.reading() as session:
        tasks = {task.case_ref: task for task in queries.active_tasks(session)}

    def statements(chosen: list) -> tuple[int, dict]:
        sent = []
        listener = lambda *args: sent.append(args[2])  # noqa: E731
        event.listen(engine.db.engine, "before_cursor_execute", listener)
        try:
            choices = engine.reassign_choices(chosen, amy)
        finally:
            event.remove(engine.db.engine, "before_cursor_execute", listener)
        return len(sent), {task.case_ref: [m.username for m in choices[task.id]] for task in chosen}

    one, _ = statements([tasks["RC-1"]])
    five, offered = statements([tasks[f"RC-{number}"] for number in range(1, 6)])
    assert five == one
    assert offered == {f"RC-{number}": ["amy", "pat"] for number in range(1, 6)}
    _, uninvolved = statements([tasks["RC-6"], tasks[None]])
    assert uninvolved == {"RC-6": [], None: ["amy", "pat"]}  # no case: nothing to be involved in


def test_a_refused_choice_shows_the_task_page_with_an_error_summary(app, web):
    deploy_check_in(app)
    amy = web("amy")
    task_id = amy.task_id(CHECK_IN, tab="team")
    response = amy.post(f"/tasks/{task_id}/assign", {"assignee": "pia"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html and 'href="#assignee"' in html
    assert "Pia Practitioner cannot do this task" in html
    assert '<h1 class="govuk-heading-l">Check in with the family</h1>' in html


# --- 2. the error summary names the question --------------------------------------------------


def test_the_error_summary_names_the_question_and_links_to_it(web):
    pat = web("pat")
    task_id = pat.task_id(DESCRIBE)
    response = pat.post(
        f"/tasks/{task_id}",
        {"action": "complete", "version": pat.version_of(task_id), "concern": "Too short"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = html[
        html.index("govuk-error-summary") : html.index("</ul>", html.index("govuk-error-summary"))
    ]
    assert (
        '<a href="#concern">Describe the difference and why it matters for the child or adult: '
        "must be at least 10 characters</a>"
    ) in summary
    assert "Choose an option for &#39;Who is the difference about?&#39;" in summary


# --- 3. cross-field rules a process owner states in the form ----------------------------------


def rule_field(field_id: str, label: str, kind: str, properties: str) -> str:
    return (
        f'<camunda:formField id="{field_id}" label="{label}" type="{kind}">'
        f"<camunda:properties>{properties}</camunda:properties></camunda:formField>"
    )


def prop(name: str, value: str) -> str:
    return f'<camunda:property id="{name}" value="{value}"/>'


VISIT_FIELDS = (
    '<camunda:formField id="planned_on" label="Planned for" type="date"/>'
    + rule_field("visited_on", "Visited on", "date", prop("after", "planned_on"))
    + '<camunda:formField id="lead" label="Lead agency" type="string"/>'
    + rule_field(
        "partner",
        "Partner agency",
        "string",
        prop("differs_from", "lead") + prop("differs_from_message", "Name a second agency"),
    )
    + '<camunda:formField id="joint" label="Joint visit?" type="boolean"/>'
    + rule_field("joint_with", "Who came with you", "string", prop("required_if", "joint=true"))
)


def visit_process(fields: str = VISIT_FIELDS) -> str:
    return bpmn(
        "visit",
        '<bpmn:startEvent id="start"/>'
        + user_task("record", "Record the visit", 'camunda:candidateGroups="practitioner"', fields)
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "record")
        + flow("record", "end"),
    )


def test_cross_field_rules_refuse_a_submission_with_their_messages(engine, scenario):
    engine.deploy([resource("visit.bpmn", visit_process())])
    pat = scenario.as_user("pat", "practitioner")
    pat.start("visit")
    with pytest.raises(InvalidSubmission) as caught:
        pat.complete(
            "Record the visit",
            planned_on="2026-12-02",
            visited_on="2026-12-01",
            lead="police",
            partner="police",
            joint="true",
            joint_with="",
        )
    assert caught.value.errors == {
        "visited_on": "'Visited on' must be after 'Planned for'",
        "partner": "Name a second agency",
        "joint_with": "Answer 'Who came with you'",
    }
    pat.complete(
        "Record the visit",
        planned_on="2026-12-02",
        visited_on="2026-12-03",
        lead="police",
        partner="education",
        joint="false",
    )
    assert pat.inbox() == []


@pytest.mark.parametrize(
    ("properties", "kind", "reason"),
    [
        (prop("differs_form", "lead"), "string", "has property 'differs_form': the rules a form"),
        (prop("differs_from", "${lead}"), "string", "is not the name of a field or variable"),
        (prop("after", "planned_on"), "string", "after and before compare dates or numbers"),
        (prop("differs_from", "partner"), "string", "cannot be compared with itself"),
        (prop("after_message", "Too early"), "date", "has 'after_message' but no 'after' rule"),
        (prop("differs_from", "lead=x"), "string", "only required_if takes NAME=VALUE"),
    ],
)
def test_a_malformed_rule_is_refused_at_deploy_naming_file_element_and_line(
    engine, properties, kind, reason
):
    fields = rule_field("partner", "Partner agency", kind, properties)
    with pytest.raises(InvalidDefinition) as caught:
        engine.deploy([resource("visit.bpmn", visit_process(fields))])
    [problem] = caught.value.problems
    assert problem.file == "visit.bpmn" and reason in problem.message
    assert problem.element_id == "partner" and problem.line is not None


RULED_FORM = {
    "id": "referral_form",
    "components": [
        {
            "id": "F1",
            "key": "referred_on",
            "label": "Referred on",
            "type": "datetime",
            "subtype": "date",
            "dateLabel": "Referred on",
        },
        {
            "id": "F2",
            "key": "seen_on",
            "label": "Seen on",
            "type": "datetime",
            "subtype": "date",
            "dateLabel": "Seen on",
            "properties": {
                "after": "referred_on",
                "after_message": "The visit comes after the referral",
            },
        },
        {
            "id": "F3",
            "key": "agency",
            "label": "Agency",
            "type": "textfield",
            "properties": {"differs_from": "started_by_agency"},
        },
    ],
}


def deploy_ruled_form(engine, form: dict) -> None:
    diagram = bpmn(
        "referral",
        '<bpmn:startEvent id="start"/>'
        + user_task(
            "refer",
            "Record the referral",
            'camunda:candidateGroups="practitioner" camunda:formRef="referral_form"',
        )
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "refer")
        + flow("refer", "end"),
    )
    engine.deploy(
        [resource("referral.bpmn", diagram), resource("referral.form", json.dumps(form, indent=2))]
    )


def test_a_camunda_form_states_rules_in_its_custom_properties(engine, scenario):
    deploy_ruled_form(engine, RULED_FORM)
    pat = scenario.as_user("pat", "practitioner")
    pat.start("referral", {"started_by_agency": "police"})
    with pytest.raises(InvalidSubmission) as caught:
        pat.complete(
            "Record the referral", referred_on="2026-12-02", seen_on="2026-12-02", agency="police"
        )
    assert caught.value.errors == {
        "seen_on": "The visit comes after the referral",
        "agency": "'Agency' must be different from 'started_by_agency'",
    }
    pat.complete("Record the referral", referred_on="2026-12-02", seen_on="2026-12-04")


def test_a_camunda_form_with_a_malformed_rule_is_refused_naming_the_component(engine):
    form = json.loads(json.dumps(RULED_FORM))
    form["components"][2]["properties"] = {"differs_from": "started by"}
    with pytest.raises(InvalidDefinition) as caught:
        deploy_ruled_form(engine, form)
    [problem] = caught.value.problems
    assert problem.file == "referral.form" and problem.element_id == "F3" and problem.line > 1
    assert "'started by' is not the name of a field or variable" in problem.message


def test_a_difference_cannot_be_raised_with_ones_own_agency(web):
    pat = web("pat")  # adult mental health
    task_id = pat.task_id(DESCRIBE)
    answers = {**DIFFERENCE, "other_agency": "adult-mental-health", "other_practitioner": "amy"}
    response = pat.post(
        f"/tasks/{task_id}", {"action": "complete", "version": pat.version_of(task_id), **answers}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        '<a href="#other_agency">Choose the agency you disagree with: it cannot be your own '
        "agency</a>"
    ) in html
    assert 'value="adult-mental-health" checked' in html  # nothing lost


# --- 5. the case timeline, filtered and paged -------------------------------------------------


def whole_timeline(engine, reader, **filters) -> list:
    """Every page of the timeline for ``reader``, concatenated."""
    events, page = [], 1
    while True:
        found = engine.case_timeline_page("DEMO-001", reader, TimelineFilters(**filters, page=page))
        events += found.events
        if not found.has_next:
            return events
        page += 1


def busy_case(app) -> None:
    """The demo case with a task given back and taken again a dozen times, then a difference
    described: its timeline runs to more than one page."""
    from .test_web import complete

    engine, pat = engine_of(app), actor_of(app, "pat")
    [task] = engine.inbox(pat, "mine").tasks
    for _ in range(12):
        engine.unclaim(task.id, pat)
        engine.claim(task.id, pat)
    complete(app, "pat", DESCRIBE, **DIFFERENCE)


def test_the_timeline_pages_hold_exactly_what_the_reader_may_read_newest_first(app):
    busy_case(app)
    engine = engine_of(app)
    for username in ("pat", "sam", "mia"):
        reader = actor_of(app, username)
        paged = whole_timeline(engine, reader)
        readable = engine.case_timeline("DEMO-001", reader)
        assert sorted(e.id for e in paged) == sorted(e.id for e in readable)
        assert [(e.at, e.id) for e in paged] == sorted(((e.at, e.id) for e in paged), reverse=True)
    first = engine.case_timeline_page("DEMO-001", actor_of(app, "pat"), TimelineFilters())
    assert len(first.events) == 25 and first.has_next


def test_the_timeline_filters_by_process_agency_and_kind(app):
    busy_case(app)
    engine, pat = engine_of(app), actor_of(app, "pat")
    everything = whole_timeline(engine, pat)
    tasks = whole_timeline(engine, pat, kind="tasks")
    assert tasks and all(e.event_type.startswith("task_") for e in tasks)
    records = whole_timeline(engine, pat, kind="records")
    assert records and all(e.event_type in ("case_record", "entry_corrected") for e in records)
    rest = whole_timeline(engine, pat, kind="case") + whole_timeline(engine, pat, kind="process")
    assert len(tasks) + len(records) + len(rest) == len(everything)  # every event has one kind
    differences = whole_timeline(engine, pat, process_key="professional-differences")
    instances = {
        i.id
        for i in engine.case_instances("DEMO-001", pat)
        if i.process_key == "professional-differences"
    }
    assert differences and {e.instance_id for e in differences} <= instances
    by_amh = whole_timeline(engine, pat, agency="adult-mental-health")
    assert by_amh and {e.actor for e in by_amh} <= {"pat", "amy", "sue", "hal", "amhadmin"}
    assert whole_timeline(engine, pat, agency="police", kind="records") == []


def test_the_case_page_shows_a_short_timeline_with_a_filter_form_and_pages(app, web):
    busy_case(app)
    pat = web("pat")
    html = pat.get("/cases/DEMO-001").get_data(as_text=True)
    timeline = html.split('id="timeline"', 1)[1]
    assert timeline.count('<li class="govuk-!-margin-bottom-3">') == 25
    assert (
        'name="kind"' in timeline and 'name="agency"' in timeline and 'name="process"' in timeline
    )
    assert "Older" in timeline and "page=2" in timeline
    tasks_only = pat.get("/cases/DEMO-001?kind=tasks&process=professional-differences")
    text = tasks_only.get_data(as_text=True).split('id="timeline"', 1)[1]
    assert (
        tasks_only.status_code == 200
        and "Task completed: Describe the professional difference" in text
    )
    assert '<option value="tasks" selected>' in text and "Clear filters" in text
    nothing = pat.get("/cases/DEMO-001?agency=police&kind=records").get_data(as_text=True)
    assert "Nothing on the timeline matches these filters." in nothing
    assert pat.get("/cases/DEMO-001?kind=everything").status_code == 400

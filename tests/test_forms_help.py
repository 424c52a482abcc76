"""Forms that help (issue 19 item 4) and long cases (item 5): reassigning only to people who
may do the task, error summaries that name the question, cross-field rules a process owner
states in the form, and the case timeline filtered and paged."""

from __future__ import annotations

from webapp import engine_of

from .helpers import bpmn, flow, resource, user_task
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


def test_a_manager_whose_team_may_not_do_the_task_is_offered_nobody(app):
    deploy_check_in(app, candidates="pat")
    engine = engine_of(app)
    [task] = engine.inbox(actor_of(app, "pat"), "team").tasks
    assert [m.username for m in engine.reassign_choices([task], actor_of(app, "amy"))[task.id]] == [
        "pat"
    ]
    assert engine.reassign_choices([task], actor_of(app, "cal")) == {task.id: []}
    assert engine.reassign_choices([task], actor_of(app, "pat")) == {}  # not a manager


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

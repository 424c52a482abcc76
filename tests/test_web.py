"""The web app through Flask's test client: sign-in, pages, forms, errors and who may do what.

Demo data: case DEMO-001 (Taylor family) involves children's social care, adult mental health,
drug and alcohol, midwifery, health visiting, probation and education - not police or youth
offending. Pat (adult mental health) has raised a professional difference.
"""

from __future__ import annotations

import pytest

from engine.demo import DEMO_PASSWORD
from webapp import engine_of

from .helpers import bpmn, flow, resource
from .test_professional_differences import DIFFERENCE, S1_OTHER, S1_RAISER

DESCRIBE = "Describe the professional difference"
STAGE1 = S1_RAISER


NO_RISK = {"s1_raiser_immediate_risk": "no"}
CHILD_AT_RISK = {
    **DIFFERENCE,
    "immediate_risk": "yes",
    "raised_risk_to": "child",
    "raised_risk_who": "Ruby",
}


def actor_of(app, username):
    return engine_of(app).authenticate(username, DEMO_PASSWORD).actor()


def complete(app, username, task_name, **data):
    engine = engine_of(app)
    actor = actor_of(app, username)
    task = next(t for t in engine.inbox(actor, "all").tasks if t.name == task_name)
    return engine.complete(task.id, data, actor)


PLAN_APPROVAL = bpmn(
    "plan-approval",
    '<bpmn:startEvent id="start" camunda:initiator="initiator"/>'
    '<bpmn:userTask id="approve_plan" name="Approve the plan" '
    'camunda:candidateGroups="adult-mental-health:manager"><bpmn:extensionElements>'
    "<camunda:properties>"
    '<camunda:property name="approval" value="plan"/>'
    '<camunda:property name="approval_field" value="approved"/>'
    '<camunda:property name="reason_field" value="approval_reason"/>'
    "</camunda:properties><camunda:formData>"
    '<camunda:formField id="approved" label="Approve?" type="boolean"/>'
    '<camunda:formField id="approval_reason" label="Reason" type="string"/>'
    "</camunda:formData></bpmn:extensionElements></bpmn:userTask>"
    '<bpmn:sendTask id="record_decision"><bpmn:extensionElements><camunda:properties>'
    '<camunda:property name="record" value="decision"/>'
    '<camunda:property name="record_fields" value="approved, approval_reason"/>'
    "</camunda:properties></bpmn:extensionElements></bpmn:sendTask>"
    '<bpmn:endEvent id="end"/>'
    + flow("start", "approve_plan")
    + flow("approve_plan", "record_decision")
    + flow("record_decision", "end"),
    name="Plan approval",
)


def to_approval(app):
    """Pat asks adult mental health's managers to approve a plan on the demo case (the
    Approvals page: approve or decline with a reason)."""
    engine = engine_of(app)
    engine.deploy([resource("plan-approval.bpmn", PLAN_APPROVAL)], deployed_by="owner")
    engine.start("plan-approval", actor=actor_of(app, "pat"), case_ref="DEMO-001")


# --- signing in --------------------------------------------------------------------------


def test_sign_in_with_a_wrong_password_says_so_without_saying_which(web):
    client = web()
    client.get("/sign-in")
    response = client.post("/sign-in", {"username": "pat", "password": "wrong password!"})
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "There is a problem" in html and "The username or password is not right" in html
    assert client.post("/sign-in", {"username": "nobody", "password": "x"}).status_code == 401


def test_pages_need_sign_in_and_sign_out_ends_the_session(web):
    client = web()
    response = client.get("/inbox")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    client.sign_in("pat")
    assert client.get("/inbox").status_code == 200
    assert client.post("/sign-out").status_code == 302
    assert client.get("/inbox").status_code == 302


def test_sign_in_is_rate_limited(app, web):
    from engine.signin.throttle import Limit, SignInLimits

    engine_of(app).signin_limits = SignInLimits(account=Limit.parse("3 per 15 minutes"))
    client = web()
    client.get("/sign-in")
    codes = [
        client.post("/sign-in", {"username": "pat", "password": "wrong"}).status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    assert "Too many attempts" in client.post(
        "/sign-in", {"username": "pat", "password": "x"}
    ).get_data(as_text=True)


def test_forms_without_a_csrf_token_are_refused(web):
    client = web("pat")
    response = client.client.post("/sign-out")
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_session_cookie_flags_and_security_headers(app, web):
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    client = web()
    client.get("/sign-in")
    response = client.client.post(
        "/sign-in", data={"username": "pat", "password": DEMO_PASSWORD, "csrf_token": client.token}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/inbox")
    assert "nonce-" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in page.get_data(as_text=True)  # only nonce'd or external scripts


def test_the_default_configuration_sets_secure_cookies(database_url, monkeypatch):
    from webapp import create_app, engine_of

    monkeypatch.delenv("JOINEDUP_INSECURE_COOKIES", raising=False)
    application = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    assert (
        application.config["SESSION_COOKIE_SECURE"] and application.config["REMEMBER_COOKIE_SECURE"]
    )
    engine_of(application).db.dispose()


# --- inbox and task forms ----------------------------------------------------------------


def test_the_inbox_tabs(app, web, clock):
    pat = web("pat")
    assert DESCRIBE in pat.get("/inbox").get_data(as_text=True)
    assert DESCRIBE not in pat.get("/inbox?tab=team").get_data(as_text=True)
    assert "There are no tasks here" in pat.get("/inbox?tab=overdue").get_data(as_text=True)
    clock.advance(days=3)
    overdue = pat.get("/inbox?tab=overdue").get_data(as_text=True)
    assert DESCRIBE in overdue and "Overdue" in overdue
    complete(app, "pat", DESCRIBE, **DIFFERENCE)
    assert DESCRIBE in pat.get("/inbox?tab=completed").get_data(as_text=True)
    filtered = pat.get("/inbox?process=information-request").get_data(as_text=True)
    assert "There are no tasks here" in filtered
    assert STAGE1 in pat.get("/inbox?case=DEMO-001").get_data(as_text=True)


def test_a_task_form_shows_every_error_keeps_answers_saves_drafts_and_completes(web):
    pat = web("pat")
    task_id = pat.task_id(DESCRIBE)
    page = pat.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'name="other_agency"' in page and 'type="radio"' in page and "Save draft" in page
    version = pat.version_of(task_id)
    response = pat.post(
        f"/tasks/{task_id}",
        {
            "action": "complete",
            "version": version,
            "concern": "Too short",
            "other_practitioner": "Sam Jones",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html and "govuk-error-summary" in html
    assert "Must be at least 10 characters" in html and 'value="Sam Jones"' in html

    pat.post(
        f"/tasks/{task_id}",
        {"action": "draft", "other_practitioner": "Sam Jones", "tried": "Phoned"},
    )
    again = pat.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Showing your draft" in again and 'value="Sam Jones"' in again

    answers = {**DIFFERENCE, "immediate_risk": "false"}
    response = pat.post(f"/tasks/{task_id}", {"action": "complete", "version": version, **answers})
    assert response.status_code == 302
    inbox = pat.get("/inbox").get_data(as_text=True)
    assert f'href="/tasks/{task_id}"' not in inbox and STAGE1 in inbox


def test_completing_a_task_someone_else_just_completed_gives_a_clear_409(app, web):
    pat = web("pat")
    task_id = pat.task_id(DESCRIBE)
    version = pat.version_of(task_id)
    complete(app, "pat", DESCRIBE, **DIFFERENCE)  # in another tab
    response = pat.post(
        f"/tasks/{task_id}", {"action": "complete", "version": version, **DIFFERENCE}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "has already been completed by pat" in html and "Traceback" not in html


def test_a_stale_page_is_a_409_and_changes_nothing(app, web):
    complete(
        app,
        "pat",
        DESCRIBE,
        **CHILD_AT_RISK,
    )
    mia = web("mia")
    task_id = mia.task_id("Act now under child protection procedures", tab="team")
    version = mia.version_of(task_id)
    complete(app, "pat", STAGE1, s1_raiser_position="Agreed", s1_raiser_resolved="yes", **NO_RISK)
    response = mia.post(
        f"/tasks/{task_id}",
        {
            "action": "complete",
            "version": version,
            "cp_action": "section-47",
            "cp_notes": "s47 started",
        },
    )
    assert response.status_code == 409 and "has changed since you loaded it" in response.get_data(
        as_text=True
    )
    assert mia.task_id("Act now under child protection procedures", tab="team") == task_id


def test_claim_and_unclaim_from_the_inbox(app, web):
    complete(
        app,
        "pat",
        DESCRIBE,
        **CHILD_AT_RISK,
    )
    mia = web("mia")
    task_id = mia.task_id("Act now under child protection procedures", tab="team")
    assert mia.post(f"/tasks/{task_id}/claim").status_code == 302
    assert mia.task_id("Act now under child protection procedures", tab="mine") == task_id
    assert mia.post(f"/tasks/{task_id}/unclaim").status_code == 302
    assert mia.task_id("Act now under child protection procedures", tab="team") == task_id


# --- cases, instances, approvals ---------------------------------------------------------


def test_the_case_page_shows_the_family_agencies_processes_and_timeline(app, web):
    complete(app, "pat", DESCRIBE, **DIFFERENCE)
    html = web("sam").get("/cases/DEMO-001").get_data(as_text=True)
    for text in (
        "Taylor family",
        "Baby Taylor",
        "Due 15 April 2027",
        "Substance misuse",
        "Domestic abuse",
        "Adult mental health: Pat Practitioner",
        "Professional differences (escalation)",
        "Raised",
        "Ruby Taylor",  # who the difference is about, on the case record
    ):
        assert text in html, text
    assert "Start: Professional differences (escalation)" in html


def test_starting_a_process_from_the_case_page(web):
    pat = web("pat")
    response = pat.post("/cases/DEMO-001/start/information-request")
    assert response.status_code == 302 and "/instances/" in response.headers["Location"]
    assert "Record the request" in pat.get("/inbox").get_data(as_text=True)


def test_the_instance_page_shows_state_tasks_timers_and_history(app, web):
    complete(app, "pat", DESCRIBE, **DIFFERENCE)
    html = web("pat").get("/instances/1").get_data(as_text=True)
    for text in ("Running", STAGE1, "Stage 1 time limit reached", "Task completed"):
        assert text in html, text
    assert "stage1_days" not in html  # raw variables: process owners and administrators


def test_a_manager_declines_with_a_required_reason(app, web):
    to_approval(app)
    amy = web("amy")
    page = amy.get("/approvals").get_data(as_text=True)
    assert "Approve the plan" in page
    task_id = int(page.split('action="/approvals/')[1].split('"')[0])
    response = amy.post(f"/approvals/{task_id}", {"decision": "decline", "reason": " "})
    assert (
        response.status_code == 422
        and "Enter the reason for your decision" in response.get_data(as_text=True)
    )
    response = amy.post(
        f"/approvals/{task_id}", {"decision": "decline", "reason": "Early help plan is safe"}
    )
    assert response.status_code == 302
    assert "Nothing is waiting for your decision" in amy.get("/approvals").get_data(as_text=True)
    timeline = web("sam").get("/cases/DEMO-001").get_data(as_text=True)
    assert "Early help plan is safe" in timeline


def test_a_manager_approves_and_the_process_goes_on(app, web):
    to_approval(app)
    amy = web("amy")
    page = amy.get("/approvals").get_data(as_text=True)
    task_id = int(page.split('action="/approvals/')[1].split('"')[0])
    response = amy.post(f"/approvals/{task_id}", {"decision": "approve", "reason": "Sound plan"})
    assert response.status_code == 302
    told = amy.get("/approvals").get_data(as_text=True)  # what happens next, and who has it
    assert "Escalation approved." in told and ("Next: " in told or "Nobody has a task" in told)
    assert "Sound plan" in web("sam").get("/cases/DEMO-001").get_data(as_text=True)
    assert "Nothing is waiting for your decision" in web("cal").get("/approvals").get_data(
        as_text=True
    )


def held_by_pat_in_amys_team(app, web) -> int:
    """Pat's "Record the request" (information request), and Pia, another practitioner in
    Pat's team (amh-north, managed by Amy), who could do it."""
    engine = engine_of(app)
    engine.create_user(
        username="pia",
        password="another-password-1",
        display_name="Pia",
        agency="adult-mental-health",
        roles=["practitioner"],
        team="amh-north",
    )
    engine.start_on_case("information-request", "DEMO-001", actor_of(app, "pat"))
    return web("pat").task_id("Record the request")


def test_a_manager_reassigns_a_task_to_a_member_of_their_team(app, web):
    amy, task_id = web("amy"), held_by_pat_in_amys_team(app, web)
    assert amy.post(f"/tasks/{task_id}/assign", {"assignee": "pia"}).status_code == 302
    assert web("cal").post(f"/tasks/{task_id}/assign", {"assignee": "cal"}).status_code == 403


# --- errors --------------------------------------------------------------------------------


def test_error_pages_are_in_the_same_design_and_never_show_a_traceback(app, web):
    pat = web("pat")
    missing = pat.get("/cases/NOPE")
    assert missing.status_code == 404 and "govuk-heading-l" in missing.get_data(as_text=True)
    assert pat.get("/no-such-page").status_code == 404
    forbidden = pat.get("/approvals")
    assert forbidden.status_code == 403 and "You cannot do that" in forbidden.get_data(as_text=True)


def test_an_unexpected_error_is_a_plain_500_page(database_url, clock, monkeypatch):
    from webapp import create_app
    from webapp import engine_of as engine

    application = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SESSION_COOKIE_SECURE": False,
            "JOINEDUP_CLOCK": clock,
        }
    )
    engine(application).deploy_path("workflows")
    from engine.demo import load_demo

    load_demo(engine(application))

    def explode(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(type(engine(application)), "search_cases", explode)
    from .webclient import WebClient

    response = WebClient(application).sign_in("pat").get("/cases")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "database on fire" not in html and "Traceback" not in html
    engine(application).db.dispose()


# --- who may do what: each role x each action --------------------------------------------

MATRIX = [
    # (username, action, expected HTTP status)
    ("pat", "view_case", 200),
    ("sam", "view_case", 200),
    ("dan", "view_case", 200),
    ("pc", "view_case", 404),
    ("yas", "view_case", 404),
    ("chair", "view_case", 404),  # the partnership sees a case only through work there
    ("admin", "view_case", 404),
    ("hos", "view_case", 200),
    ("pat", "view_task", 200),
    ("sam", "view_task", 404),
    ("amy", "view_task", 404),
    ("pc", "view_task", 404),
    ("pat", "complete_task", 422),
    ("sam", "complete_task", 404),
    ("pc", "complete_task", 404),
    ("pat", "start_difference", 302),
    ("amy", "start_difference", 302),
    ("owner", "start_difference", 404),
    ("pc", "start_difference", 404),
    ("pat", "approvals", 403),
    ("amy", "approvals", 200),
    ("hos", "approvals", 200),
    ("chair", "approvals", 200),
    ("owner", "approvals", 403),
    ("admin", "approvals", 403),
    ("pat", "view_instance", 200),
    ("sam", "view_instance", 200),
    ("pc", "view_instance", 404),
    ("pat", "api_case", 200),
    ("pc", "api_case", 404),
]


def attempt(client, action: str):
    if action == "view_case":
        return client.get("/cases/DEMO-001")
    if action == "view_task":
        return client.get("/tasks/1")
    if action == "complete_task":
        return client.post("/tasks/1", {"action": "complete", "concern": "x"})
    if action == "start_difference":
        return client.post("/cases/DEMO-001/start/professional-differences")
    if action == "approvals":
        return client.get("/approvals")
    if action == "view_instance":
        return client.get("/instances/1")
    if action == "api_case":
        return client.get("/api/v1/cases/DEMO-001")
    raise AssertionError(action)


@pytest.mark.parametrize(
    ("username", "action", "status"), MATRIX, ids=[f"{u}-{a}" for u, a, _ in MATRIX]
)
def test_who_may_do_what(web, username, action, status):
    assert attempt(web(username), action).status_code == status


@pytest.mark.parametrize(
    # drug and alcohol is involved in the case but not in the difference: it cannot see the task
    ("username", "status"),
    [("mia", 302), ("sam", 302), ("pc", 404), ("dan", 404)],
)
def test_who_may_claim_a_mash_task(app, web, username, status):
    complete(
        app,
        "pat",
        DESCRIBE,
        **CHILD_AT_RISK,
    )
    task = next(t for t in engine_of(app).inbox(actor_of(app, "mia"), "team").tasks)
    if username == "sam":
        status = 403  # a practitioner of the right agency, but not the MASH duty
    assert web(username).post(f"/tasks/{task.id}/claim").status_code == status


ALL_FIELDS = """
<camunda:formField id="visit_date" label="Date of the home visit" type="date">
  <camunda:validation><camunda:constraint name="required"/><camunda:constraint name="min" config="2026-01-01"/></camunda:validation></camunda:formField>
<camunda:formField id="children_seen" label="Children seen" type="long">
  <camunda:validation><camunda:constraint name="required"/><camunda:constraint name="max" config="12"/></camunda:validation></camunda:formField>
<camunda:formField id="case_number" label="Case number" type="string" defaultValue="DEMO-001">
  <camunda:validation><camunda:constraint name="readonly"/></camunda:validation></camunda:formField>
<camunda:formField id="note" label="Note" type="string">
  <camunda:validation><camunda:constraint name="maxlength" config="80"/></camunda:validation></camunda:formField>
"""


def test_date_number_readonly_and_optional_fields_render_validate_and_complete(app, web):
    from .helpers import bpmn, flow, resource, user_task

    engine = engine_of(app)
    engine.deploy(
        [
            resource(
                "visit.bpmn",
                bpmn(
                    "visit",
                    '<bpmn:startEvent id="start"/>'
                    + user_task(
                        "record_visit",
                        "Record the home visit",
                        'camunda:candidateGroups="practitioner"',
                        ALL_FIELDS,
                    )
                    + '<bpmn:endEvent id="end"/>'
                    + flow("start", "record_visit")
                    + flow("record_visit", "end"),
                ).replace(
                    'isExecutable="true"',
                    'isExecutable="true" camunda:candidateStarterGroups="practitioner"',
                ),
            )
        ]
    )
    pat = web("pat")
    pat.post("/cases/DEMO-001/start/visit")
    task_id = pat.task_id("Record the home visit", tab="team")
    page = pat.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'name="visit_date-day"' in page and 'inputmode="numeric"' in page
    assert "Note (optional)" in page and "Case number" in page and 'name="case_number"' not in page
    version = pat.version_of(task_id)
    bad = pat.post(
        f"/tasks/{task_id}",
        {
            "action": "complete",
            "version": version,
            "visit_date-day": "31",
            "visit_date-month": "2",
            "visit_date-year": "2026",
            "children_seen": "13",
        },
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Enter a real date, like 27/03/2026" in html and "Must be 12 or less" in html
    assert 'value="31"' in html and 'value="13"' in html
    good = pat.post(
        f"/tasks/{task_id}",
        {
            "action": "complete",
            "version": version,
            "visit_date-day": "3",
            "visit_date-month": "12",
            "visit_date-year": "2026",
            "children_seen": "2",
        },
    )
    assert good.status_code == 302
    instance_id = engine.instances_for_case("DEMO-001")[0].id
    values = engine.instance_variables(instance_id)
    assert (values["visit_date"].isoformat(), values["children_seen"], values["case_number"]) == (
        "2026-12-03",
        2,
        "DEMO-001",
    )


def test_the_raiser_withdraws_from_the_case_page_with_reasons_and_nobody_else_can(app, web):
    complete(app, "pat", DESCRIBE, **DIFFERENCE)
    pat, sam = web("pat"), web("sam")
    [instance] = engine_of(app).instances_for_case("DEMO-001")
    withdraw_at = f"/instances/{instance.id}/withdraw"
    assert f'href="/instances/{instance.id}#withdraw"' in pat.get("/cases/DEMO-001").get_data(
        as_text=True
    )
    assert "#withdraw" not in sam.get("/cases/DEMO-001").get_data(as_text=True)
    assert withdraw_at not in sam.get(f"/instances/{instance.id}").get_data(as_text=True)
    stage1, reply = pat.task_id(STAGE1), sam.task_id(S1_OTHER)
    assert f"/instances/{instance.id}#withdraw" in pat.get(f"/tasks/{stage1}").get_data(
        as_text=True
    )
    assert "#withdraw" not in sam.get(f"/tasks/{reply}").get_data(as_text=True)
    assert sam.post(withdraw_at, {"reason": "Not mine to withdraw"}).status_code == 403
    refused = pat.post(withdraw_at, {"reason": " "})
    assert refused.status_code == 422
    assert "Enter why you are withdrawing it" in refused.get_data(as_text=True)
    assert pat.post(withdraw_at, {"reason": "Agreed at the core group"}).status_code == 302
    timeline = sam.get("/cases/DEMO-001").get_data(as_text=True)
    assert "Agreed at the core group" in timeline and "#withdraw" not in timeline
    assert pat.post(withdraw_at, {"reason": "Again"}).status_code == 409


def test_the_raiser_withdraws_through_the_api(app, web):
    complete(app, "pat", DESCRIBE, **DIFFERENCE)
    [instance] = engine_of(app).instances_for_case("DEMO-001")
    url = f"/api/v1/instances/{instance.id}/withdraw"
    assert web("sam").client.post(url, json={"reason": "No"}).status_code == 403
    assert web("pat").client.post(url, json={"reason": 7}).status_code == 422
    done = web("pat").client.post(url, json={"reason": "Resolved by phone"})
    assert done.status_code == 200 and done.get_json()["instance"]["status"] == "completed"


def test_the_api_accepts_a_signed_in_session_too(web):
    response = web("pat").get("/api/v1/tasks")
    assert response.status_code == 200 and response.get_json()["tasks"][0]["assignee"] == "pat"


def test_the_raiser_is_told_when_a_manager_decides(app, web):
    from notifications.models import OutboxNotification

    to_approval(app)
    amy = web("amy")
    page = amy.get("/approvals").get_data(as_text=True)
    task_id = int(page.split('action="/approvals/')[1].split('"')[0])
    amy.post(f"/approvals/{task_id}", {"decision": "approve", "reason": "Senior view needed"})
    with engine_of(app).db.reading() as session:
        from sqlalchemy import select

        rows = session.scalars(
            select(OutboxNotification).where(OutboxNotification.event_type == "decision_made")
        ).all()
    assert [(r.recipient, r.context["step"]) for r in rows] == [
        ("pat", "Approve the plan: approved")
    ]


def test_a_reassigned_task_is_announced_to_its_new_holder(app, web):
    from sqlalchemy import select

    from notifications.models import OutboxNotification

    amy, task_id = web("amy"), held_by_pat_in_amys_team(app, web)
    amy.post(f"/tasks/{task_id}/assign", {"assignee": "pia"})
    with engine_of(app).db.reading() as session:
        rows = session.scalars(
            select(OutboxNotification).where(
                OutboxNotification.event_type == "task_assigned",
                OutboxNotification.recipient == "pia",
            )
        ).all()
    assert [r.context["task_id"] for r in rows] == [task_id]


def test_the_health_check_says_only_ok_and_shows_no_counts(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok\n"


def test_a_party_reports_an_immediate_risk_from_the_instance_page(app, web):
    complete(app, "pat", DESCRIBE, **DIFFERENCE)
    sam = web("sam")  # named as the other practitioner: a party, whose reply is still open
    instance_id = engine_of(app).tasks_for_user(actor_of(app, "sam"))[0].instance_id
    page = sam.get(f"/instances/{instance_id}").get_data(as_text=True)
    assert "Report an immediate risk" in page
    assert "Report an immediate risk" in sam.get("/cases/DEMO-001").get_data(as_text=True)
    refused = sam.post(f"/instances/{instance_id}/immediate-risk", {"risk_to": "child"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Name the person at risk" in html and "Say what the risk is" in html
    done = sam.post(
        f"/instances/{instance_id}/immediate-risk",
        {"risk_to": "child", "risk_who": "Ruby Taylor", "risk_details": "Left alone overnight"},
    )
    assert done.status_code == 302
    mia = engine_of(app).inbox(actor_of(app, "mia"), "team").tasks
    assert [t.summary for t in mia] == [
        "Immediate risk to Ruby Taylor raised in a professional difference"
    ]
    assert "Report an immediate risk" not in web("dan").get("/cases/DEMO-001").get_data(
        as_text=True
    )

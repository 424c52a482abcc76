"""A practitioner's day in a real browser (Debian's Chromium driven by Playwright), and an
accessibility check of the inbox and task pages with axe-core (from npm)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from engine.demo import DEMO_PASSWORD
from webapp import engine_of

from .chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 - where other modules find them
from .family import CONSENT_REFUSED
from .test_professional_differences import (
    DIFFERENCE,
    S1_OTHER,
    S1_RAISER,
    S2_DECISION,
    S2_OTHER,
    S2_RAISER,
    S3_OTHER,
)

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
MASH_TASK = "Act now under child protection procedures"


@pytest.fixture
def server(app):
    """The app on a real HTTP server on loopback, for the browser."""
    app.config["WTF_CSRF_SSL_STRICT"] = False
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(10)


@pytest.fixture
def browser(chromium):
    """The session's Chromium; the contexts and pages a test opens are closed after it."""
    yield chromium
    for context in chromium.contexts:
        context.close()


def raise_with_immediate_risk(app):
    engine = engine_of(app)
    pat = engine.authenticate("pat", DEMO_PASSWORD).actor()
    [task] = engine.inbox(pat, "mine").tasks
    engine.complete(
        task.id,
        {
            **DIFFERENCE,
            "immediate_risk": "yes",
            "raised_risk_to": "child",
            "raised_risk_who": "Ruby",
        },
        pat,
    )


def sign_in(page, server, username):
    page.set_default_timeout(60_000)
    page.goto(f"{server}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    follow(page.get_by_role("button", name="Sign in"))
    page.wait_for_url(f"{server}/inbox")


def follow(control) -> None:
    """Click a link or button that loads another page, and wait until that page has loaded.

    Reading a page straight after a bare ``click()`` races the navigation: ``page.content()``
    can return the empty document in between, or the page being left."""
    with control.page.expect_navigation():
        control.click()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_practitioner_claims_fills_in_and_completes_a_task(app, server, browser):
    raise_with_immediate_risk(app)
    page = browser.new_page()
    sign_in(page, server, "mia")

    follow(page.get_by_role("link", name="My teams' unclaimed"))
    follow(page.get_by_role("button", name=f"Claim {MASH_TASK}"))
    assert "The task is now assigned to you." in page.content()
    follow(page.get_by_role("link", name="Assigned to me"))
    follow(page.get_by_role("link", name=MASH_TASK))

    page.get_by_label("Section 47 enquiry started").check()
    follow(page.get_by_role("button", name="Complete"))
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter 'What was done to keep the child safe'" in summary.inner_text()
    assert page.get_by_label("Section 47 enquiry started").is_checked()  # nothing lost

    page.get_by_label("What was done to keep the child safe").fill(
        "Strategy discussion held with police"
    )
    follow(page.get_by_role("button", name="Complete"))
    page.wait_for_url(f"{server}/inbox")
    assert f"'{MASH_TASK}' is complete." in page.content()
    assert page.get_by_role("link", name=MASH_TASK).count() == 0


def test_the_inbox_and_task_pages_have_no_serious_accessibility_problems(app, server, browser):
    assert AXE.exists(), "axe-core comes from npm (make test runs npm ci)"
    raise_with_immediate_risk(app)
    context = browser.new_context(bypass_csp=True)  # lets axe's script in; the app's CSP stays
    page = context.new_page()
    sign_in(page, server, "pat")
    assert serious_violations(page) == []
    follow(page.get_by_role("link", name=S1_RAISER))
    assert serious_violations(page) == []
    follow(page.get_by_role("button", name="Complete"))  # the page with every error shown
    assert page.locator(".govuk-error-summary").is_visible()
    assert serious_violations(page) == []
    page.goto(f"{server}/cases/DEMO-001")
    assert serious_violations(page) == []
    context.close()


def open_task(page, server, app, username, name):
    """Open the person's task called ``name`` (from their inbox, as they would)."""
    engine = engine_of(app)
    person = engine.authenticate(username, DEMO_PASSWORD).actor()
    [task] = [t for t in engine.tasks_for_user(person) if t.name == name]
    page.goto(f"{server}/tasks/{task.id}")
    assert page.get_by_role("heading", name=name).is_visible()


def answer(page, choices=(), **texts):
    """Tick radio ``(question, option)`` pairs and fill text fields by label; then complete."""
    for question, option in choices:
        page.get_by_role("group", name=question).get_by_label(option, exact=True).check()
    for label, value in texts.items():
        page.get_by_label(label, exact=True).fill(value)
    follow(page.get_by_role("button", name="Complete"))
    assert "is complete." in page.content(), page.locator(".govuk-error-summary").all_inner_texts()


CONSENT_GIVEN_ANSWERS = [
    ("Consent to share: the answer of the person, or of whoever decides for them", "Given"),
    (
        "Can the person decide about sharing themselves? An adult (16 or over) is assumed to have "
        "capacity for this decision unless it is assessed otherwise (Mental Capacity Act); a child "
        "under 16 must be competent to decide (Gillick)",
        "Yes",
    ),
    ("Is there a statutory duty or court order to share?", "No"),
    ("Would seeking consent place a child at greater risk of significant harm?", "No"),
    ("Would seeking consent prejudice the prevention, detection or prosecution of a crime?", "No"),
    (
        "Would seeking consent cause unjustifiable delay in an investigation (such as a section 47 "
        "enquiry or a police investigation)? Inconvenience is not enough",
        "No",
    ),
    (
        "Can consent not reasonably be obtained (for example, nobody who can give it can be "
        "reached)?",
        "No",
    ),
    ("Is sharing for a safeguarding purpose?", "No"),
    ("Is anyone's safety at risk if the information is not shared?", "No"),
    (
        "Would telling the person put a child or adult at risk, or prejudice an investigation (a "
        "criminal investigation, a section 47 or section 42 enquiry)?",
        "No",
    ),
]


def test_a_pre_birth_assessment_from_referral_to_outcome_across_three_agencies(
    app, server, browser
):
    engine = engine_of(app)
    signed_in = {}

    def as_user(username):
        if username not in signed_in:
            signed_in[username] = browser.new_context().new_page()
            sign_in(signed_in[username], server, username)
        return signed_in[username]

    # Midwifery: Mo starts the assessment on the Taylor family's case for the unborn baby.
    mo = as_user("mo")
    mo.goto(f"{server}/cases/DEMO-001")
    follow(mo.get_by_role("button", name="Start: Pre-birth assessment for Baby Taylor"))
    open_task(mo, server, app, "mo", "Record the consent position before sharing information")
    answer(mo, CONSENT_GIVEN_ANSWERS)
    open_task(mo, server, app, "mo", "Refer the pregnancy to children's social care")
    answer(
        mo,
        [
            ("Does either parent have a learning disability?", "No"),
            ("Do the parents know about this referral?", "Yes"),
        ],
        **{
            "Your concerns for the unborn baby": "Mother has stopped her medication",
            "The parents' additional vulnerabilities": "Mental ill-health, substance misuse",
        },
    )
    # Children's social care: MASH decides a statutory assessment is needed.
    mia = as_user("mia")
    open_task(mia, server, app, "mia", "Make the threshold decision on the pre-birth referral")
    answer(
        mia,
        [
            ("Threshold decision", "Statutory pre-birth assessment"),
            ("Is significant harm to the baby suspected?", "No"),
        ],
        **{"Reasons for the decision": "Co-existing vulnerabilities"},
    )
    # Adult mental health: Pat agrees to share and contributes.
    pat = as_user("pat")
    open_task(pat, server, app, "pat", "Record the consent position before sharing information")
    answer(pat, CONSENT_GIVEN_ANSWERS)
    open_task(pat, server, app, "pat", "Contribute to the joint assessment")
    answer(
        pat,
        [("Your view of the risk to the child", "High")],
        **{
            "Your agency's involvement with the parent or family": "Care coordinator since 2024",
            "The parent's needs and vulnerabilities you know of": "Bipolar disorder",
            "How those needs may affect the care of the child": "Relapse risk after the birth",
            "Support your agency offers or will offer": "Weekly visits",
        },
    )
    # The other agencies asked (drug and alcohol, probation, midwifery and health visiting)
    # decline to share, by the API.
    for username in ("dan", "pete", "mo", "hv"):
        person = engine.authenticate(username, DEMO_PASSWORD).actor()
        [task] = [
            t
            for t in engine.tasks_for_user(person)
            if t.name == "Record the consent position before sharing information"
        ]
        engine.complete(task.id, CONSENT_REFUSED, person)
    # Children's social care: the joint risk assessment, its authorisation and the outcome.
    sam = as_user("sam")
    open_task(sam, server, app, "sam", "Complete the joint risk assessment")
    answer(
        sam,
        [("Overall risk to the child", "Medium")],  # high would call a strategy discussion
        **{
            "Risk factors, including vulnerabilities that co-exist": "Relapse and drug use",
            "Protective factors (a child is never a protective factor)": "Grandmother",
            "The parents' and family's views": "Jade wants help",
            "Recommendation": "Child protection conference",
        },
    )
    cal = as_user("cal")
    open_task(cal, server, app, "cal", "Authorise the joint risk assessment")
    answer(
        cal,
        [("Do you authorise the joint risk assessment?", "Yes")],
        **{"Your reason, or what must change": "Thorough and joint"},
    )
    open_task(cal, server, app, "cal", "Decide the outcome of the pre-birth assessment")
    answer(
        cal,
        [("Outcome", "Initial child protection conference")],
        **{"Reasons for the outcome": "High risk at birth"},
    )
    # Every agency sees the outcome on the case's timeline.
    pat.goto(f"{server}/cases/DEMO-001")
    timeline = pat.locator("main").inner_text()
    assert "Outcome: Initial child protection conference" in timeline
    assert "Task created: Chair the initial child protection conference" in timeline


def test_the_instance_diagram_is_drawn_with_bpmn_js_and_marks_where_the_case_is(
    app, server, browser
):
    engine = engine_of(app)
    pat = engine.authenticate("pat", DEMO_PASSWORD).actor()
    [describe] = engine.inbox(pat, "mine").tasks  # the demo's professional difference
    # once described, the partnership (the process owner's agency) may read it (Torbay s13)
    engine.complete(describe.id, {**DIFFERENCE, "other_practitioner": "sam"}, pat)
    [task] = engine.inbox(pat, "mine").tasks  # at stage 1
    page = browser.new_context(bypass_csp=True).new_page()  # for axe; the CSP is checked below
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, server, "owner")
    # a process owner has no work on the case: they look at its instance through break-glass
    page.goto(f"{server}/break-glass")
    assert serious_violations(page) == []
    page.get_by_label("Case reference").fill(task.case_ref)
    page.get_by_label("Why do you need to see this case?").fill("Checking the diagram marks")
    follow(page.get_by_role("button", name="Open break-glass access"))
    page.wait_for_url(f"{server}/cases/{task.case_ref}")
    page.goto(f"{server}/instances/{task.instance_id}")
    page.wait_for_selector(".app-diagram[data-diagram-state=ready]")
    active = page.locator(f'.app-diagram g.djs-element[data-element-id="{task.element_id}"]')
    assert "app-active" in active.get_attribute("class")
    completed = page.locator(".app-diagram g.djs-element.app-completed")
    assert completed.count() >= 1
    assert "Stage 1:" in active.text_content()  # inside the ladder's embedded subprocesses
    page.goto(f"{server}/admin/processes/{task.process_key}")
    page.wait_for_selector(".app-diagram[data-diagram-state=ready]")
    assert page.locator(".app-diagram g.djs-element.djs-shape").count() > 5
    assert serious_violations(page) == []
    page.goto(f"{server}/admin/processes")
    assert serious_violations(page) == []
    assert errors == []


def test_the_diagram_draws_under_the_apps_content_security_policy(app, server, browser):
    page = browser.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    sign_in(page, server, "owner")
    page.goto(f"{server}/admin/processes/pre-birth-assessment")
    page.wait_for_selector(".app-diagram[data-diagram-state=ready]")
    assert [text for text in violations if "Content Security Policy" in text] == []


def test_the_head_of_service_sees_what_is_being_decided_at_stage_3(app, server, browser):
    """Issue 14: at stage 3 the Head of Service's page shows the concern and both agencies'
    stage 2 positions above an empty form, and where the difference stands on the ladder."""
    engine = engine_of(app)

    def act(username, name, **data):
        person = engine.authenticate(username, DEMO_PASSWORD).actor()
        [task] = [t for t in engine.tasks_for_user(person) if t.name == name]
        engine.complete(task.id, data, person)

    act("pat", "Describe the professional difference", **DIFFERENCE)
    act(
        "pat",
        S1_RAISER,
        s1_raiser_position="Relapse raises the risk",
        s1_raiser_resolved="no",
        s1_raiser_actions="Joint visit",
        s1_raiser_immediate_risk="no",
    )
    act(
        "sam",
        S1_OTHER,
        s1_other_position="Early help is enough",
        s1_other_resolved="no",
        s1_other_immediate_risk="no",
    )
    act(
        "sue",
        S2_RAISER,
        s2_raiser_position="AMH: a statutory assessment is needed",
        s2_raiser_immediate_risk="no",
    )
    act(
        "sen",
        S2_OTHER,
        s2_other_position="CSC: early help meets Ruby's needs",
        s2_other_immediate_risk="no",
    )
    act("sue", S2_DECISION, s2_resolved="no", s2_decision="Not agreed", s2_actions="Refer up")

    page = browser.new_page()
    sign_in(page, server, "hos")
    open_task(page, server, app, "hos", S3_OTHER)
    context = page.locator(".app-context").inner_text()
    assert DIFFERENCE["concern"] in context
    assert "AMH: a statutory assessment is needed" in context
    assert "early help meets Ruby" in context
    assert "Stage 3 of 4: Heads of Service — moves to Final decision on" in page.content()
    assert page.get_by_label("Your agency's position, as its Head of Service").input_value() == ""
    page.close()

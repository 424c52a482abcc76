"""Forms that help and small screens (issue 19 items 4–5) in Debian's Chromium: no page wider
than a phone, the reassign list, error summaries that name the question, a cross-field rule's
message, the timeline's filters; axe clean throughout."""

from __future__ import annotations

import pytest

from .test_browser import browser as browser  # noqa: F401 - the fixtures, shared
from .test_browser import follow, serious_violations, server, sign_in  # noqa: F401
from .test_forms_help import CHECK_IN, busy_case, deploy_check_in
from .test_professional_differences import DIFFERENCE
from .test_web import DESCRIBE, to_approval

PHONES = (320, 360, 400)


def overflow(page) -> int:
    """How far the page is wider than the viewport (0: it fits, no sideways scrolling)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def pages_of(app, base: str, username: str) -> dict[str, str]:
    from webapp import engine_of

    from .test_web import actor_of

    engine = engine_of(app)
    tasks = engine.inbox(actor_of(app, username), "all").tasks
    return {
        "inbox": f"{base}/inbox",
        "team inbox": f"{base}/inbox?tab=team",
        "task": f"{base}/tasks/{tasks[0].id}",
        "case": f"{base}/cases/DEMO-001",
        "approvals": f"{base}/approvals",
    }


@pytest.mark.parametrize("width", PHONES)
def test_no_page_is_wider_than_a_phone(app, server, browser, width):  # noqa: F811
    to_approval(app)
    busy_case(app)
    context = browser.new_context(viewport={"width": width, "height": 740}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, server, "amy")
    too_wide = {}
    for name, url in pages_of(app, server, "amy").items():
        page.goto(url)
        if (extra := overflow(page)) > 0:
            too_wide[name] = extra
    assert too_wide == {}
    page.goto(f"{server}/inbox?tab=team")
    assert page.locator(".govuk-table").first.is_visible()
    assert serious_violations(page) == []
    context.close()


def test_the_reassign_list_and_a_refused_choice_in_the_browser(app, server, browser):  # noqa: F811
    deploy_check_in(app)
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, server, "amy")
    page.goto(f"{server}/inbox?tab=team")
    select = page.get_by_label(f"Reassign {CHECK_IN} to")
    options = select.locator("option").all_inner_texts()
    assert options == ["Amy Manager", "Pat Practitioner"]  # Pia is in the team, no candidate
    assert overflow(page) <= 0 and serious_violations(page) == []
    follow(page.get_by_role("link", name=CHECK_IN))
    # a stale page: the list offered Pia, who may not do it
    page.evaluate(
        "() => { const o = document.createElement('option'); o.value = 'pia'; o.text = 'Pia';"
        " document.getElementById('assignee').add(o); }"
    )
    page.get_by_label("Give this task to").select_option("pia")
    follow(page.get_by_role("button", name="Reassign"))
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Pia Practitioner cannot do this task" in summary.inner_text()
    assert page.get_by_role("heading", name=CHECK_IN).is_visible()
    assert serious_violations(page) == []
    context.close()


def test_the_error_summary_names_the_question_and_a_rule_says_why(app, server, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 400, "height": 800}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, server, "pat")
    follow(page.get_by_role("link", name=DESCRIBE))
    page.get_by_label("Describe the difference and why it matters for the child or adult").fill(
        "Too short"
    )
    follow(page.get_by_role("button", name="Complete"))
    summary = page.locator(".govuk-error-summary").inner_text()
    assert (
        "Describe the difference and why it matters for the child or adult: must be at least 10 "
        "characters"
    ) in summary
    assert overflow(page) <= 0 and serious_violations(page) == []
    page.get_by_role("link", name="Describe the difference and why it matters").first.click()
    assert page.evaluate("() => document.activeElement.id") == "concern"

    page.get_by_role("group", name="Who is the difference about?").get_by_label("A child").check()
    page.get_by_label("Their name").fill("Ruby Taylor")
    page.get_by_role("group", name="The agency you disagree with").get_by_label(
        "Adult mental health"
    ).check()  # Pat's own agency
    page.get_by_label("The practitioner you disagree with", exact=False).fill("amy")
    page.get_by_role("group", name="What is the difference about?").get_by_label(
        "A threshold decision"
    ).check()
    page.get_by_label("Describe the difference and why it matters for the child or adult").fill(
        DIFFERENCE["concern"]
    )
    page.get_by_label("What has been tried to resolve it so far").fill(DIFFERENCE["tried"])
    for question in (
        "Have you talked it through with your own supervisor?",
        "Is the child or adult at immediate risk of significant harm?",
    ):
        page.get_by_role("group", name=question).get_by_label("No", exact=True).check()
    follow(page.get_by_role("button", name="Complete"))
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Choose the agency you disagree with: it cannot be your own agency" in summary
    assert serious_violations(page) == []
    context.close()


def test_the_timeline_filters_and_pages_on_a_phone(app, server, browser):  # noqa: F811
    busy_case(app)
    context = browser.new_context(viewport={"width": 320, "height": 740}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, server, "pat")
    page.goto(f"{server}/cases/DEMO-001")
    assert page.locator("#timeline ~ ol > li").count() == 25
    page.get_by_label("Kind").select_option("tasks")
    follow(page.get_by_role("button", name="Filter the timeline"))
    assert "kind=tasks" in page.url
    assert page.get_by_role("link", name="Clear filters").is_visible()
    follow(page.get_by_role("link", name="Older"))
    assert "page=2" in page.url and "kind=tasks" in page.url
    assert overflow(page) <= 0 and serious_violations(page) == []
    context.close()

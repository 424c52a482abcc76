"""A practitioner creates a case and records its family in a real browser (Debian's Chromium
through Playwright), and every case record page is checked with axe-core."""

from __future__ import annotations

from .test_browser import browser as browser  # noqa: F401 - the fixtures, shared
from .test_browser import follow, serious_violations, sign_in
from .test_browser import server as server  # noqa: F401

NEW_CASE = "JU-2026-000001"


def fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_a_practitioner_creates_a_case_with_an_unborn_baby_and_a_protective_factor(
    app, server, browser
):
    page = browser.new_context(bypass_csp=True).new_page()  # lets axe's script in
    sign_in(page, server, "mo")  # Mo, a midwife
    violations = {}

    page.goto(f"{server}/cases")
    follow(page.get_by_role("button", name="Create a case"))
    page.wait_for_url(f"{server}/cases/new")
    violations["create"] = serious_violations(page)
    follow(page.get_by_role("button", name="Create the case"))
    assert "Enter the family name" in page.locator(".govuk-error-summary").inner_text()
    violations["create with errors"] = serious_violations(page)
    page.get_by_label("Family name").fill("Hughes")
    page.get_by_label("Summary (optional)").fill("Booked late; partner in the household")
    follow(page.get_by_role("button", name="Create the case"))
    page.wait_for_url(f"{server}/cases/{NEW_CASE}")
    assert "Hughes family" in page.content() and "Mo Midwife" in page.content()

    follow(page.get_by_role("button", name="Add a family member"))
    page.wait_for_url("**/members/new")
    page.get_by_role("radio", name="Adult", exact=True).check()
    page.get_by_label("Full name").fill("Kerry Hughes")
    follow(page.get_by_role("button", name="Add to the family"))
    page.wait_for_url(f"{server}/cases/{NEW_CASE}#family")
    follow(page.get_by_role("button", name="Add a family member"))
    page.wait_for_url("**/members/new")
    violations["add a member"] = serious_violations(page)
    page.get_by_role("radio", name="Unborn baby").check()
    page.get_by_label("Full name").fill("Baby Hughes")
    follow(page.get_by_role("button", name="Add to the family"))
    summary = page.locator(".govuk-error-summary")
    assert "Enter the expected due date of the unborn baby" in summary.inner_text()
    assert page.get_by_label("Full name").input_value() == "Baby Hughes"  # kept
    violations["add a member with errors"] = serious_violations(page)
    fill_date(page, "Expected due date (unborn babies only)", "1", "5", "2027")
    follow(page.get_by_role("button", name="Add to the family"))
    page.wait_for_url(f"{server}/cases/{NEW_CASE}#family")
    assert "Baby Hughes is added to the family." in page.content()
    assert "Due 1 May 2027" in page.content()

    follow(page.get_by_role("link", name="Record a protective factor"))
    page.wait_for_url("**/protective")
    violations["protective factor"] = serious_violations(page)
    page.get_by_label("Protective factor").fill("Kerry's sister lives with the family")
    page.get_by_label("The adult it rests on (optional)").select_option(label="Kerry Hughes")
    follow(page.get_by_role("button", name="Record the protective factor"))
    page.wait_for_url(f"{server}/cases/{NEW_CASE}#family")
    assert "Kerry's sister lives with the family (Kerry Hughes)" in page.content()
    assert "Protective factor added" in page.content()
    violations["case"] = serious_violations(page)

    follow(page.get_by_role("link", name="Change Baby Hughes"))
    page.wait_for_url("**/members/*")
    violations["change a member"] = serious_violations(page)
    page.goto(f"{server}/cases/{NEW_CASE}")
    follow(page.get_by_role("link", name="Record the birth of Baby Hughes"))
    page.wait_for_url("**/birth")
    violations["birth"] = serious_violations(page)
    page.goto(f"{server}/cases/{NEW_CASE}")
    follow(page.get_by_role("link", name="Record who cares for whom"))
    page.wait_for_url("**/caring")
    violations["caring"] = serious_violations(page)
    page.goto(f"{server}/cases/{NEW_CASE}/details")
    violations["details"] = serious_violations(page)
    page.goto(f"{server}/cases?q=hughes")
    assert NEW_CASE in page.content()
    violations["search"] = serious_violations(page)
    assert not {name: found for name, found in violations.items() if found}

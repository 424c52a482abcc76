"""An administrator adds a team and a person in a real browser (Chromium via Playwright); the
new person sets their password from the link and signs in. Every page is axe-clean."""

from __future__ import annotations

from .test_browser import AXE, browser, follow, serious_violations, server, sign_in  # noqa: F401

PASSWORD = "marble kestrel orchard"


def test_an_administrator_adds_a_team_and_a_person_who_then_signs_in(app, server, browser):  # noqa: F811
    assert AXE.exists(), "axe-core comes from npm (make test runs npm ci)"
    context = browser.new_context(bypass_csp=True)  # lets axe's script in; the app's CSP stays
    page = context.new_page()
    sign_in(page, server, "admin")
    follow(page.get_by_role("link", name="People and teams"))
    assert serious_violations(page) == []

    follow(page.get_by_role("link", name="Teams", exact=True))
    follow(page.get_by_role("button", name="Add a team"))
    follow(page.get_by_role("button", name="Add team"))
    summary = page.locator(".govuk-error-summary")
    assert "Enter the team's name" in summary.inner_text()
    assert serious_violations(page) == []
    page.get_by_label("Team code").fill("csc-south")
    page.get_by_label("Team name").fill("Children's social care south")
    page.get_by_label("Agency").select_option("childrens-social-care")
    page.get_by_label("Team manager's username (optional)").fill("cal")
    follow(page.get_by_role("button", name="Add team"))
    assert "Team Children's social care south is added" in page.content().replace("&#39;", "'")
    assert serious_violations(page) == []

    follow(page.get_by_role("link", name="People", exact=True))
    follow(page.get_by_role("button", name="Add a person"))
    page.get_by_label("Username", exact=True).fill("nia")
    follow(page.get_by_role("button", name="Add person"))
    assert "Enter the person's full name" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Username", exact=True).input_value() == "nia"  # nothing typed is lost
    assert serious_violations(page) == []
    page.get_by_label("Full name").fill("Nia Newcomer")
    page.get_by_label("Email address").fill("nia@joinedup.test")
    page.get_by_label("Agency").select_option("childrens-social-care")
    page.get_by_label("Team", exact=True).select_option("csc-south")
    page.get_by_label("Practitioner", exact=True).check()
    page.get_by_label("Line manager's username (optional)").fill("cal")
    follow(page.get_by_role("button", name="Add person"))
    assert "Nia Newcomer is added" in page.content()
    assert serious_violations(page) == []
    link = page.locator("#reset-link").inner_text()

    newcomer = browser.new_context(bypass_csp=True).new_page()
    newcomer.set_default_timeout(60_000)
    newcomer.goto(link)
    assert serious_violations(newcomer) == []
    newcomer.get_by_label("New password").fill(PASSWORD)
    newcomer.get_by_label("Enter it again").fill(PASSWORD)
    follow(newcomer.get_by_role("button", name="Set password"))
    newcomer.wait_for_url(f"{server}/sign-in")
    newcomer.get_by_label("Username").fill("nia")
    newcomer.get_by_label("Password", exact=True).fill(PASSWORD)
    follow(newcomer.get_by_role("button", name="Sign in"))
    newcomer.wait_for_url(f"{server}/inbox")
    assert "Signed in as Nia Newcomer" in newcomer.content()
    assert newcomer.get_by_role("link", name="People and teams").count() == 0

    page.goto(f"{server}/admin/people/nia")
    assert serious_violations(page) == []
    page.goto(f"{server}/admin/people/import")
    assert serious_violations(page) == []
    page.goto(f"{server}/admin/teams/csc-south")
    assert "Nia Newcomer" in page.content()
    assert serious_violations(page) == []

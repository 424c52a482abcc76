"""A process owner finds a failed instance from the Processes page and retries it, in Chromium;
every page on the way is checked with axe-core."""

from __future__ import annotations

from engine.demo import DEMO_PASSWORD as DEMO

from .test_browser import browser, follow, serious_violations, server, sign_in  # noqa: F401
from .test_incidents import failed_on_web, fix_variable  # noqa: F401 - fixture


def test_an_owner_follows_the_failed_count_opens_the_instance_and_retries_it(
    failed_on_web,  # noqa: F811
    server,  # noqa: F811
    browser,  # noqa: F811
    tmp_path,
):
    engine, ref = failed_on_web
    page = browser.new_context(bypass_csp=True).new_page()  # lets axe in; the CSP stays
    sign_in(page, server, "owner")
    page.goto(f"{server}/admin/processes")
    assert serious_violations(page) == []
    follow(page.get_by_role("link", name="1 failed instances of Gate"))
    page.wait_for_url(f"{server}/admin/processes/gate/instances?state=failed")
    assert "1 failed instance" in page.inner_text("caption")
    assert serious_violations(page) == []
    follow(page.get_by_role("link", name=f"Instance {ref.id}"))
    page.wait_for_url(f"{server}/admin/instances/{ref.id}")
    failure = page.locator(".govuk-summary-list").nth(1).inner_text()
    assert "unknown variable 'missing'" in failure and "Which way? (gw)" in failure
    assert serious_violations(page) == []
    page.screenshot(path=str(tmp_path / "failed-instance.png"), full_page=True)
    follow(page.get_by_role("link", name="The instance page, with its diagram and history"))
    page.wait_for_url(f"{server}/instances/{ref.id}")
    assert "What failed, and what you can do" in page.inner_text("main")
    assert serious_violations(page) == []
    page.go_back()

    follow(page.get_by_role("button", name="Retry"))
    assert "It failed again" in page.inner_text(".govuk-notification-banner")
    fix_variable(engine, ref.id, missing=1)
    follow(page.get_by_role("button", name="Retry"))
    banner = page.inner_text(".govuk-notification-banner")
    assert "the failure is resolved" in banner
    assert "Retried by Olu Process Owner" in page.content()
    assert serious_violations(page) == []

    follow(page.get_by_role("link", name="All failed instances of Gate"))
    assert "0 failed instances" in page.inner_text("caption")
    follow(page.get_by_role("link", name="Finished (1)"))
    assert f"Instance {ref.id}" in page.inner_text("table")
    assert serious_violations(page) == []


def test_the_cancel_confirmation_page_and_its_error_are_accessible(
    failed_on_web,  # noqa: F811
    server,  # noqa: F811
    browser,  # noqa: F811
):
    engine, ref = failed_on_web
    page = browser.new_context(bypass_csp=True).new_page()  # lets axe in; the CSP stays
    sign_in(page, server, "owner")
    page.goto(f"{server}/admin/instances/{ref.id}")
    follow(page.get_by_role("link", name="Cancel the instance"))
    assert "cannot be undone" in page.inner_text(".govuk-warning-text")
    assert serious_violations(page) == []
    follow(page.get_by_role("button", name="Cancel the instance"))
    assert "Enter why you are cancelling it" in page.inner_text(".govuk-error-summary")
    assert serious_violations(page) == []
    page.get_by_label("Why are you cancelling it?").fill("Started twice by mistake")
    follow(page.get_by_role("button", name="Cancel the instance"))
    assert "The instance is cancelled" in page.inner_text(".govuk-notification-banner")
    assert (
        engine.owned_instance(ref.id, engine.authenticate("owner", DEMO).actor())["instance"].status
        == "cancelled"
    )

"""A practitioner's day in a real browser (Debian's Chromium driven by Playwright), and an
accessibility check of the inbox and task pages with axe-core (from npm)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from engine.demo import DEMO_PASSWORD
from webapp import engine_of

from .test_professional_differences import DIFFERENCE

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
MASH_TASK = "Act now under child protection procedures"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed (apt-get install chromium)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def raise_with_immediate_risk(app):
    engine = engine_of(app)
    pat = engine.authenticate("pat", DEMO_PASSWORD).actor()
    [task] = engine.inbox(pat, "mine").tasks
    engine.complete(task.id, {**DIFFERENCE, "immediate_risk": "yes"}, pat)


def sign_in(page, server, username):
    page.set_default_timeout(10_000)
    page.goto(f"{server}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/inbox")


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

    page.get_by_role("link", name="My teams' unclaimed").click()
    page.get_by_role("button", name=f"Claim {MASH_TASK}").click()
    assert "The task is now assigned to you." in page.content()
    page.get_by_role("link", name="Assigned to me").click()
    page.get_by_role("link", name=MASH_TASK).click()

    page.get_by_label("Section 47 enquiry started").check()
    page.get_by_role("button", name="Complete").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter 'What was done to keep the child safe'" in summary.inner_text()
    assert page.get_by_label("Section 47 enquiry started").is_checked()  # nothing lost

    page.get_by_label("What was done to keep the child safe").fill(
        "Strategy discussion held with police"
    )
    page.get_by_role("button", name="Complete").click()
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
    page.get_by_role(
        "link", name="Stage 1: discuss with the other practitioner and record the outcome"
    ).click()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Complete").click()  # the page with every error shown
    assert page.locator(".govuk-error-summary").is_visible()
    assert serious_violations(page) == []
    page.goto(f"{server}/cases/DEMO-001")
    assert serious_violations(page) == []
    context.close()

"""The partnership assurance dashboard in Chromium: the chair finds it, filters it, and every
chart has its caption and its data table beside it; axe finds nothing serious."""

from __future__ import annotations

from .test_assurance import demo_facts  # noqa: F401 - the fixture
from .test_browser import browser, follow, serious_violations, server, sign_in  # noqa: F401

SECTIONS = {
    "escalations": "Number of professional differences by the highest stage reached",
    "stages": "Share of stages finished within their timescale",
    "deadlines": "Share of deadlines met on time, by agency",
    "pre-birth": "Share of each milestone met on time",
    "transition": "Share of each milestone met on time",
}


def test_the_chair_reads_the_dashboard_each_chart_with_its_table(
    app,
    server,  # noqa: F811 - the fixture
    browser,  # noqa: F811 - the fixture
    demo_facts,  # noqa: F811 - the fixture
    tmp_path,
):
    page = browser.new_context(bypass_csp=True).new_page()  # lets axe's script in
    sign_in(page, server, "chair")
    follow(page.get_by_role("link", name="Assurance"))
    page.get_by_label("Date from").fill("2026-11-01")
    page.get_by_label("Date to").fill("2026-12-31")
    follow(page.get_by_role("button", name="Show figures"))
    page.wait_for_url(f"{server}/assurance?from=2026-11-01&to=2026-12-31&agency=")
    assert serious_violations(page) == []
    for slug, chart in SECTIONS.items():
        figure = page.locator(f"figure:has(#chart-{slug})")
        assert figure.locator("figcaption").inner_text() == chart
        beside = page.locator(f"#table-{slug}")
        assert beside.is_visible()
    # the drawn charts are images named by their caption and their figures
    escalations = page.get_by_role("img", name=SECTIONS["escalations"])
    assert escalations.is_visible()
    assert page.locator("#chart-escalations-summary").text_content() == "Senior managers: 1"
    table = page.get_by_role("table", name="Deadlines met and missed by agency and process")
    assert "Children's social care" in table.inner_text()
    page.screenshot(path=str(tmp_path / "assurance.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Deadlines met and missed").click()
    assert download.value.suggested_filename == ("assurance-deadlines-2026-11-01-to-2026-12-31.csv")


def test_the_charts_need_nothing_the_content_security_policy_refuses(
    app,
    server,  # noqa: F811 - the fixture
    browser,  # noqa: F811 - the fixture
    demo_facts,  # noqa: F811 - the fixture
):
    page = browser.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text))
    sign_in(page, server, "chair")
    page.goto(f"{server}/assurance?from=2026-11-01&to=2026-12-31")
    assert page.locator("#chart-deadlines-summary").count() == 1
    assert [text for text in refused if "Content Security Policy" in text] == []


def test_a_bad_date_is_named_and_what_was_typed_stays(
    app,
    server,  # noqa: F811 - the fixture
    browser,  # noqa: F811 - the fixture
):
    page = browser.new_context(bypass_csp=True).new_page()
    sign_in(page, server, "pbm")
    page.goto(f"{server}/assurance?from=1%2F12%2F2026&to=2026-12-31")
    summary = page.locator(".govuk-error-summary")
    assert "Date from must be a real date" in summary.inner_text()
    assert page.get_by_label("Date from").input_value() == ""  # a date field cannot hold it
    assert serious_violations(page) == []


def test_a_head_of_service_and_an_empty_period_on_a_phone_are_accessible_and_fit(
    app,
    server,  # noqa: F811 - the fixture
    browser,  # noqa: F811 - the fixture
    demo_facts,  # noqa: F811 - the fixture
):
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, server, "hos")
    for query in ("from=2026-11-01&to=2026-12-31", "from=2020-01-01&to=2020-01-31"):
        page.goto(f"{server}/assurance?{query}")
        assert serious_violations(page) == [], query
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, f"{query}: the page is {width}px wide on a 360px phone"
    context.close()

"""Words, not codes, in a real browser: each demo person's inbox, task, case and Approvals
pages as Chromium draws them, screenshot in full and reviewed here (the picture has the page's
size and is not blank; the words asserted are visible), and axe still finds nothing serious."""

from __future__ import annotations

import struct
import zlib

from engine.demo import DEMO_CASE

from .test_browser import browser, follow, serious_violations, server, sign_in  # noqa: F401
from .test_wording import PD_SUBJECT, S2_AGREE, codes_in, walk_the_difference

PAGE_WIDTH = 1024


def png_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height, from its header."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def distinct_bytes(data: bytes) -> int:
    """How many different byte values the decoded image rows hold (a blank page has few)."""
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        if kind == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    return len(set(zlib.decompress(b"".join(chunks))))


def new_page(browser):  # noqa: F811
    """A page of the width the screenshots are checked against (CSP bypassed for axe only)."""
    context = browser.new_context(viewport={"width": PAGE_WIDTH, "height": 800}, bypass_csp=True)
    return context.new_page()


def review(page, path, *visible: str) -> None:
    """Screenshot the whole page and check it as a reviewer would."""
    shot = page.screenshot(path=str(path), full_page=True)
    width, height = png_size(shot)
    assert width == PAGE_WIDTH and height >= 400, (path.name, width, height)
    assert distinct_bytes(shot) > 50, f"{path.name} looks blank"
    for text in visible:
        assert page.get_by_text(text, exact=False).first.is_visible(), (path.name, text)
    main = page.locator("main").inner_text()
    assert codes_in(main) == [], (path.name, codes_in(main))
    assert serious_violations(page) == [], path.name


# (person, pages to visit, words each must show)
WALK = [
    ("pat", ["/inbox?tab=completed", f"/cases/{DEMO_CASE}"], ["Pat Practitioner"]),
    ("sam", ["/inbox?tab=completed", f"/cases/{DEMO_CASE}"], ["about Ruby Taylor"]),
    ("sen", ["/inbox?tab=team", "/approvals"], [S2_AGREE]),
    ("cal", ["/inbox", "/approvals", f"/cases/{DEMO_CASE}"], ["Cal Team Manager"]),
    ("hos", ["/inbox", "/approvals", f"/cases/{DEMO_CASE}"], ["Hana Head of Service"]),
    ("chair", ["/inbox", "/approvals"], ["Chris Partnership Chair"]),
]


def test_each_demo_person_reads_words_not_codes_in_chromium(
    app,
    server,  # noqa: F811
    browser,  # noqa: F811
    tmp_path,
):
    walk_the_difference(app)
    for username, urls, words in WALK:
        page = new_page(browser)
        sign_in(page, server, username)
        for number, url in enumerate(urls):
            page.goto(server + url)
            review(page, tmp_path / f"{username}-{number}.png", *words)
        task_links = page.locator("main a[href^='/tasks/']")
        if task_links.count():
            follow(task_links.first)
            review(page, tmp_path / f"{username}-task.png")
        page.context.close()
    assert len(list(tmp_path.glob("*.png"))) >= 13


def test_the_case_page_names_the_subject_and_answers_in_chromium(
    app,
    server,  # noqa: F811
    browser,  # noqa: F811
    tmp_path,
):
    walk_the_difference(app)
    page = new_page(browser)
    sign_in(page, server, "sam")
    page.goto(f"{server}/cases/{DEMO_CASE}")
    review(
        page,
        tmp_path / "case.png",
        PD_SUBJECT,
        "What is the difference about? A threshold decision",
        "The agency you disagree with: Children's social care",
    )

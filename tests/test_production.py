"""The production recipe, end to end, as README "Running in production" gives it: build the
assets and the wheel, install it into a fresh virtual environment, ``joinedup init-db``,
``joinedup create-admin``, ``joinedup deploy workflows/``, run ``joinedup serve --production``
(gunicorn) against PostgreSQL; then load a styled page in Chromium, and the new administrator
creates a team, a person and a case in the browser."""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import create_engine, text

from engine.db import normalise_url

from .test_browser import browser, follow  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
VIEWER_FILES = (
    "bpmn-navigated-viewer.production.min.js",
    "assets/diagram-js.css",
    "assets/bpmn-js.css",
)
ADMIN_PASSWORD = "lantern heron quarry"  # noqa: S105 - a test's own administrator
NEWCOMER_PASSWORD = "copper meadow signal"  # noqa: S105 - the person the administrator adds
LEFT_OUT = {".git", ".venv", "node_modules", "instance", "tests", "benchmarks", "dist", "build"}

pytestmark = [
    pytest.mark.production,
    pytest.mark.skipif(
        not POSTGRES_URL.startswith("postgres"),
        reason="the production recipe runs on PostgreSQL: set TEST_DATABASE_URL (CI does)",
    ),
]


def _source_copy(folder: Path) -> Path:
    """The checkout's sources without build output, with the assets built by ``npm run build``."""
    source = folder / "src"

    def ignore(directory: str, names: list[str]) -> set[str]:
        top = Path(directory) == ROOT
        skipped = {"__pycache__", ".pytest_cache"} | (LEFT_OUT if top else set())
        return {name for name in names if name in skipped or name.endswith(".egg-info")}

    shutil.copytree(ROOT, source, ignore=ignore, symlinks=False)
    shutil.rmtree(source / "webapp" / "static" / "build", ignore_errors=True)
    (source / "node_modules").symlink_to(ROOT / "node_modules")
    _run(["npm", "run", "--silent", "build"], cwd=source)
    (source / "node_modules").unlink()
    return source


def _run(command: list, **options) -> None:
    subprocess.run(command, check=True, **options)  # noqa: S603 - our own commands


def _install(folder: Path) -> tuple[Path, Path]:
    """Build the wheel and install it into a fresh virtual environment: its ``bin`` folder and
    the source copy it was built from (whose ``workflows/`` the recipe deploys)."""
    source = _source_copy(folder)
    wheels = folder / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    _run([*pip, "wheel", "--no-deps", "-w", wheels, source])
    venv = folder / "venv"
    _run([sys.executable, "-m", "venv", venv])
    wheel = next(wheels.glob("joinedup-*.whl"))
    python = venv / "bin" / "python"
    _run([python, "-m", "pip", "install", "-q", wheel], cwd=folder)
    return venv / "bin", source


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """``_install`` once per test session, however many xdist workers run these tests: the
    first builds under a lock in the folder the session's workers share, the others reuse it."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / "production-install"
    with open(root / "production-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "installed").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            _install(folder)
            (folder / "installed").touch()
    return folder / "venv" / "bin", folder / "src"


@pytest.fixture(scope="module")
def database():
    """A new, empty PostgreSQL database (the server's own start-up migrates it)."""
    server = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = f"joinedup_prod_{uuid.uuid4().hex[:10]}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the production server exited while starting"
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the production server did not answer at {url} in {seconds}s")


class Production(NamedTuple):
    """The running server's address, and how to run more ``joinedup`` commands beside it."""

    url: str
    joinedup: Path
    env: dict
    folder: Path


@pytest.fixture(scope="module")
def production_server(tmp_path_factory, installed, database):
    """The README's recipe from the installed wheel, run outside the checkout: the schema, the
    first administrator, the shipped workflows, then ``joinedup serve --production``."""
    folder = tmp_path_factory.mktemp("production")
    bin_folder, source = installed
    port = _free_port()
    env = {
        "PATH": f"{bin_folder}:/usr/bin:/bin",
        "HOME": str(folder),
        "DATABASE_URL": database,
        "JOINEDUP_SECRET_KEY": secrets.token_hex(32),
        "JOINEDUP_INSECURE_COOKIES": "1",
        "JOINEDUP_WORKERS": "2",
    }
    password_file = folder / "admin-password"
    password_file.write_text(ADMIN_PASSWORD + "\n")
    joinedup = bin_folder / "joinedup"
    _run([joinedup, "init-db"], cwd=folder, env=env)
    create_admin = ["create-admin", "ada", "--name", "Ada Admin", "--email", "ada@example.test"]
    _run([joinedup, *create_admin, "--password-file", password_file], cwd=folder, env=env)
    _run([joinedup, "deploy", source / "workflows"], cwd=folder, env=env)
    command = [joinedup, "serve", "--production", "--port", str(port)]
    process = subprocess.Popen(command, cwd=folder, env=env)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield Production(url, joinedup, env, folder)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


def test_the_installed_wheel_under_gunicorn_serves_a_styled_page_and_the_viewer(
    production_server,
    browser,  # noqa: F811 - the fixture
):
    page = browser.new_page()
    statuses: dict[str, int] = {}
    page.on("response", lambda response: statuses.update({response.url: response.status}))
    page.goto(production_server.url + "/")
    page.wait_for_load_state("networkidle")
    button = page.locator(".govuk-button").first  # the sign-in page's "Sign in"
    background = button.evaluate("e => getComputedStyle(e).backgroundColor")
    init_all = page.evaluate(
        "() => import('/assets/govuk-frontend.min.js').then(module => typeof module.initAll)"
    )
    assets = {url: status for url, status in statuses.items() if "/assets/" in url}
    assert assets.get(production_server.url + "/assets/app.css") == 200, assets
    assert assets.get(production_server.url + "/assets/govuk-frontend.min.js") == 200, assets
    assert all(status == 200 for status in assets.values()), assets
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "the button is unstyled"
    assert init_all == "function", "GOV.UK Frontend's JavaScript did not load"
    for name in VIEWER_FILES:  # the diagram pages' bpmn-js, also from the package
        viewer_url = f"{production_server.url}/assets/bpmn-js/{name}"
        with urllib.request.urlopen(viewer_url) as answer:  # noqa: S310 - loopback
            assert answer.status == 200, name


def test_a_new_administrator_creates_a_team_a_person_and_a_case_in_the_browser(
    production_server,
    browser,  # noqa: F811 - the fixture
):
    server = production_server.url
    page = browser.new_page()
    page.set_default_timeout(60_000)
    _sign_in(page, server, "ada", ADMIN_PASSWORD)
    assert "Signed in as Ada Admin" in page.content()

    follow(page.get_by_role("link", name="People and teams"))
    follow(page.get_by_role("link", name="Teams", exact=True))
    follow(page.get_by_role("button", name="Add a team"))
    page.get_by_label("Team code").fill("mw-north")
    page.get_by_label("Team name").fill("Community midwives north")
    page.get_by_label("Agency").select_option("midwifery")
    follow(page.get_by_role("button", name="Add team"))
    assert "Community midwives north is added" in page.content()

    follow(page.get_by_role("link", name="People", exact=True))
    follow(page.get_by_role("button", name="Add a person"))
    page.get_by_label("Username", exact=True).fill("mina")
    page.get_by_label("Full name").fill("Mina Midwife")
    page.get_by_label("Email address").fill("mina@example.test")
    page.get_by_label("Agency").select_option("midwifery")
    page.get_by_label("Team", exact=True).select_option("mw-north")
    page.get_by_label("Practitioner", exact=True).check()
    follow(page.get_by_role("button", name="Add person"))
    assert "Mina Midwife is added" in page.content()
    link = page.locator("#reset-link").inner_text()

    page.goto(f"{server}/cases")
    follow(page.get_by_role("button", name="Create a case"))
    page.get_by_label("Family name").fill("Okafor")
    page.get_by_label("Agency that holds the case").select_option("midwifery")
    follow(page.get_by_role("button", name="Create the case"))
    created = re.search(r"Case (JU-\d{4}-\d{6}) is created", page.content())
    assert created, "the administrator is told the new case's reference"
    reference = created.group(1)

    newcomer = browser.new_page()
    newcomer.set_default_timeout(60_000)
    newcomer.goto(link)
    newcomer.get_by_label("New password").fill(NEWCOMER_PASSWORD)
    newcomer.get_by_label("Enter it again").fill(NEWCOMER_PASSWORD)
    follow(newcomer.get_by_role("button", name="Set password"))
    newcomer.wait_for_url(f"{server}/sign-in")
    _sign_in(newcomer, server, "mina", NEWCOMER_PASSWORD)
    newcomer.goto(f"{server}/cases")
    cases_seen = newcomer.content()  # her agency holds the case: she sees it
    newcomer.goto(f"{server}/cases/{reference}")
    case_page = newcomer.content()
    assert reference in cases_seen and "Okafor" in cases_seen
    assert "Okafor family" in case_page


def test_the_scheduler_runs_as_its_own_process_and_sends_the_outbox(production_server):
    """``joinedup scheduler`` from the installed wheel, beside the web server, delivers what
    the web app queued (the newcomer's set-your-password email from the test above, or the
    one queued here) over real SMTP."""
    from aiosmtpd.controller import Controller

    from .test_notifications import Inbox, free_port

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = {
        **production_server.env,
        "JOINEDUP_SMTP_HOST": "127.0.0.1",
        "JOINEDUP_SMTP_PORT": str(smtp.port),
        "JOINEDUP_BASE_URL": production_server.url,
    }
    joinedup, folder = production_server.joinedup, production_server.folder
    add = ["people", "add", "rio", "--name", "Rio Reviewer", "--agency", "police"]
    _run([joinedup, *add, "--role", "practitioner", "--email", "rio@example.test"],
         cwd=folder, env=env)  # fmt: skip
    scheduler = subprocess.Popen([joinedup, "scheduler"], cwd=folder, env=env)  # noqa: S603
    try:
        deadline = time.monotonic() + 90
        while not inbox.to("rio@example.test") and time.monotonic() < deadline:
            assert scheduler.poll() is None, "the scheduler exited"
            time.sleep(0.5)
    finally:
        scheduler.send_signal(signal.SIGTERM)
        scheduler.wait(30)
        smtp.stop()
    [email] = inbox.to("rio@example.test")
    assert production_server.url + "/reset-password/" in email.get_body().get_content()


def _sign_in(page, server: str, username: str, password: str) -> None:
    page.goto(f"{server}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    follow(page.get_by_role("button", name="Sign in"))
    page.wait_for_url(f"{server}/inbox")

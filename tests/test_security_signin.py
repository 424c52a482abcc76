"""Signing in, as the security review asked: a key nobody else knows, sessions that end on the
server, no open redirect, throttles that lock out an attacker but not an office, a real password
policy, and a cap on request size."""

from __future__ import annotations

import base64
import io
import json
import stat

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from engine.demo import DEMO_PASSWORD, PEOPLE
from engine.signin.policy import WeakPassword, check_password
from engine.signin.throttle import Limit, SignInLimits, TooManyAttempts
from webapp import create_app, engine_of
from webapp.auth import safe_next
from webapp.cli import main
from webapp.secret_key import SecretKeyError

from .webclient import WebClient

NEW_PASSWORD = "lantern-orchard-velvet-92"
OFFICE = {"REMOTE_ADDR": "10.1.2.3"}


def cookie_signed_with(key: str, user_id: str) -> str:
    """A Flask session cookie saying ``user_id`` is signed in, signed with ``key``."""
    forger = Flask("forger")
    forger.secret_key = key
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    return serializer.dumps({"_user_id": user_id, "_fresh": True})


def user_id(app, username: str) -> int:
    return engine_of(app).authenticate(username, DEMO_PASSWORD).id


def sign_in_attempt(client: WebClient, username: str, password: str, **kwargs):
    return client.post("/sign-in", {"username": username, "password": password}, **kwargs)


def basic(username: str, password: str = DEMO_PASSWORD) -> dict:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}", "accept": "application/json"}


@pytest.fixture
def hashes(monkeypatch):
    """Counts password hash checks, to show throttled requests never compute one."""
    import engine.accounts

    calls = []
    real = engine.accounts.check_password_hash

    def counting(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(engine.accounts, "check_password_hash", counting)
    return calls


def dispose(application) -> None:
    engine_of(application).db.dispose()


# --- the secret key ----------------------------------------------------------------------


def test_a_cookie_signed_with_the_old_public_key_signs_nobody_in(
    database_url, tmp_path, monkeypatch
):
    # the app as `make run` starts it: no JOINEDUP_SECRET_KEY (the old code fell back to a constant)
    monkeypatch.delenv("JOINEDUP_SECRET_KEY")
    monkeypatch.setenv("JOINEDUP_DEV_SECRET_FILE", str(tmp_path / "secret_key"))
    application = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SESSION_COOKIE_SECURE": False}
    )
    admin = engine_of(application).create_user(
        username="admin", password=DEMO_PASSWORD, display_name="Ade Administrator",
        agency="safeguarding-partnership", roles=["admin"],
    )  # fmt: skip
    client = application.test_client()
    for forged_id in (str(admin.id), f"{admin.id}:anything"):
        client.set_cookie("session", cookie_signed_with("dev-only-change-me", forged_id))
        response = client.get("/admin/processes")
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    dispose(application)


def test_a_cookie_with_only_a_user_id_signs_nobody_in_even_with_the_real_key(app):
    client = app.test_client()
    client.set_cookie("session", cookie_signed_with(app.secret_key, str(user_id(app, "admin"))))
    assert client.get("/inbox").status_code == 302


def test_the_app_refuses_to_start_without_a_secret_key(database_url, monkeypatch):
    monkeypatch.delenv("JOINEDUP_SECRET_KEY")
    monkeypatch.delenv("JOINEDUP_DEV_SECRET_FILE", raising=False)
    with pytest.raises(SecretKeyError, match="JOINEDUP_SECRET_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    monkeypatch.setenv("JOINEDUP_SECRET_KEY", "dev-only-change-me")
    with pytest.raises(SecretKeyError, match="at least 32 characters"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url})


def test_serve_says_what_to_set_when_the_key_is_missing(database_url, monkeypatch):
    monkeypatch.delenv("JOINEDUP_SECRET_KEY")
    monkeypatch.delenv("JOINEDUP_DEV_SECRET_FILE", raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1 and "export JOINEDUP_SECRET_KEY=" in result.output


def test_the_development_key_file_is_created_private_and_reused(
    database_url, tmp_path, monkeypatch
):
    key_file = tmp_path / "instance" / "secret_key"
    monkeypatch.delenv("JOINEDUP_SECRET_KEY")
    monkeypatch.setenv("JOINEDUP_DEV_SECRET_FILE", str(key_file))
    first = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.secret_key == key_file.read_text().strip() and len(first.secret_key) == 64
    second = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    assert second.secret_key == first.secret_key
    dispose(first)
    key_file.chmod(0o644)
    with pytest.raises(SecretKeyError, match="chmod 600"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url})


# --- sessions end on the server ----------------------------------------------------------


def copy_of_session(app, client: WebClient):
    """A second browser holding the same session cookie (a stolen or cached copy)."""
    thief = app.test_client()
    thief.set_cookie("session", client.client.get_cookie("session").value)
    return thief


def test_a_copy_of_the_cookie_is_useless_after_sign_out(app, web):
    pat = web("pat")
    copy = copy_of_session(app, pat)
    assert copy.get("/inbox").status_code == 200
    assert pat.post("/sign-out").status_code == 302
    assert copy.get("/inbox").status_code == 302


def test_a_new_password_ends_every_session_and_the_api_token(app, web):
    laptop, phone = web("pat"), web("pat")
    token = engine_of(app).issue_token("pat")
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/tasks", headers=bearer).status_code == 200
    engine_of(app).change_password("pat", NEW_PASSWORD)
    assert laptop.get("/inbox").status_code == 302 and phone.get("/inbox").status_code == 302
    assert app.test_client().get("/api/v1/tasks", headers=bearer).status_code == 401
    assert sign_in_attempt(WebClient(app), "pat", DEMO_PASSWORD).status_code == 401
    assert WebClient(app).sign_in("pat", NEW_PASSWORD).get("/inbox").status_code == 200


def test_a_new_password_must_meet_the_policy_and_leaves_the_old_one_if_not(app, web):
    pat = web("pat")
    with pytest.raises(WeakPassword, match="username or name"):
        engine_of(app).change_password("pat", "practitioner-pat-2026")
    assert pat.get("/inbox").status_code == 200
    assert engine_of(app).authenticate("pat", DEMO_PASSWORD) is not None


def test_deactivating_a_person_ends_their_sessions_and_api_token(app, web):
    pat = web("pat")
    token = engine_of(app).issue_token("pat")
    engine_of(app).deactivate("pat")
    assert pat.get("/inbox").status_code == 302
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/tasks", headers=headers).status_code == 401
    assert sign_in_attempt(WebClient(app), "pat", DEMO_PASSWORD).status_code == 401


def test_the_cli_sets_a_prompted_password_and_deactivates(engine, database_url):
    engine.create_user(
        username="kim", password=DEMO_PASSWORD, display_name="Kim Key",
        agency="police", roles=["practitioner"],
    )  # fmt: skip
    token = engine.issue_token("kim")
    runner = CliRunner()

    def run(*args, **kwargs):
        return runner.invoke(main, ["--database", database_url, *args], **kwargs)

    assert run("set-password", "kim", NEW_PASSWORD).exit_code != 0  # never from argv
    weak = run("set-password", "kim", input="password123456\npassword123456\n")
    assert weak.exit_code == 1 and "too common" in weak.output
    changed = run("set-password", "kim", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert changed.exit_code == 0 and NEW_PASSWORD not in changed.stdout
    assert engine.authenticate("kim", NEW_PASSWORD) is not None
    assert engine.user_for_token(token) is None
    assert run("deactivate", "kim").exit_code == 0
    assert engine.authenticate("kim", NEW_PASSWORD) is None
    assert "No user 'nobody'" in run("deactivate", "nobody").output


# --- no open redirect --------------------------------------------------------------------

OFF_SITE = [
    "/%09/evil.example/x",
    "/\t/evil.example/x",
    "/\n/evil.example",
    "/\\evil.example",
    "/%5Cevil",
    "https://evil.example",
    "//evil.example",
    " //evil.example",
    "/%2F/evil.example",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_never_leads_off_site(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/inbox"


def test_next_keeps_paths_on_this_site(app):
    with app.test_request_context():
        assert safe_next("/cases/DEMO-001?tab=people") == "/cases/DEMO-001?tab=people"


def test_signing_in_with_a_tab_smuggled_next_goes_to_the_inbox(app):
    client = WebClient(app)
    client.get("/sign-in")
    response = client.post(
        "/sign-in?next=/%09/evil.example/x", {"username": "pat", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/inbox"


# --- sign-in throttling ------------------------------------------------------------------


def test_five_failures_lock_an_account_and_an_unknown_name_looks_the_same(app, clock, hashes):
    client = WebClient(app)
    for username in ("pat", "nobody-here"):
        codes = [
            sign_in_attempt(client, username, "not the password").status_code for _ in range(5)
        ]
        assert codes == [401] * 5
    checked = len(hashes)
    locked = sign_in_attempt(client, "pat", DEMO_PASSWORD)  # even the right password
    unknown = sign_in_attempt(client, "nobody-here", DEMO_PASSWORD)
    assert locked.status_code == unknown.status_code == 429
    for response in (locked, unknown):
        assert "Too many attempts, wait 15 minutes" in response.get_data(as_text=True)
    assert len(hashes) == checked  # refused before any hashing
    clock.advance(minutes=15, seconds=1)
    assert sign_in_attempt(client, "pat", DEMO_PASSWORD).status_code == 302


def test_colleagues_typos_behind_one_office_address_do_not_lock_anyone_else_out(app):
    office = WebClient(app)
    for username in ("sam", "cal", "mia", "amy"):
        for _ in range(4):
            wrong = sign_in_attempt(office, username, "typo", environ_base=OFFICE)
            assert wrong.status_code == 401
    assert sign_in_attempt(office, "pat", DEMO_PASSWORD, environ_base=OFFICE).status_code == 302


def test_only_failures_count_towards_the_account_limit(app):
    for _ in range(4):
        assert sign_in_attempt(WebClient(app), "pat", "typo").status_code == 401
    for _ in range(12):
        assert sign_in_attempt(WebClient(app), "pat", DEMO_PASSWORD).status_code == 302


def test_a_spray_from_one_address_is_refused_but_others_still_sign_in(app, hashes):
    client = WebClient(app)
    for number in range(100):
        assert sign_in_attempt(client, f"guess{number}", "Summer2026!").status_code == 401
    checked = len(hashes)
    refused = sign_in_attempt(client, "pat", DEMO_PASSWORD)
    assert refused.status_code == 429 and "wait 1 minute" in refused.get_data(as_text=True)
    assert len(hashes) == checked
    assert (
        sign_in_attempt(WebClient(app), "pat", DEMO_PASSWORD, environ_base=OFFICE).status_code
        == 302
    )


def test_limits_are_read_from_configuration(app):
    assert engine_of(app).signin_limits == SignInLimits()
    assert Limit.parse("5 per 15 minutes") == SignInLimits().account
    assert Limit.parse("100 per minute") == SignInLimits().address
    with pytest.raises(ValueError, match="not a limit"):
        Limit.parse("lots")
    assert str(TooManyAttempts(SignInLimits().account.window)) == (
        "Too many attempts, wait 15 minutes"
    )


# --- Camunda Modeler's Basic auth --------------------------------------------------------


def test_engine_rest_basic_auth_locks_the_account_before_hashing(app, hashes):
    client = app.test_client()
    url = "/engine-rest/deployment?maxResults=0"
    for _ in range(5):
        assert client.get(url, headers=basic("owner", "wrong")).status_code == 401
    checked = len(hashes)
    locked = client.get(url, headers=basic("owner"))
    assert locked.status_code == 429 and len(hashes) == checked
    assert locked.get_json()["type"] == "AuthenticationException"
    assert locked.get_json()["message"] == "Too many attempts, wait 15 minutes"


def test_a_right_password_without_the_role_counts_as_a_failure(app):
    client = app.test_client()
    url = "/engine-rest/deployment?maxResults=0"
    answers = [client.get(url, headers=basic("pat")) for _ in range(5)]
    wrong = client.get(url, headers=basic("sam", "wrong"))
    assert {a.status_code for a in answers} == {401} and wrong.status_code == 401
    assert answers[0].get_json() == wrong.get_json()
    assert client.get(url, headers=basic("pat")).status_code == 429


def test_a_flood_of_bad_basic_credentials_is_answered_cheaply(app, hashes):
    flood = app.test_client()
    url = "/engine-rest/deployment?maxResults=0"
    for number in range(100):
        assert flood.get(url, headers=basic(f"bot{number}", "x")).status_code == 401
    checked = len(hashes)
    answers = {flood.get(url, headers=basic(f"bot{n}", "x")).status_code for n in range(50)}
    assert answers == {429} and len(hashes) == checked
    owner = app.test_client().get(url, headers=basic("owner"), environ_base=OFFICE)
    assert owner.status_code == 200


# --- the password policy -----------------------------------------------------------------

WEAK = {
    "short-pass": "at least 12 characters",
    "x" * 257: "at most 256 characters",
    "password123456": "too common",
    "qwertyuiop123": "too common",
    "123456789012": "too common",
    "P@ssw0rd2026!": "too common",
    "Liverpool1892!": "too common",
    "zxcvbnmasdfghjkl": "keyboard or alphabet sequence",
    "0987654321poiuy": "keyboard or alphabet sequence",
    "aaaaaaaaaaaaaaaa": "repeats the same characters",
    "abcabcabcabcabc": "repeats the same characters",
    "kim-keyholder-99": "username or name",
    "my friend Keyworth!": "username or name",
}


@pytest.mark.parametrize(("password", "reason"), WEAK.items())
def test_weak_passwords_are_refused_with_the_reason(engine, password, reason):
    with pytest.raises(WeakPassword, match=reason):
        engine.create_user(
            username="kim", password=password, display_name="Kim Keyworth",
            agency="police", roles=["practitioner"],
        )  # fmt: skip


@pytest.mark.parametrize(
    "password", ["river-moon-42-lantern", "8302948571029384", "mash referral cardigan"]
)
def test_long_uncommon_passwords_need_no_symbols_or_capitals(password):
    check_password(password, username="kim", display_name="Kim Keyworth")


def test_every_demo_password_meets_the_policy():
    for username, name, *_ in PEOPLE:
        check_password(DEMO_PASSWORD, username=username, display_name=name)


# --- request size ------------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_with_413_not_parsed(app, web):
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    token = engine_of(app).issue_token("pat")
    body = json.dumps({"variables": {"note": "x" * (17 * 1024 * 1024)}})
    response = app.test_client().post(
        "/api/v1/tasks/1/complete",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "request_too_large" and "16 MiB" in error["message"]


def test_oversized_deploys_and_forms_get_413_too(app, web):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    deploy = app.test_client().post(
        "/engine-rest/deployment/create",
        data={"data": (io.BytesIO(b"x" * 70 * 1024), "big.bpmn")},
        headers=basic("owner"),
        content_type="multipart/form-data",
    )
    assert deploy.status_code == 413 and "64 KiB" in deploy.get_json()["message"]
    assert deploy.get_json()["type"] == "InvalidRequestException"  # Camunda's error body
    page = web().post("/sign-in", {"username": "pat", "password": "x" * 70 * 1024})
    assert page.status_code == 413
    assert "What was sent is too large" in page.get_data(as_text=True)


def test_the_request_limit_is_configurable(database_url, monkeypatch):
    monkeypatch.setenv("JOINEDUP_MAX_REQUEST_BYTES", "1048576")
    application = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    assert application.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    dispose(application)

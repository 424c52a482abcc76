"""Signing in and out (Flask-Login), and API bearer tokens.

The session cookie names a server-side session (``engine.signin.sessions``): signing out, a
new password or deactivation ends it, whatever copies of the cookie exist.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from urllib.parse import unquote, urlsplit

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)

from engine.actors import Actor

from . import engine_of
from .errors import respond, wants_json

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


class SignedIn(UserMixin):
    """The person behind a request, as pages and the engine need them."""

    def __init__(self, user, session_token: str = ""):
        self.id = user.id
        self.session_token = session_token
        self.username = user.username
        self.display_name = user.display_name
        self.agency = user.agency
        self.roles = list(user.roles)
        self.team = user.team
        self.actor: Actor = user.actor()

    def get_id(self) -> str:
        """What the cookie holds: ``"<user_id>:<session token>"``."""
        return f"{self.id}:{self.session_token}"


def init_app(app: Flask) -> None:
    """Session and bearer-token sign-in."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."

    @login_manager.user_loader
    def _load(cookie_id: str):
        user_id, _, token = cookie_id.partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = engine_of(current_app).session_user(int(user_id), token)
        return SignedIn(user, token) if user is not None else None

    @login_manager.unauthorized_handler
    def _unauthorised():
        if wants_json():
            return respond(401, "unauthorised", "Sign in, or send Authorization: Bearer <token>")
        return redirect(url_for("auth.login", next=request.full_path))

    @login_manager.request_loader
    def _from_token(req):
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        user = engine_of(current_app).user_for_token(header.removeprefix("Bearer ").strip())
        return SignedIn(user) if user is not None else None


API_BLUEPRINTS = frozenset({"api", "engine_rest"})


def actor() -> Actor:
    """The signed-in person as an engine actor; ``via`` says whether through the API."""
    person: Actor = current_user.actor
    return replace(person, via="api") if request.blueprint in API_BLUEPRINTS else person


@bp.route("/sign-in", methods=["GET", "POST"])
def login():
    """Username and password; a failure says only that they did not match (429 when throttled)."""
    error = None
    if request.method == "POST":
        engine = engine_of(current_app)
        user = engine.check_credentials(
            request.form.get("username", "").strip(),
            request.form.get("password", ""),
            request.remote_addr or "",
        )
        if user is not None:
            login_user(SignedIn(user, engine.start_session(user.id)))
            return redirect(safe_next(request.args.get("next")))
        error = "The username or password is not right"
    return render_template("login.html", error=error, username=request.form.get("username", "")), (
        401 if error else 200
    )


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else the inbox (no open redirects)."""
    path = target.split("?", 1)[0] if target else ""
    if target and _is_local_path(target) and _is_local_path(unquote(path)):
        return target
    return url_for("inbox.index")


def _is_local_path(target: str) -> bool:
    """A path of this site, however a browser reads it.

    Browsers drop tabs and newlines and read ``\\`` as ``/``, so ``/<TAB>/evil.example`` and
    ``/\\evil.example`` both lead off-site: anything with control or space characters or a
    backslash is refused, as is anything with a scheme or host.
    """
    if not target.startswith("/") or "\\" in target:
        return False
    if any(char.isspace() or unicodedata.category(char).startswith("C") for char in target):
        return False
    parts = urlsplit(target)
    return not target.startswith("//") and not parts.scheme and not parts.netloc


@bp.post("/sign-out")
@login_required
def logout():
    """End the session, on the server too: a copy of the cookie signs nobody in afterwards."""
    token = current_user.session_token
    logout_user()
    if token:
        engine_of(current_app).end_session(token)
    flash("You have signed out.")
    return redirect(url_for("auth.login"))

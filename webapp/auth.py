"""Signing in and out (Flask-Login), and API bearer tokens."""

from __future__ import annotations

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
from .security import limiter

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


class SignedIn(UserMixin):
    """The person behind a request, as pages and the engine need them."""

    def __init__(self, user):
        self.id = user.id
        self.username = user.username
        self.display_name = user.display_name
        self.agency = user.agency
        self.roles = list(user.roles)
        self.team = user.team
        self.actor: Actor = user.actor()

    def get_id(self) -> str:
        return str(self.id)


def init_app(app: Flask) -> None:
    """Session and bearer-token sign-in."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."

    @login_manager.user_loader
    def _load(user_id: str):
        user = engine_of(current_app).user(int(user_id)) if user_id.isdigit() else None
        return SignedIn(user) if user is not None and user.active else None

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


def actor() -> Actor:
    """The signed-in person as an engine actor."""
    return current_user.actor


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Username and password; a failure says only that they did not match."""
    error = None
    if request.method == "POST":
        user = engine_of(current_app).authenticate(
            request.form.get("username", "").strip(), request.form.get("password", "")
        )
        if user is not None:
            login_user(SignedIn(user))
            return redirect(safe_next(request.args.get("next")))
        error = "The username or password is not right"
    return render_template("login.html", error=error, username=request.form.get("username", "")), (
        401 if error else 200
    )


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else the inbox (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("inbox.index")


@bp.post("/sign-out")
@login_required
def logout():
    """End the session."""
    logout_user()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))

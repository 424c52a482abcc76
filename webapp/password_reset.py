"""``/reset-password/<token>``: a person sets a new password from a one-time link."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from engine.people.resets import ResetLinkUnusable
from engine.signin.policy import MIN_LENGTH, WeakPassword

from . import engine_of

bp = Blueprint("password_reset", __name__)
TITLE = "Set your password"


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset(token: str):
    engine = engine_of(current_app)
    try:
        engine.reset_link(token[:100])
    except ResetLinkUnusable as error:
        page = render_template("reset_unusable.html", title="This link cannot be used", why=error)
        return page, 410
    if request.method == "GET":
        return _page()
    password = request.form.get("password", "")
    if password != request.form.get("confirm", ""):
        return _page({"confirm": "Enter the same password twice"})
    try:
        engine.use_reset_link(token, password)
    except WeakPassword as error:
        return _page({"password": str(error)})
    flash("Your password is set. Sign in with it now.")
    return redirect(url_for("auth.login"))


def _page(fields: dict | None = None):
    errors = [{"text": text, "href": f"#{name}"} for name, text in (fields or {}).items()]
    page = render_template(
        "reset_password.html", title=TITLE, errors=errors, fields=fields or {}, minimum=MIN_LENGTH
    )
    return page, 422 if fields else 200

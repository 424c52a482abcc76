"""Break-glass pages: open a time-limited, reasoned look at a case; list and close windows.

Only the roles ``engine.break_glass.rules.ELIGIBLE_ROLES`` see these pages; to anyone else they
do not exist (404). The engine records every window and tells the case's lead agency.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.errors import InvalidSubmission

from . import engine_of
from .auth import actor

bp = Blueprint("break_glass", __name__, url_prefix="/break-glass")


@bp.get("")
@login_required
def index():
    return _page()


@bp.post("")
@login_required
def open_window():
    """Open a window on the case named, with the reason given; then show the case."""
    case_ref, reason = request.form.get("case_ref", ""), request.form.get("reason", "")
    try:
        window = engine_of(current_app).open_break_glass(case_ref, reason, actor())
    except InvalidSubmission as error:
        errors = [{"text": text, "href": f"#{field}"} for field, text in error.errors.items()]
        return _page(errors=errors, fields=error.errors, case_ref=case_ref, reason=reason), 422
    flash("Break-glass access is open. The case's lead agency has been told.")
    return redirect(url_for("cases.show", reference=window.case_ref))


@bp.post("/<int:window_id>/close")
@login_required
def close(window_id: int):
    engine_of(current_app).close_break_glass(window_id, actor())
    flash("Break-glass access is closed.")
    return redirect(url_for("break_glass.index"))


def _page(**extra):
    engine = engine_of(current_app)
    return render_template(
        "break_glass.html",
        title="Break-glass access",
        windows=engine.break_glass_windows(actor()),
        minutes=engine.break_glass_minutes,
        **extra,
    )

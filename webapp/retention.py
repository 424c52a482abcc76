"""Retention pages: /admin/retention (the policy, what goes soon, holds, past runs), legal
holds placed and lifted there, and correcting a recorded entry (/entries/<id>/correct).

Administrators only for the retention pages (404 to anyone else, as the engine answers); a
correction page for whoever may correct the entry (the engine decides).
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.cases import CASE_TYPES
from engine.errors import InvalidSubmission

from . import engine_of
from .auth import actor

bp = Blueprint("retention", __name__)


def _summary(error: InvalidSubmission) -> list[dict]:
    return [{"text": text, "href": f"#{field}"} for field, text in error.errors.items()]


@bp.get("/admin/retention")
@login_required
def index():
    return _page()


@bp.get("/admin/retention/runs/<int:run_id>")
@login_required
def run(run_id: int):
    purge_run, items = engine_of(current_app).purge_report(run_id, actor())
    title = f"Purge report {purge_run.id}"
    return render_template("admin/purge_run.html", title=title, run=purge_run, items=items)


@bp.post("/admin/retention/holds")
@login_required
def place_hold():
    """Place a legal hold on the case named, with the reason given."""
    case_ref, reason = request.form.get("case_ref", ""), request.form.get("reason", "")
    try:
        hold = engine_of(current_app).place_legal_hold(case_ref, reason, actor())
    except InvalidSubmission as error:
        form = {"case_ref": case_ref, "reason": reason}
        return _page(errors=_summary(error), fields=error.errors, form=form), 422
    flash(f"Case {hold.case_ref} is under a legal hold: it will not be purged.")
    return redirect(url_for("retention.index"))


@bp.post("/admin/retention/holds/<reference>/lift")
@login_required
def lift_hold(reference: str):
    """Lift the hold on a case, with the reason given."""
    reason = request.form.get("lift_reason", "")
    try:
        engine_of(current_app).lift_legal_hold(reference, reason, actor())
    except InvalidSubmission as error:
        errors = [{"text": text, "href": f"#lift-{reference}"} for text in error.errors.values()]
        return _page(errors=errors, lifting=reference, lift_reason=reason), 422
    flash(f"The legal hold on case {reference} is lifted.")
    return redirect(url_for("retention.index"))


def _page(**extra):
    overview = engine_of(current_app).retention_overview(actor())
    return render_template(
        "admin/retention.html", title="Retention", overview=overview, case_types=CASE_TYPES, **extra
    )


@bp.route("/entries/<int:entry_id>/correct", methods=["GET", "POST"])
@login_required
def correct(entry_id: int):
    """Correct one answer of a recorded entry; the original stays, shown beside it."""
    engine = engine_of(current_app)
    form = request.form.to_dict() if request.method == "POST" else {}
    if request.method == "POST":
        try:
            engine.correct_entry(
                entry_id, form.get("field", ""), form.get("value", ""), form.get("reason", ""),
                actor(),
            )  # fmt: skip
        except InvalidSubmission as error:
            return _correction_page(
                entry_id, form, errors=_summary(error), fields=error.errors
            ), 422
        flash("The correction is recorded; the original answer is kept and shown beside it.")
        entry, _ = engine.entry_for_correction(entry_id, actor())
        return redirect(url_for("instances.show", instance_id=entry.instance_id))
    return _correction_page(entry_id, form)


def _correction_page(entry_id: int, form: dict, **extra):
    entry, corrections = engine_of(current_app).entry_for_correction(entry_id, actor())
    return render_template(
        "correct_entry.html",
        title=f"Correct an entry: {entry.task_name or entry.details.get('entry')}",
        entry=entry,
        corrections=corrections,
        form=form,
        **extra,
    )

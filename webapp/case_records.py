"""Case record pages (on the ``cases`` blueprint): create a case, change its details and its
family (members, a birth, who cares for whom, protective factors), close and reopen it.

Each form posts to itself; a problem re-renders it with the GOV.UK error summary and what was
typed, and a stale page (someone else changed the record since) says so and keeps the typing.
The engine decides who may (``engine.casework.rules``); views only parse and render.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.casework.rules import StaleRecord
from engine.errors import Conflict, InvalidSubmission

from . import engine_of
from .auth import actor
from .cases import bp, case_page

DATE_FIELDS = ("date_of_birth", "expected_due_date")
FIRST_INPUT = {field: f"{field}-day" for field in DATE_FIELDS}


def form_data() -> dict:
    """The posted form as the engine reads it: dates joined from day, month and year."""
    data = request.form.to_dict()
    data["vulnerabilities"] = request.form.getlist("vulnerabilities")
    for field in DATE_FIELDS:
        parts = [data.get(f"{field}-{part}", "").strip() for part in ("year", "month", "day")]
        data[field] = "-".join(parts) if any(parts) else ""
    return data


def date_parts(field: str, value) -> dict:
    """A recorded date as the day, month and year boxes show it."""
    if value is None:
        return {}
    return {f"{field}-day": value.day, f"{field}-month": value.month, f"{field}-year": value.year}


def problems(error: InvalidSubmission | Conflict) -> tuple[list[dict], dict]:
    """The error summary's list and the per-field messages."""
    if isinstance(error, InvalidSubmission):
        summary = [
            {"text": text, "href": "#" + FIRST_INPUT.get(field, field)}
            for field, text in error.errors.items()
        ]
        return summary, error.errors
    return [{"text": str(error), "href": "#main-content"}], {}


def _form(template: str, title: str, status: int = 200, error=None, **values):
    errors, fields = problems(error) if error else ([], {})
    stale = isinstance(error, StaleRecord)
    page = render_template(
        template, title=title, errors=errors, fields=fields, stale=stale, **values
    )
    return page, status


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new():
    """Create a case: the creator's agency holds it, the creator is its named worker."""
    engine, who, title = engine_of(current_app), actor(), "Create a case"
    agencies = engine.case_holder_choices(who)  # 403 for those who may not create a case
    if request.method == "GET":
        return _form("case_form.html", title, form={}, agencies=agencies)
    try:
        reference = engine.open_case(form_data(), who)
    except (InvalidSubmission, Conflict) as error:
        values = {"form": request.form, "agencies": agencies}
        return _form("case_form.html", title, error.status, error, **values)
    if not engine.may_see_case(reference, who):  # an administrator's, for another agency
        flash(f"Case {reference} is created; the agency that holds it can now add the family.")
        return redirect(url_for("cases.index"))
    flash(f"Case {reference} is created. Add the family members next.")
    return redirect(url_for("cases.show", reference=reference))


@bp.route("/cases/<reference>/details", methods=["GET", "POST"])
@login_required
def details(reference: str):
    """Change the family name, summary and case type."""
    engine = engine_of(current_app)
    view = engine.case(reference, actor())
    title = f"Change the details of case {reference}"
    if request.method == "GET":
        current = {f: getattr(view.case, f) for f in ("family_name", "summary", "case_type")}
        return _form("case_form.html", title, view=view, form=current)
    try:
        engine.change_case_details(reference, form_data(), actor())
    except (InvalidSubmission, Conflict) as error:
        form = keep_typing(request.form, error, view.case)
        return _form("case_form.html", title, error.status, error, view=view, form=form)
    flash("The case details are saved.")
    return redirect(url_for("cases.show", reference=reference))


def keep_typing(form, error, record) -> dict:
    """What was typed; after a stale page, with the version now recorded, so that saving
    again (having checked what is recorded now) is a deliberate choice."""
    kept = form.to_dict()
    if isinstance(error, Conflict) and error.code == "stale_record":
        kept["version"] = record.version
    return kept


@bp.post("/cases/<reference>/close")
@login_required
def close(reference: str):
    reason = request.form.get("reason", "")
    try:
        engine_of(current_app).close_case(reference, reason, actor())
    except (InvalidSubmission, Conflict) as error:
        problems_ = _close_problems(error)
        return case_page(reference, close_errors=problems_, close_reason=reason), error.status
    flash(f"Case {reference} is closed.")
    return redirect(url_for("cases.show", reference=reference))


@bp.post("/cases/<reference>/reopen")
@login_required
def reopen(reference: str):
    reason = request.form.get("reason", "")
    try:
        engine_of(current_app).reopen_case(reference, reason, actor())
    except (InvalidSubmission, Conflict) as error:
        problems_ = _close_problems(error)
        return case_page(reference, close_errors=problems_, close_reason=reason), error.status
    flash(f"Case {reference} is open again.")
    return redirect(url_for("cases.show", reference=reference))


def _close_problems(error) -> list[dict]:
    summary, _ = problems(error)
    return [dict(item, href="#close-reason") for item in summary]

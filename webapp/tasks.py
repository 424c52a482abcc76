"""The task page: what is asked, the generated form, save a draft or complete."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.errors import InvalidSubmission, NotFound

from . import engine_of
from .auth import actor
from .forms import form_widgets, submitted_form_values, submitted_values, widgets
from .views import flash_next_steps

bp = Blueprint("tasks", __name__)


def _render(view, values: dict, errors: dict, status: int = 200):
    engine = engine_of(current_app)
    case = None
    if view.task.case_ref:
        try:
            case = engine.case(view.task.case_ref, actor(), look=False)
        except NotFound:
            case = None
    if view.camunda_form is not None:
        fields = form_widgets(view.camunda_form, values, errors)
    else:
        fields = widgets(view.fields, values, errors)
    error_list = [{"text": message, "href": f"#{field}"} for field, message in errors.items()]
    may_withdraw = view.task.instance_id in engine.withdrawable([view.task.instance_id], actor())
    may_report_risk = view.task.instance_id in engine.risk_reportable(
        [view.task.instance_id], actor()
    )
    return render_template(
        "task.html",
        title=view.task.name,
        view=view,
        case=case,
        fields=fields,
        errors=error_list,
        may_withdraw=may_withdraw,
        may_report_risk=may_report_risk,
    ), status


@bp.get("/tasks/<int:task_id>")
@login_required
def show(task_id: int):
    view = engine_of(current_app).task_view(task_id, actor())
    return _render(view, view.values, {})


@bp.post("/tasks/<int:task_id>")
@login_required
def submit(task_id: int):
    """Save a draft, or complete the task (server-side validation; nothing is lost)."""
    engine = engine_of(current_app)
    view = engine.task_view(task_id, actor(), look=False)
    if view.camunda_form is not None:
        values = submitted_form_values(view.camunda_form, request.form)
    else:
        values = submitted_values(view.fields, request.form)
    if request.form.get("action") == "draft":
        engine.save_draft(task_id, values, actor())
        flash("Your answers have been saved as a draft.")
        return redirect(url_for("tasks.show", task_id=task_id))
    try:
        version = request.form.get("version", type=int)
        engine.complete(task_id, values, actor(), expected_version=version)
    except InvalidSubmission as error:
        return _render(view, {**values}, error.errors, 422)
    flash(f"'{view.task.name}' is complete.")
    flash_next_steps(view.task.instance_id, actor())
    return redirect(url_for("inbox.index"))

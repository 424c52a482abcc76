"""The task page: what is asked, the generated form, save a draft or complete."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.errors import InvalidSubmission, NotFound, NotPermitted

from . import engine_of
from .auth import actor
from .forms import error_summary, form_widgets, submitted_form_values, submitted_values, widgets
from .views import flash_next_steps

bp = Blueprint("tasks", __name__)


def _render(view, values: dict, errors: dict, status: int = 200, refusal: str | None = None):
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
    may_withdraw = view.task.instance_id in engine.withdrawable([view.task.instance_id], actor())
    may_report_risk = view.task.instance_id in engine.risk_reportable(
        [view.task.instance_id], actor()
    )
    summary = error_summary(view, errors)
    if refusal:
        summary.append({"text": refusal, "href": "#assignee"})
    return render_template(
        "task.html",
        title=view.task.name,
        view=view,
        case=case,
        fields=fields,
        errors=summary,
        refusal=refusal,
        choices=engine.reassign_choices_for(view.task, actor()),
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


def refused_assignment(task_id: int, refusal: NotPermitted):
    """A reassignment refused (a stale list, someone who may not do it): the task page again,
    saying why, for a manager who may open it and reassign it; a plain 403 for anyone else."""
    engine = engine_of(current_app)
    try:
        view = engine.task_view(task_id, actor(), look=False)
    except NotFound:
        raise refusal from None
    if view.task.id not in engine.reassign_choices([view.task], actor()):
        raise refusal  # no choice to correct: they may not reassign it at all
    message = f"Choose someone else to reassign this task to: {refusal}"
    return _render(view, view.values, {}, 422, refusal=message)

"""The inbox: tabs of tasks, claiming and reassigning, and managers' approvals."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.errors import InvalidSubmission, NotPermitted

from . import engine_of
from .auth import actor, safe_next
from .params import choice_arg, list_position
from .tasks import refused_assignment
from .views import flash_next_steps

bp = Blueprint("inbox", __name__)
TAB_NAMES = {
    "mine": "Assigned to me",
    "team": "My teams' unclaimed",
    "overdue": "Overdue",
    "completed": "Completed by me",
}


@bp.get("/")
@login_required
def home():
    return redirect(url_for("inbox.index"))


@bp.get("/inbox")
@login_required
def index():
    """One tab of the inbox, filtered by process and case, soonest due first."""
    tab = choice_arg("tab", TAB_NAMES, "mine")
    filters = {
        "process_key": request.args.get("process") or None,
        "case_ref": request.args.get("case") or None,
    }
    engine = engine_of(current_app)
    page = engine.inbox(actor(), tab, **filters, **list_position())
    return render_template(
        "inbox.html",
        title=TAB_NAMES[tab],
        tab=tab,
        tabs=TAB_NAMES,
        page=page,
        filters=filters,
        processes=engine.startable_processes(actor()),
        choices={} if tab == "completed" else engine.reassign_choices(page.tasks, actor()),
    )


def _back() -> str:
    return safe_next(request.form.get("next"))


@bp.post("/tasks/<int:task_id>/claim")
@login_required
def claim(task_id: int):
    engine_of(current_app).claim(task_id, actor())
    flash("The task is now assigned to you.")
    return redirect(_back())


@bp.post("/tasks/<int:task_id>/unclaim")
@login_required
def unclaim(task_id: int):
    engine_of(current_app).unclaim(task_id, actor())
    flash("You have given the task back to your team.")
    return redirect(_back())


@bp.post("/tasks/<int:task_id>/assign")
@login_required
def assign(task_id: int):
    assignee = request.form.get("assignee") or None
    try:
        engine_of(current_app).assign(task_id, assignee, actor())
    except NotPermitted as refusal:
        return refused_assignment(task_id, refusal)
    if assignee:
        name = engine_of(current_app).words_for().person(assignee)
        flash(f"The task is now assigned to {name}.")
    else:
        flash("The task is unassigned.")
    return redirect(_back())


@bp.get("/approvals")
@login_required
def approvals():
    """Escalations and other decisions waiting for this manager, a page at a time."""
    page = engine_of(current_app).approvals(actor(), **list_position())
    return render_template("approvals.html", title="Approvals", page=page, errors=None)


@bp.post("/approvals/<int:task_id>")
@login_required
def decide(task_id: int):
    """Approve or decline, with a reason."""
    decision = request.form.get("decision")
    reason = request.form.get("reason", "")
    try:
        ref = engine_of(current_app).decide(task_id, decision == "approve", reason, actor())
    except InvalidSubmission as error:  # the page the decision was made on, with its error
        page = engine_of(current_app).approvals(actor(), **list_position())
        return render_template(
            "approvals.html",
            title="Approvals",
            page=page,
            errors={task_id: error.errors["reason"]},
        ), 422
    flash("Escalation approved." if decision == "approve" else "Escalation declined.")
    flash_next_steps(ref.id, actor())
    return redirect(url_for("inbox.approvals"))

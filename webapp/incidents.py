"""Failed work for process owners (Camunda Cockpit's incidents): a process's instances by state,
a failed instance's incident, Retry, and Cancel the instance after a confirmation page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.errors import InvalidSubmission

from . import engine_of
from .auth import actor
from .params import choice_arg, int_arg, page_arg

bp = Blueprint("incidents", __name__, url_prefix="/admin")
STATES = ("running", "failed", "finished")


@bp.get("/processes/<key>/instances")
@login_required
def instances(key: str):
    """A process's instances in one state (and version), newest first, a page at a time."""
    engine = engine_of(current_app)
    state = choice_arg("state", STATES, "running")
    listed = engine.process_instances(key, actor(), state, int_arg("version"), page_arg())
    versions = engine.definition_versions(actor(), key)
    return render_template(
        "admin/instances.html",
        title=f"{state.capitalize()} instances of {versions[0].definition.name or key}",
        listed=listed,
        versions=versions,
        failed_starts=engine.failed_starts(key, actor()) if state == "failed" else [],
    )


@bp.get("/instances/<int:instance_id>")
@login_required
def instance(instance_id: int):
    """The owners' view of one instance: where it stands and what failed."""
    detail = engine_of(current_app).owned_instance(instance_id, actor())
    shown = detail["instance"]
    title = f"{shown.process_name or shown.process_key}: instance {shown.id}"
    return render_template("admin/instance.html", title=title, **detail)


@bp.post("/incidents/<int:incident_id>/retry")
@login_required
def retry(incident_id: int):
    """Run the failed job again now: resolved, or the incident keeps the new error."""
    outcome = engine_of(current_app).retry_incident(incident_id, actor())
    if outcome.resolved:
        flash("The failed step ran again and worked: the failure is resolved.")
    else:
        flash(f"It failed again: {outcome.incident.message}", "warning")
    return _back_to(outcome.incident)


@bp.route("/incidents/<int:incident_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(incident_id: int):
    """Confirm with a reason, then end the failed instance as cancelled."""
    engine = engine_of(current_app)
    incident = engine.owned_incident(incident_id, actor())
    if request.method == "GET":
        return _cancel_page(incident)
    reason = request.form.get("reason", "")
    try:
        engine.cancel_incident(incident_id, actor(), reason)
    except InvalidSubmission as error:
        errors = [{"text": text, "href": "#reason"} for text in error.errors.values()]
        return _cancel_page(incident, errors=errors, reason=reason), 422
    flash("The instance is cancelled: its tasks and timers are closed and your reason recorded.")
    return _back_to(incident)


def _cancel_page(incident, **extra):
    what = "the instance" if incident.instance_id else "this failed start"
    return render_template(
        "admin/cancel_incident.html", title=f"Cancel {what}", incident=incident, **extra
    )


def _back_to(incident):
    if incident.instance_id:
        return redirect(url_for("incidents.instance", instance_id=incident.instance_id))
    return redirect(url_for("incidents.instances", key=incident.process_key, state="failed"))

"""The process instance page: state, current tasks, timers, variables (read-only), history;
the raiser's withdrawal of what they raised, and a party's report of an immediate risk."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required

from engine.errors import InvalidSubmission
from engine.risk_reports import RISK_TO

from . import engine_of
from .auth import actor

bp = Blueprint("instances", __name__)


@bp.get("/instances/<int:instance_id>")
@login_required
def show(instance_id: int):
    return _instance_page(instance_id)


@bp.post("/instances/<int:instance_id>/withdraw")
@login_required
def withdraw(instance_id: int):
    """The raiser withdraws it, with reasons (recorded on the case; both agencies are told)."""
    engine = engine_of(current_app)
    try:
        engine.withdraw(instance_id, actor(), request.form.get("reason", ""))
    except InvalidSubmission as error:
        errors = [{"text": text, "href": "#withdraw-reason"} for text in error.errors.values()]
        return _instance_page(instance_id, withdraw_errors=errors), 422
    flash("You have withdrawn it. Your reasons are on the case and both agencies have been told.")
    return redirect(url_for("instances.show", instance_id=instance_id))


@bp.post("/instances/<int:instance_id>/immediate-risk")
@login_required
def report_risk(instance_id: int):
    """A party reports an immediate risk: MASH or adult social care act at once."""
    engine = engine_of(current_app)
    form = request.form
    try:
        answers = [form.get(name) for name in ("risk_to", "risk_who", "risk_details")]
        engine.report_immediate_risk(instance_id, actor(), *answers)
    except InvalidSubmission as error:
        errors = [{"text": text, "href": f"#{name}"} for name, text in error.errors.items()]
        return _instance_page(instance_id, risk_errors=errors, risk_form=form), 422
    flash(
        "You have reported an immediate risk. It is recorded on the case and has gone at once "
        "to MASH for a child or to adult social care for an adult; you will be told what they do."
    )
    return redirect(url_for("instances.show", instance_id=instance_id))


@bp.get("/instances/<int:instance_id>/diagram")
@login_required
def diagram(instance_id: int):
    """The diagram XML with completed elements, active tasks and waiting timers to highlight."""
    return jsonify(engine_of(current_app).instance_diagram(instance_id, actor()))


def _instance_page(instance_id: int, **extra):
    engine = engine_of(current_app)
    detail = engine.instance_detail(instance_id, actor())
    title = detail["instance"].process_name or detail["instance"].process_key
    may_withdraw = instance_id in engine.withdrawable([instance_id], actor())
    may_report_risk = instance_id in engine.risk_reportable([instance_id], actor())
    failed = detail["instance"].status == "error"
    incident = engine.incident_of(instance_id, actor()) if failed else None
    return render_template(
        "instance.html",
        title=title,
        may_withdraw=may_withdraw,
        may_report_risk=may_report_risk,
        risk_to=RISK_TO,
        incident=incident,
        corrections=engine.entry_corrections(detail["history"], actor()),
        **detail,
        **extra,
    )

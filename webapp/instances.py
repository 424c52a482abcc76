"""The process instance page: state, current tasks, timers, variables (read-only), history."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import login_required

from . import engine_of
from .auth import actor

bp = Blueprint("instances", __name__)


@bp.get("/instances/<int:instance_id>")
@login_required
def show(instance_id: int):
    detail = engine_of(current_app).instance_detail(instance_id, actor())
    title = detail["instance"].process_name or detail["instance"].process_key
    return render_template("instance.html", title=title, **detail)


@bp.get("/instances/<int:instance_id>/diagram")
@login_required
def diagram(instance_id: int):
    """The diagram XML with completed elements, active tasks and waiting timers to highlight."""
    return jsonify(engine_of(current_app).instance_diagram(instance_id, actor()))

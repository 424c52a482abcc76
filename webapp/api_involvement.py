"""``/api/v1/cases/{ref}/involvement``: who is involved in a case, over its life (on the
``api`` blueprint): the history, involving and releasing an agency, naming and removing a
worker. The engine decides who may (``engine.involvement.rules``).
"""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_login import login_required

from engine.audit import jsonable

from . import engine_of
from .api import bp
from .auth import actor
from .errors import respond
from .params import json_object


@bp.get("/cases/<reference>/involvement")
@login_required
def case_involvement(reference: str):
    """Every spell of involvement in the case: who joined and left, when and why."""
    panel = engine_of(current_app).involvement(reference, actor(), look=request.method == "GET")
    periods = [
        {
            "agency": p.agency,
            "worker": p.worker_name,
            "worker_username": p.worker_username,
            "joined_at": p.joined_at,
            "joined_by": p.joined_by,
            "join_reason": p.join_reason,
            "left_at": p.left_at,
            "left_by": p.left_by,
            "leave_reason": p.leave_reason,
        }
        for p in panel.history
    ]
    return jsonify(jsonable({"involvement": periods, "may_change": panel.may_change}))


@bp.post("/cases/<reference>/involvement")
@login_required
def involve(reference: str):
    """Involve an agency: ``{"agency": CODE, "reason": TEXT}``; 201, then the case's history.
    (Named workers: ``POST .../involvement/<agency>/workers``.)"""
    body = json_object()
    if "worker_username" in body or "worker" in body:
        message = "Name a worker with POST /api/v1/cases/<reference>/involvement/<agency>/workers"
        return respond(400, "bad_request", message)
    engine_of(current_app).involve(reference, body.get("agency"), body.get("reason"), actor())
    return case_involvement(reference), 201


@bp.post("/cases/<reference>/involvement/<agency>/workers")
@login_required
def name_worker(reference: str, agency: str):
    """Name a worker of an involved agency: ``{"worker": USERNAME, "reason": TEXT}``; 201,
    then the case's history (422 on ``worker`` for an unknown, inactive or other agency's user,
    or one already named)."""
    body = json_object()
    engine = engine_of(current_app)
    engine.name_worker(reference, body.get("worker"), body.get("reason"), actor(), agency=agency)
    return case_involvement(reference), 201


@bp.route("/cases/<reference>/involvement/<agency>/workers/<username>", methods=["DELETE"])
@bp.post("/cases/<reference>/involvement/<agency>/workers/<username>/leave")
@login_required
def release_worker(reference: str, agency: str, username: str):
    """Remove a named worker: ``{"reason": TEXT}``; the case's history (the agency stays)."""
    reason = json_object().get("reason")
    engine_of(current_app).release_worker(reference, agency, username, reason, actor())
    return case_involvement(reference)


@bp.route("/cases/<reference>/involvement/<agency>", methods=["DELETE"])
@bp.post("/cases/<reference>/involvement/<agency>/leave")
@login_required
def leave(reference: str, agency: str):
    """Release an agency: ``{"reason": TEXT}``; the case's history (404 if the caller's own
    agency left, as they no longer see the case)."""
    engine = engine_of(current_app)
    engine.release(reference, agency, json_object().get("reason"), actor())
    if actor().agency == agency:
        return jsonify({"released": agency})
    return case_involvement(reference)

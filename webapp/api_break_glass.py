"""``/api/v1/break-glass``: the API's break-glass windows (on the ``api`` blueprint).

``GET`` lists the caller's open windows; ``POST {"case_ref", "reason"}`` opens one (201);
``DELETE /break-glass/{id}`` closes one. 404 for anyone whose role may not use it.
"""

from __future__ import annotations

from flask import current_app, jsonify
from flask_login import login_required

from engine.audit import jsonable

from . import engine_of
from .api import bp
from .auth import actor
from .params import json_object


def window_json(window) -> dict:
    return jsonable(
        {
            "id": window.id,
            "case_ref": window.case_ref,
            "reason": window.reason,
            "opened_at": window.opened_at,
            "expires_at": window.expires_at,
        }
    )


@bp.get("/break-glass")
@login_required
def break_glass_windows():
    """The caller's open windows, soonest to expire first."""
    engine = engine_of(current_app)
    windows = engine.break_glass_windows(actor())
    return jsonify(
        {"windows": [window_json(w) for w in windows], "minutes": engine.break_glass_minutes}
    )


@bp.post("/break-glass")
@login_required
def open_break_glass():
    """Open a window: ``{"case_ref": REF, "reason": WHY}``; 201 with the window. (Anything
    but text counts as missing, so the engine answers: 404 to the ineligible, else 422.)"""
    body = json_object()
    case_ref, reason = (body.get(name) for name in ("case_ref", "reason"))
    case_ref = case_ref if isinstance(case_ref, str) else ""
    reason = reason if isinstance(reason, str) else ""
    window = engine_of(current_app).open_break_glass(case_ref, reason, actor())
    return jsonify(window_json(window)), 201


@bp.route("/break-glass/<int:window_id>", methods=["DELETE"])
@login_required
def close_break_glass(window_id: int):
    """Close one of the caller's open windows now; the windows still open."""
    engine_of(current_app).close_break_glass(window_id, actor())
    return break_glass_windows()

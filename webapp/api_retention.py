"""Legal holds and corrections in the API (on the ``api`` blueprint).

- ``POST /api/v1/cases/{ref}/legal-hold {"reason"}``: hold a case (201); ``DELETE`` with
  ``{"reason"}`` lifts it (200). Administrators only: 404 to anyone else.
- ``GET /api/v1/entries/{id}/corrections``: an entry's answers and their corrections;
  ``POST`` ``{"field", "value", "reason"}`` records a correction (201).
"""

from __future__ import annotations

from flask import current_app, jsonify
from flask_login import login_required

from engine.audit import jsonable
from engine.retention.corrections import fields_of

from . import engine_of
from .api import bp
from .auth import actor
from .params import json_object


def _text(body: dict, name: str) -> str:
    value = body.get(name)
    return value if isinstance(value, str) else ""


def hold_json(hold) -> dict:
    return jsonable(
        {
            "case_ref": hold.case_ref,
            "reason": hold.reason,
            "placed_at": hold.placed_at,
            "placed_by": hold.placed_by,
            "lifted_at": hold.lifted_at,
            "lifted_by": hold.lifted_by,
            "lift_reason": hold.lift_reason,
        }
    )


@bp.post("/cases/<reference>/legal-hold")
@login_required
def place_legal_hold(reference: str):
    """Hold the case: ``{"reason": WHY}``; 201 with the hold."""
    reason = _text(json_object(), "reason")
    hold = engine_of(current_app).place_legal_hold(reference, reason, actor())
    return jsonify(hold_json(hold)), 201


@bp.route("/cases/<reference>/legal-hold", methods=["DELETE"])
@login_required
def lift_legal_hold(reference: str):
    """Lift the hold: ``{"reason": WHY}``; the lifted hold."""
    reason = _text(json_object(), "reason")
    hold = engine_of(current_app).lift_legal_hold(reference, reason, actor())
    return jsonify(hold_json(hold))


def correction_json(row) -> dict:
    return jsonable(
        {
            "field": row.field,
            "value": row.corrected.get("value"),
            "original": row.original.get("value"),
            "reason": row.reason,
            "corrected_by": row.corrected_by,
            "corrected_at": row.corrected_at,
        }
    )


@bp.get("/entries/<int:entry_id>/corrections")
@login_required
def entry_corrections(entry_id: int):
    """The entry's answers as recorded, and every correction of them, oldest first."""
    entry, found = engine_of(current_app).entry_for_correction(entry_id, actor())
    rows = [row for fixes in found.of(entry.id).values() for row in fixes]
    return jsonify(
        {
            "entry": entry.id,
            "task": entry.task_name,
            "recorded_by": entry.actor,
            "recorded": jsonable(fields_of(entry)),
            "corrections": [correction_json(row) for row in sorted(rows, key=lambda r: r.id)],
        }
    )


@bp.post("/entries/<int:entry_id>/corrections")
@login_required
def correct_entry(entry_id: int):
    """Correct one answer: ``{"field", "value", "reason"}``; 201 with the correction."""
    body = json_object()
    row = engine_of(current_app).correct_entry(
        entry_id, _text(body, "field"), _text(body, "value"), _text(body, "reason"), actor()
    )
    return jsonify(correction_json(row)), 201

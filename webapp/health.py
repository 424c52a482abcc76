"""``/healthz``: the database answers, with counts of running work (for load balancers)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from engine.reports import totals

from . import engine_of

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def health():
    return jsonify(totals(engine_of(current_app)))

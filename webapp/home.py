"""The start page: what is deployed and running. The inbox itself arrives with issue #4."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from engine.reports import overview

from . import engine_of

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Deployed processes with running instance and open task counts."""
    engine = engine_of(current_app)
    return render_template("home.html", overview=overview(engine))


@bp.get("/healthz")
def health():
    """Liveness for load balancers: the database answers."""
    return jsonify(overview(engine_of(current_app))["totals"])

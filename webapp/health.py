"""``/healthz``: "ok" when the database answers (for load balancers); nothing else to anyone."""

from __future__ import annotations

from flask import Blueprint, current_app

from . import engine_of

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def health():
    """ "ok" (200) once the database has answered a query; counts of work are not shown here."""
    engine_of(current_app).db.ping()
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}

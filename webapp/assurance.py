"""The partnership assurance dashboard: aggregate figures about the system, never a case.

Only the partnership chair, its business manager and Heads of Service see it (404 for anyone
else); a Head of Service sees their own agency's figures (``engine.assurance.operations``).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import login_required

from engine.agencies import AGENCIES
from engine.errors import InvalidSubmission

from . import engine_of
from .auth import actor

bp = Blueprint("assurance", __name__, url_prefix="/assurance")


@bp.get("")
@login_required
def index():
    engine = engine_of(current_app)
    values = {key: request.args.get(key, "") for key in ("from", "to", "agency")}
    try:
        filters = engine.assurance_filters(actor(), values)
    except InvalidSubmission as error:
        errors = [{"text": text, "href": f"#{field}"} for field, text in error.errors.items()]
        return _page(values, errors=errors, fields=error.errors), 422
    values = {**values, **filters.query_args()}
    return _page(values, filters=filters, tables=engine.assurance_tables(actor(), filters))


@bp.get("/<slug>.csv")
@login_required
def table_csv(slug: str):
    engine = engine_of(current_app)
    values = {key: request.args.get(key, "") for key in ("from", "to", "agency")}
    filters = engine.assurance_filters(actor(), values)
    text = engine.assurance_csv(actor(), filters, slug)
    name = f"assurance-{slug}-{filters.start}-to-{filters.end}.csv"
    return Response(
        text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _page(values: dict, **extra):
    return render_template(
        "assurance.html",
        title="Partnership assurance",
        values=values,
        agencies=AGENCIES,
        fixed_agency=engine_of(current_app).assurance_agency(actor()),
        fields=extra.pop("fields", {}),
        **extra,
    )

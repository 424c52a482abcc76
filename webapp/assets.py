"""Front-end assets: GOV.UK Frontend and bpmn-js from node_modules, our stylesheet from the sass
build."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("assets", __name__)
OUR_STATIC = Path(__file__).parent / "static"


def _govuk_dist() -> Path:
    return Path(current_app.config["JOINEDUP_ASSETS"]) / "govuk-frontend" / "dist" / "govuk"


@bp.get("/assets/app.css")
def stylesheet():
    """Our compiled stylesheet (``npm run build``)."""
    if not (OUR_STATIC / "build" / "app.css").exists():
        abort(404, "The stylesheet has not been built: run `npm run build` (make run does).")
    return send_from_directory(OUR_STATIC / "build", "app.css", max_age=3600)


@bp.get("/assets/app.js")
def script():
    """Starts GOV.UK Frontend's components."""
    return send_from_directory(OUR_STATIC, "app.js", max_age=3600)


@bp.get("/assets/diagram.js")
def diagram_script():
    """Draws BPMN diagrams with bpmn-js on the admin and instance pages."""
    return send_from_directory(OUR_STATIC, "diagram.js", max_age=3600)


@bp.get("/assets/bpmn-js/<path:filename>")
def bpmn_js(filename: str):
    """bpmn-js's viewer bundle and styles, from node_modules (npm, never committed)."""
    dist = Path(current_app.config["JOINEDUP_ASSETS"]) / "bpmn-js" / "dist"
    return send_from_directory(dist, filename, max_age=86400)


@bp.get("/assets/govuk-frontend.min.js")
def govuk_script():
    return send_from_directory(_govuk_dist(), "govuk-frontend.min.js", max_age=3600)


@bp.get("/assets/<path:filename>")
def govuk_asset(filename: str):
    """Images, fonts and the manifest shipped by GOV.UK Frontend."""
    return send_from_directory(_govuk_dist() / "assets", filename, max_age=86400)

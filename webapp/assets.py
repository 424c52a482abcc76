"""Front-end assets: GOV.UK Frontend from node_modules, our stylesheet from the sass build."""

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


@bp.get("/assets/govuk-frontend.min.js")
def govuk_script():
    return send_from_directory(_govuk_dist(), "govuk-frontend.min.js", max_age=3600)


@bp.get("/assets/<path:filename>")
def govuk_asset(filename: str):
    """Images, fonts and the manifest shipped by GOV.UK Frontend."""
    return send_from_directory(_govuk_dist() / "assets", filename, max_age=86400)

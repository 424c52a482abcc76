"""Front-end assets: our stylesheet from the sass build, GOV.UK Frontend and bpmn-js copied next to
it by ``npm run build`` (so an installed wheel serves them), else from node_modules."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("assets", __name__)
OUR_STATIC = Path(__file__).parent / "static"


BUILD = OUR_STATIC / "build"


def _vendor(name: str, npm_dist: str) -> Path:
    """The packaged copy ``static/build/<name>`` if built, else ``node_modules/<npm_dist>``."""
    if (BUILD / name).is_dir():
        return BUILD / name
    return Path(current_app.config["JOINEDUP_ASSETS"]) / npm_dist


def _govuk_dist() -> Path:
    return _vendor("govuk", "govuk-frontend/dist/govuk")


@bp.get("/assets/app.css")
def stylesheet():
    """Our compiled stylesheet (``npm run build``)."""
    if not (BUILD / "app.css").exists():
        abort(404, "The stylesheet has not been built: run `npm run build` (make run does).")
    return send_from_directory(BUILD, "app.css", max_age=3600)


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
    return send_from_directory(_vendor("bpmn-js", "bpmn-js/dist"), filename, max_age=86400)


@bp.get("/assets/govuk-frontend.min.js")
def govuk_script():
    return send_from_directory(_govuk_dist(), "govuk-frontend.min.js", max_age=3600)


@bp.get("/assets/<path:filename>")
def govuk_asset(filename: str):
    """Images, fonts and the manifest shipped by GOV.UK Frontend."""
    return send_from_directory(_govuk_dist() / "assets", filename, max_age=86400)

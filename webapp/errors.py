"""One error handler for the whole app: HTML pages in the same design, or JSON for the API.

Engine errors carry their own status (403, 404, 409, 422); a database that does not answer is a
503 page that needs no database; anything unexpected is logged and answered with a plain 500
page. No traceback ever reaches the person.
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from engine.db import UNREACHABLE
from engine.errors import DatabaseUnavailable, EngineError

from .camunda_errors import camunda_error, engine_error, is_engine_rest

TITLES = {
    400: "There is a problem with the request",
    401: "You need to sign in",
    403: "You cannot do that",
    404: "Page not found",
    409: "Someone else changed this first",
    413: "What was sent is too large",
    422: "There is a problem with what was sent",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}
DOWN = "The service cannot reach its records just now. Try again later; nothing you sent was saved."


def wants_json() -> bool:
    """API paths and clients that ask for JSON get JSON errors."""
    if request.path.startswith(("/api/", "/engine-rest/")):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def respond(status: int, code: str, message: str, details=None):
    """The error as JSON ``{"error": {...}}``, as the error page, or as Camunda's REST API."""
    if is_engine_rest():
        return camunda_error(status, message)
    if wants_json():
        body = {"error": {"code": code, "message": message, "details": details}}
        return jsonify(body), status
    title = TITLES.get(status, TITLES[500])
    return render_template("error.html", status=status, title=title, message=message), status


def database_down(error: Exception):
    """The 503 page, rendered without the context processors (they read the database, for the
    signed-in person and their unread notifications) and logged for the administrators."""
    current_app.logger.error("database unavailable on %s: %s", request.path, error)
    if is_engine_rest():
        return camunda_error(503, DOWN)
    if wants_json():
        return jsonify({"error": {"code": "database_unavailable", "message": DOWN}}), 503
    page = current_app.jinja_env.get_template("unavailable.html")
    return page.render(title=TITLES[503], message=DOWN), 503


def _size(count: int) -> str:
    for unit, scale in (("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"


def init_app(app: Flask) -> None:
    """Register the handlers."""

    for unreachable in UNREACHABLE:
        app.register_error_handler(unreachable, database_down)
    app.register_error_handler(DatabaseUnavailable, database_down)

    @app.errorhandler(EngineError)
    def _engine_error(error: EngineError):
        if is_engine_rest():
            return engine_error(error)
        return respond(error.status, error.code, str(error), getattr(error, "details", None))

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return respond(
            400, "csrf", "This form has expired. Go back, reload the page and try again."
        )

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(error: RequestEntityTooLarge):
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return respond(
            413,
            "request_too_large",
            f"What was sent is larger than the {_size(limit)} this service accepts. "
            "Send smaller files, or fewer at a time.",
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        message = error.description if error.code != 500 else "Try again later."
        return respond(error.code or 500, error.name.lower().replace(" ", "_"), message)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        current_app.logger.exception("unhandled error on %s", request.path)
        if is_engine_rest():  # a process owner in the Modeler: say what kind of failure it was
            return camunda_error(
                500,
                f"JoinedUp failed unexpectedly ({type(error).__name__}); the details are logged "
                "for the administrators. Nothing you sent was saved.",
            )
        return respond(500, "internal_error", "Try again later. Nothing you sent was saved.")

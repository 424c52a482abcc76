"""Errors under /engine-rest as Camunda 7's REST API answers them, so the Modeler can show them.

Camunda answers every error with ``{"type": "<ExceptionClass>", "message": ..., "code": ...}``
and only a few statuses: 400 for a bad request or a diagram that does not parse, 401/403, 404,
and 500 (``ProcessEngineException``) for anything the engine itself fails at. Camunda Modeler
shows the ``message`` for 401/403/404/500/503 and reads every other status, 422 and 409
included, as "connection failed"; so each of our statuses is mapped onto Camunda's.
"""

from __future__ import annotations

from flask import jsonify, request

from engine.errors import EngineError, InvalidDefinition, InvalidVariables, Problem

PREFIX = "/engine-rest"
# Camunda's exception class for each status it uses; anything else becomes a 500.
TYPES = {
    400: "InvalidRequestException",
    401: "AuthenticationException",
    403: "AuthorizationException",
    404: "RestException",
    405: "RestException",
    413: "InvalidRequestException",
    429: "AuthenticationException",
    500: "ProcessEngineException",
    503: "ProcessEngineException",
}
PARSE_ERROR = "ENGINE-09005 Could not parse BPMN process. Errors in initial parsing:"


def is_engine_rest() -> bool:
    """Whether the current request is one of Camunda's REST paths."""
    return request.path == PREFIX or request.path.startswith(f"{PREFIX}/")


def camunda_error(status: int, message: str, kind: str | None = None, details=None):
    """The response Camunda would give: its status set and its error body."""
    status = status if status in TYPES else 500
    body = {"type": kind or TYPES[status], "message": message, "code": None}
    if details is not None:
        body["details"] = details
    return jsonify(body), status


def engine_error(error: EngineError):
    """An engine error as Camunda: a refused diagram is a ParseException, bad variables 400."""
    if isinstance(error, InvalidDefinition):
        return parse_exception(error.problems)
    if isinstance(error, InvalidVariables):
        return camunda_error(400, f"Cannot start the process: {error}")
    if error.status in TYPES:
        return camunda_error(error.status, str(error))
    return camunda_error(500, str(error))


def parse_exception(problems: list[Problem]):
    """Camunda 7.19+'s 400 ParseException, with its per-resource ``details`` report."""
    lines = "\n".join(f"* {problem}" for problem in problems)
    details: dict[str, dict] = {}
    for problem in problems:
        report = details.setdefault(problem.file, {"errors": [], "warnings": []})
        report["errors"].append(
            {
                "message": problem.message,
                "line": problem.line or 0,
                "column": 0,
                "mainElementId": problem.element_id,
                "elementIds": [problem.element_id] if problem.element_id else [],
            }
        )
    return camunda_error(400, f"{PARSE_ERROR}\n{lines}", "ParseException", details)

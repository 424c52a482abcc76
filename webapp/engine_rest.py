"""The part of Camunda 7's REST API that Camunda Modeler's Deploy and Start buttons use.

Requests and answers follow shared/MODELER.md (checked against camunda-modeler 5.50.1):
``GET /engine-rest/deployment?maxResults=0`` (connection check), ``GET /engine-rest/version``,
``GET /engine-rest/incident`` (the caller's processes' open incidents),
``POST /engine-rest/deployment/create`` (multipart), ``POST /engine-rest/process-definition/
{id | key/KEY}/start`` and ``GET /.well-known/camunda-automation-platform/webapps``. Process
owners sign in with Basic (username and password) or Bearer (API token). Errors are Camunda's
``{"type", "message"}`` with Camunda's statuses (``camunda_errors``); an invalid diagram is a 400
``ParseException`` with ENGINE-09005.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC

from flask import Blueprint, current_app, jsonify, request, url_for
from werkzeug.exceptions import BadRequest

from engine.errors import Conflict
from engine.inputs.camunda_variables import from_camunda
from engine.resources import DEFINITION_SUFFIXES, read_resource
from engine.signin.throttle import TooManyAttempts

from . import engine_of
from .camunda_errors import camunda_error
from .params import json_object
from .security import csrf

bp = Blueprint("engine_rest", __name__)
csrf.exempt(bp)
PREFIX = "/engine-rest"
DEPLOYERS = ("process-owner", "admin")
CAMUNDA_VERSION = "7.22.0"


class RestError(Exception):
    def __init__(self, status: int, kind: str, message: str):
        super().__init__(message)
        self.status, self.kind = status, kind


@bp.errorhandler(RestError)
def _rest_error(error: RestError):
    return camunda_error(error.status, str(error), error.kind)


@bp.before_request
def preflight():
    """CORS preflight from the Modeler's ``file://`` page, answered before any auth check."""
    if request.method != "OPTIONS":
        return None
    response = current_app.response_class(status=204)
    response.headers["Access-Control-Allow-Origin"] = "null"
    response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Accept"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    return response


def process_owner():
    """The signed-in process owner, from Basic or Bearer auth; one 401 for every refusal.

    A wrong password, an unknown user and a right password of someone who is not a process
    owner get the same answer, so the Modeler's endpoint is no password oracle; Basic attempts
    go through the sign-in throttle (429) before any password is hashed.
    """
    engine = engine_of(current_app)
    header = request.headers.get("Authorization", "")
    user = None
    if header.startswith("Basic "):
        username, password = _basic_credentials(header[6:])
        try:
            user = engine.check_credentials(
                username, password, request.remote_addr or "", roles=DEPLOYERS
            )
        except TooManyAttempts as error:
            raise RestError(429, "AuthenticationException", str(error)) from None
    elif header.startswith("Bearer "):
        user = engine.user_for_token(header[7:].strip())
    # also the literal "Authorization: undefined" the Modeler sends
    if user is None or not set(user.roles).intersection(DEPLOYERS):
        raise RestError(401, "AuthenticationException", "Sign in as a JoinedUp process owner")
    return user


def _basic_credentials(encoded: str) -> tuple[str, str]:
    """Username and password from a Basic header; empty strings if it is malformed."""
    try:
        username, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    return username, password


@bp.get(f"{PREFIX}/deployment")
def deployments():
    process_owner()
    return jsonify([])


@bp.get(f"{PREFIX}/incident")
def incidents():
    """Open incidents of the caller's processes, as Camunda's ``GET /incident`` lists them."""
    user = process_owner()
    raw = request.args.get("processInstanceId")
    if raw is not None and not (raw.isascii() and raw.isdigit() and len(raw) <= 10):
        return jsonify([])  # no instance has such an id
    found = engine_of(current_app).owned_incidents(user.actor(), int(raw) if raw else None)
    return jsonify([_incident_json(incident) for incident in found])


def _incident_json(incident) -> dict:
    return {
        "id": str(incident.id),
        "processDefinitionId": str(incident.definition_id or ""),
        "processInstanceId": str(incident.instance_id) if incident.instance_id else None,
        "incidentTimestamp": _time(incident.opened_at),
        "incidentType": "failedJob",
        "activityId": incident.element_id,
        "failedActivityId": incident.element_id,
        "incidentMessage": incident.message,
        "configuration": incident.kind,
        "tenantId": None,
        "annotation": None,
    }


@bp.get(f"{PREFIX}/version")
def version():
    return jsonify({"version": CAMUNDA_VERSION})


@bp.get("/.well-known/camunda-automation-platform/webapps")
def webapps():
    """Where the Modeler's "open" links go: our own pages (``cockpit_links`` for Cockpit's)."""
    inbox = url_for("inbox.index", _external=True)
    processes = url_for("admin.processes", _external=True)
    cockpit = url_for("cockpit.home", _external=True)
    return jsonify({"cockpitUrl": cockpit, "tasklistUrl": inbox, "adminUrl": processes})


@bp.post(f"{PREFIX}/deployment/create")
def create_deployment():
    user = process_owner()
    form = request.form
    changed_only = "true" in (
        form.get("enable-duplicate-filtering"),
        form.get("deploy-changed-only"),
    )
    files = [part for _field, part in request.files.items(multi=True)]
    unsupported = [
        part.filename for part in files if not part.filename.endswith(DEFINITION_SUFFIXES)
    ]
    if unsupported:
        raise RestError(
            400,
            "InvalidRequestException",
            f"{', '.join(unsupported)}: only .bpmn, .dmn and .form files can be deployed",
        )
    if not files:
        raise RestError(400, "InvalidRequestException", "No .bpmn, .dmn or .form file was sent")
    name = form.get("deployment-name") or files[0].filename
    resources = [read_resource(part.filename, part.read()) for part in files]
    result = engine_of(current_app).deploy(
        resources,
        name=name,
        source=form.get("deployment-source") or "Camunda Modeler",
        deployed_by=user.username,
        changed_only=changed_only,
        actor=user.actor(),
    )
    return jsonify(
        deployment_json(result, name, form.get("deployment-source"), form.get("tenant-id"))
    )


def camunda_id(definition) -> str:
    """Camunda's ``key:version:id`` form, stable for the life of the definition version."""
    return f"{definition.key}:{definition.version}:{definition.id}"


def parse_camunda_id(ref: str) -> tuple[str, int, int] | None:
    """``(key, version, definition id)`` from a :func:`camunda_id`, or None if it is not one."""
    rest, _, definition_id = ref.rpartition(":")
    key, _, version = rest.rpartition(":")
    if not (key and version.isdigit() and definition_id.isdigit()):
        return None
    return key, int(version), int(definition_id)


def _time(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"


def _definition_json(definition, deployment_id: str) -> dict:
    return {
        "id": camunda_id(definition),
        "key": definition.key,
        "category": None,
        "description": None,
        "name": definition.name,
        "version": definition.version,
        "resource": definition.resource_name,
        "deploymentId": deployment_id,
        "diagram": None,
        "suspended": False,
        "tenantId": None,
        "versionTag": None,
        "historyTimeToLive": None,
        "startableInTasklist": True,
    }


def deployment_json(result, name: str, source: str | None, tenant: str | None) -> dict:
    """Camunda's deployment body; ``deployedProcessDefinitions`` is null when nothing changed."""
    if result.deployed:
        deployment_id, when = str(result.deployment_id), result.deployed[0].deployed_at
    else:
        deployment_id, when = (
            str(result.unchanged[0].deployment_id),
            result.unchanged[0].deployed_at,
        )
    processes = [d for d in result.deployed if d.kind == "bpmn"]
    decisions = [d for d in result.deployed if d.kind == "dmn"]
    return {
        "links": [],
        "id": deployment_id,
        "name": name,
        "source": source,
        "tenantId": tenant,
        "deploymentTime": _time(when),
        "deployedProcessDefinitions": {
            camunda_id(d): _definition_json(d, deployment_id) for d in processes
        }
        or None,
        "deployedCaseDefinitions": None,
        "deployedDecisionDefinitions": {
            camunda_id(d): _definition_json(d, deployment_id) for d in decisions
        }
        or None,
        "deployedDecisionRequirementsDefinitions": None,
    }


def _json_body() -> dict:
    try:
        return json_object()
    except BadRequest as error:
        raise RestError(400, "InvalidRequestException", error.description) from None


@bp.post(f"{PREFIX}/process-definition/<definition_ref>/start")
@bp.post(f"{PREFIX}/process-definition/key/<key>/start")
def start(definition_ref: str | None = None, key: str | None = None):
    user = process_owner()
    body = _json_body()
    definition_id = None
    if definition_ref is not None:
        parsed = parse_camunda_id(definition_ref)
        if parsed is None:
            raise RestError(404, "RestException", f"No process definition with id {definition_ref}")
        key, _version, definition_id = parsed
    ref = engine_of(current_app).start_owned(
        key,
        user.actor(),
        variables=from_camunda(body.get("variables")),
        business_key=body.get("businessKey"),
        definition_id=definition_id,
    )
    return jsonify(
        {
            "links": [],
            "id": str(ref.id),
            "definitionId": definition_ref or key,
            "businessKey": body.get("businessKey"),
            "caseInstanceId": None,
            "ended": ref.status != "running",
            "suspended": False,
            "tenantId": None,
        }
    )


CORRELATION_OPTIONS = ("messageName", "businessKey", "processInstanceId", "processVariables")


@bp.post(f"{PREFIX}/message")
def correlate_message():
    """Camunda's message correlation: to the one instance waiting for the message, else a
    start of the one process that starts on it; 204, as Camunda answers without a result."""
    user = process_owner()
    body = _json_body()
    unsupported = sorted(k for k, v in body.items() if k not in CORRELATION_OPTIONS and v)
    if unsupported:
        raise RestError(
            400, "InvalidRequestException", f"not supported here: {', '.join(unsupported)}"
        )
    name, instance = body.get("messageName"), body.get("processInstanceId")
    if not isinstance(name, str) or not name:
        raise RestError(400, "InvalidRequestException", "messageName is required")
    if instance is not None and not str(instance).isdigit():
        raise RestError(400, "InvalidRequestException", f"no process instance {instance}")
    try:
        engine_of(current_app).correlate_message(
            name,
            business_key=body.get("businessKey"),
            instance_id=int(instance) if instance is not None else None,
            variables=from_camunda(body.get("processVariables")),
            actor=user.actor(),
        )
    except Conflict as error:  # no match, or more than one: Camunda's 400
        raise RestError(
            400, "RestException", f"Cannot correlate message '{name}': {error}"
        ) from None
    return "", 204


@bp.post(f"{PREFIX}/signal")
def signal():
    """Camunda's ``POST /signal``: broadcast a signal by name to every process waiting for it
    (``engine.signal_ops`` decides who may); 204 No Content, as Camunda answers."""
    user = process_owner()
    body = _json_body()
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RestError(400, "InvalidRequestException", "No signal name given")
    if body.get("executionId"):
        raise RestError(
            400, "InvalidRequestException", "Signals go to every waiting process: drop executionId"
        )
    variables = from_camunda(body.get("variables"))
    engine_of(current_app).send_signal(name.strip(), variables, actor=user.actor())
    return "", 204

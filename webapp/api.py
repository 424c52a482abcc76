"""``/api/v1``: tasks (list, show, claim, complete), cases and instances, as JSON.

Same authorisation as the pages (the engine enforces it). Sign in with a session or
``Authorization: Bearer <token>`` (``joinedup issue-token USER``). Writes need a JSON body,
which a cross-site HTML form cannot send, so the API needs no CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_login import login_required

from engine.audit import jsonable
from engine.queries import API_TABS

from . import engine_of
from .auth import actor
from .errors import respond
from .params import MAX_ID, choice_arg, json_object, list_position, page_arg
from .security import csrf
from .views import stage_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def task_json(task) -> dict:
    return jsonable(
        {
            "id": task.id,
            "name": task.name,
            "element_id": task.element_id,
            "status": task.status,
            "case_ref": task.case_ref,
            "process_key": task.process_key,
            "instance_id": task.instance_id,
            "assignee": task.assignee,
            "candidate_groups": task.candidate_groups,
            "candidate_users": task.candidate_users,
            "due_at": task.due_at,
            "priority": task.priority,
            "created_at": task.created_at,
            "completed_at": task.completed_at,
            "completed_by": task.completed_by,
            "summary": task.summary,
            "stage": stage_json(task),
        }
    )


@bp.before_request
def _json_bodies_only():
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and not request.is_json:
        return respond(
            415, "unsupported_media_type", "Send a JSON body (Content-Type: application/json)"
        )
    return None


@bp.get("/tasks")
@login_required
def list_tasks():
    """One page of a tab; ``next`` is the cursor for ``?after=`` (None: the last page) and
    ``previous`` for ``?before=``. ``page`` still numbers pages, at a cost that grows with it."""
    page = engine_of(current_app).inbox(
        actor(),
        choice_arg("tab", API_TABS, "mine"),
        process_key=request.args.get("process"),
        case_ref=request.args.get("case"),
        **list_position(),
    )
    return jsonify(
        {
            "tasks": [task_json(t) for t in page.tasks],
            "page": page.page,
            "has_next": page.has_next,
            "next": page.next_cursor,
            "has_previous": page.has_previous,
            "previous": page.previous_cursor,
        }
    )


@bp.get("/tasks/<int:task_id>")
@login_required
def show_task(task_id: int):
    view = engine_of(current_app).task_view(task_id, actor())
    fields = [{"id": f.id, "label": f.label, "type": f.type} for f in view.fields]
    if view.camunda_form is not None:
        fields = [
            {"id": c.key, "label": c.label, "type": c.type, "required": c.required}
            for c in view.camunda_form.inputs()
        ]
    return jsonify(
        {
            "task": task_json(view.task),
            "instance_version": view.instance_version,
            "form": fields,
            "values": view.values,
            "context": jsonable(view.context.as_json()),
        }
    )


@bp.post("/tasks/<int:task_id>/claim")
@login_required
def claim_task(task_id: int):
    engine_of(current_app).claim(task_id, actor())
    return jsonify({"claimed": task_id})


@bp.post("/tasks/<int:task_id>/complete")
@login_required
def complete_task(task_id: int):
    body = json_object()
    variables, version = body.get("variables", {}), body.get("version")
    if not isinstance(variables, dict):
        return respond(400, "bad_request", "'variables' must be an object of field values")
    if version is not None and not _is_id(version):
        return respond(400, "bad_request", "'version' is the instance version (a number)")
    engine = engine_of(current_app)
    ref = engine.complete(task_id, variables, actor(), expected_version=version)
    return jsonify(_instance_ref(engine, ref))


def _case_instances(engine, reference: str) -> list[dict]:
    """The case's processes, each running one with the stage it has reached (or None)."""
    instances = engine.case_instances(reference, actor())
    positions = engine.stage_positions([i.id for i in instances if i.status == "running"])
    return [
        {
            "id": i.id,
            "process_key": i.process_key,
            "status": i.status,
            "stage": stage_json(positions[i.id]) if i.id in positions else None,
        }
        for i in instances
    ]


@bp.get("/cases/<reference>/access")
@login_required
def case_access(reference: str):
    """Who has seen (and changed) a case, newest first; same permission as the page."""
    trail = engine_of(current_app).case_access(reference, actor(), page_arg())
    entries = [
        {
            "at": e.at,
            "username": e.username,
            "name": e.name,
            "agency": e.agency,
            "looked": e.looked,
            "did": e.did,
            "what": e.what,
            "via": e.via,
        }
        for e in trail.entries
    ]
    return jsonify(jsonable({"entries": entries, "page": trail.page, "has_next": trail.has_next}))


@bp.get("/instances/<int:instance_id>")
@login_required
def show_instance(instance_id: int):
    detail = engine_of(current_app).instance_detail(instance_id, actor())
    instance = detail["instance"]
    return jsonify(
        jsonable(
            {
                "id": instance.id,
                "process_key": instance.process_key,
                "summary": instance.summary,  # what the process is about (engine.wording)
                "status": instance.status,
                "version": instance.version,
                "case_ref": instance.case_ref,
                "started_at": instance.started_at,
                "ended_at": instance.ended_at,
                "tasks": [task_json(t) for t in detail["tasks"]],
                "stage": stage_json(detail["position"]) if detail["position"] else None,
                "variables": detail["variables"],
                "history": [
                    {"event": e.event_type, "at": e.at, "actor": e.actor, "task": e.task_name}
                    for e in detail["history"]
                ],
            }
        )
    )


@bp.post("/instances/<int:instance_id>/withdraw")
@login_required
def withdraw_instance(instance_id: int):
    """The raiser withdraws it: ``{"reason": TEXT}`` (403 for anyone else)."""
    engine = engine_of(current_app)
    ref = engine.withdraw(instance_id, actor(), json_object().get("reason"))
    return jsonify(_instance_ref(engine, ref))


@bp.post("/instances/<int:instance_id>/immediate-risk")
@login_required
def report_immediate_risk(instance_id: int):
    """A party reports an immediate risk: ``{"risk_to": "child"|"adult"|"both", "risk_who":
    NAME, "risk_details": TEXT}`` (403 for anyone not taking part)."""
    engine = engine_of(current_app)
    body = json_object()
    ref = engine.report_immediate_risk(
        instance_id, actor(), body.get("risk_to"), body.get("risk_who"), body.get("risk_details")
    )
    return jsonify(_instance_ref(engine, ref))


@bp.post("/cases/<reference>/start")
@login_required
def start_process(reference: str):
    """Start a process on a case: ``{"process": KEY, "subject": MEMBER_ID, "variables": {}}``
    (``subject`` names the family member when the case has several of the kind the process is
    about; ``variables`` may set timescales)."""
    body = json_object()
    key, subject, variables = body.get("process"), body.get("subject"), body.get("variables")
    if not key or not isinstance(key, str):
        return respond(400, "bad_request", 'Name the process to start: {"process": KEY}')
    if subject is not None and not _is_id(subject):
        return respond(400, "bad_request", '"subject" is a family member\'s id (a number)')
    if variables is not None and not isinstance(variables, dict):
        return respond(400, "bad_request", '"variables" is an object of name: value')
    engine = engine_of(current_app)
    ref = engine.start_on_case(key, reference, actor(), subject_id=subject, variables=variables)
    return jsonify(_instance_ref(engine, ref)), 201


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID


def _instance_ref(engine, ref) -> dict:
    """The instance after a step, and the tasks on it that are now the caller's to do."""
    return {
        "instance": {"id": ref.id, "status": ref.status, "version": ref.version},
        "next_tasks": [task_json(task) for task in engine.next_tasks(ref.id, actor())],
    }

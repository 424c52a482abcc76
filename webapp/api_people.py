"""``/api/v1/people`` and ``/api/v1/teams`` (on the ``api`` blueprint): administrators only,
404 for anyone else (the engine checks); 422 with each field's problem on bad input."""

from __future__ import annotations

from flask import current_app, jsonify, request, url_for
from flask_login import login_required

from engine.audit import jsonable
from engine.errors import InvalidSubmission
from engine.people.person_ops import ensure_admin
from engine.people.records import PERSON_FIELDS, TEAM_FIELDS

from . import engine_of
from .api import bp
from .auth import actor
from .params import json_object, page_arg


def person_json(user) -> dict:
    return jsonable(
        {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "agency": user.agency,
            "team": user.team,
            "roles": list(user.roles),
            "manager": user.manager,
            "active": user.active,
            "created_at": user.created_at,
        }
    )


def team_json(team) -> dict:
    return jsonable(
        {
            "code": team.code,
            "name": team.name,
            "agency": team.agency,
            "manager": team.manager,
            "active": team.active,
            "created_at": team.created_at,
        }
    )


def checked_body(fields: tuple[str, ...], extra: tuple[str, ...] = ()) -> dict:
    """The JSON object, with text (roles: a list of text) in known fields only; 422 naming
    each field that is not so. Administrators only: anyone else learns nothing from it."""
    ensure_admin(actor())
    body, problems = json_object(), {}
    for name, value in body.items():
        if name not in fields and name not in extra:
            problems[name] = f"'{name}' is not a field here (fields: {', '.join(fields)})"
        elif name == "roles":
            if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
                problems[name] = "Send roles as a list of role codes"
        elif name == "active":
            if not isinstance(value, bool):
                problems[name] = "Send active as true or false"
        elif value is not None and not isinstance(value, str):
            problems[name] = f"Send {name} as text"
    if problems:
        raise InvalidSubmission(problems)
    return body


@bp.get("/people")
@login_required
def list_people():
    listed = engine_of(current_app).people(actor(), request.args.get("q", "")[:100], page_arg())
    people = [person_json(user) for user in listed.items]
    return jsonify({"people": people, "page": listed.page, "has_next": listed.has_next})


@bp.post("/people")
@login_required
def create_person():
    body = checked_body(PERSON_FIELDS, extra=("password",))
    password = body.pop("password", None)
    created = engine_of(current_app).create_person(actor(), body, password)
    answer = {"person": person_json(created.user)}
    if created.reset_token:  # shown once; it was emailed too
        answer["password_link"] = url_for(
            "password_reset.reset", token=created.reset_token, _external=True
        )
    return jsonify(answer), 201


@bp.get("/people/<username>")
@login_required
def show_person(username: str):
    return jsonify({"person": person_json(engine_of(current_app).person(username, actor()))})


@bp.patch("/people/<username>")
@login_required
def update_person(username: str):
    body = checked_body(PERSON_FIELDS)
    body.pop("username", None)
    user = engine_of(current_app).update_person(username, actor(), body)
    return jsonify({"person": person_json(user)})


@bp.post("/people/<username>/deactivate")
@login_required
def deactivate_person(username: str):
    moved = engine_of(current_app).deactivate_person(username, actor())
    return jsonify(
        {
            "deactivated": username,
            "tasks_to": moved.group,
            "why": moved.why,
            "moved": moved.moved,
            "withdrawn": moved.withdrawn,
        }
    )


@bp.post("/people/<username>/reactivate")
@login_required
def reactivate_person(username: str):
    user = engine_of(current_app).reactivate_person(username, actor())
    return jsonify({"person": person_json(user)})


@bp.post("/people/<username>/reset-password")
@login_required
def reset_person_password(username: str):
    """End the person's password and sessions; the one-time link (also emailed) is in the
    answer once."""
    token = engine_of(current_app).reset_password(username, actor())
    link = url_for("password_reset.reset", token=token, _external=True) if token else None
    return jsonify({"reset": username, "password_link": link})


@bp.post("/people/import")
@login_required
def import_people():
    """``{"csv": "<the file's text>"}`` (the API takes JSON only): all rows or none (422 with
    every problem and its line)."""
    ensure_admin(actor())
    text = json_object().get("csv")
    if not isinstance(text, str) or not text.strip():
        raise InvalidSubmission({"csv": 'Send the CSV file\'s text as "csv"'})
    done = engine_of(current_app).import_people(actor(), text.removeprefix("\ufeff"))
    return jsonify(
        {
            "added": [person.username for person in done.added],
            "updated": [person.username for person in done.updated],
        }
    )


@bp.get("/teams")
@login_required
def list_teams():
    listed = engine_of(current_app).teams(actor(), request.args.get("q", "")[:100], page_arg())
    teams = [team_json(team) for team in listed.items]
    return jsonify({"teams": teams, "page": listed.page, "has_next": listed.has_next})


@bp.post("/teams")
@login_required
def create_team():
    team = engine_of(current_app).create_team(actor(), checked_body(TEAM_FIELDS))
    return jsonify({"team": team_json(team)}), 201


@bp.get("/teams/<code>")
@login_required
def show_team(code: str):
    return jsonify({"team": team_json(engine_of(current_app).team(code, actor()))})


@bp.patch("/teams/<code>")
@login_required
def update_team(code: str):
    body = checked_body(TEAM_FIELDS, extra=("active",))
    body.pop("code", None)
    return jsonify({"team": team_json(engine_of(current_app).update_team(code, actor(), body))})

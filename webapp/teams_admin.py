"""Administrators' pages for teams (routes of ``people_admin.bp``: the same 404 for others)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from engine.agencies import AGENCIES
from engine.errors import InvalidSubmission
from engine.people.records import TEAM_FIELDS

from . import engine_of
from .auth import actor
from .people_admin import bp, error_list, searched_list


def _form(title: str, values: dict, status: int = 200, **context):
    return render_template(
        "admin/team_form.html", title=title, values=values, agencies=AGENCIES, **context
    ), status


def _values() -> dict:
    return {name: request.form.get(name, "").strip() for name in TEAM_FIELDS}


@bp.get("/teams")
def teams():
    return searched_list("admin/teams.html", "Teams", engine_of(current_app).teams)


@bp.route("/teams/new", methods=["GET", "POST"])
def new_team():
    title = "Add a team"
    if request.method == "GET":
        return _form(title, {}, creating=True)
    values = _values()
    try:
        team = engine_of(current_app).create_team(actor(), values)
    except InvalidSubmission as error:
        errors = error_list(error.errors)
        return _form(title, values, 422, creating=True, errors=errors, fields=error.errors)
    flash(f"Team {team.name} is added. Choose it on a person's page to put them in it.")
    return redirect(url_for("people_admin.teams"))


@bp.route("/teams/<code>", methods=["GET", "POST"])
def team(code: str):
    engine = engine_of(current_app)
    found = engine.team(code, actor())
    members = engine.team_people(code, actor())
    title = f"Change {found.name}"
    if request.method == "GET":
        values = {name: getattr(found, name) for name in TEAM_FIELDS}
        return _form(title, values, team=found, members=members)
    values = {**_values(), "code": found.code}
    if "active" in request.form:
        values["active"] = request.form["active"] == "yes"
    try:
        engine.update_team(code, actor(), values)
    except InvalidSubmission as error:
        errors = error_list(error.errors)
        return _form(
            title, values, 422, team=found, members=members, errors=errors, fields=error.errors
        )
    flash(f"Team {values['name'] or found.name} is saved.")
    return redirect(url_for("people_admin.teams"))

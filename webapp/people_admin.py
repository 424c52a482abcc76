"""Administrators' pages for people: list, add, edit, deactivate, reactivate, reset a
password, import CSV. Anyone else gets 404 for every one of them (the engine checks)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.agencies import AGENCIES, ROLES
from engine.errors import Conflict, InvalidSubmission
from engine.people.csv_import import ImportRefused
from engine.people.person_ops import ensure_admin
from engine.people.records import PERSON_FIELDS

from . import engine_of
from .auth import actor, login_manager
from .params import page_arg

bp = Blueprint("people_admin", __name__, url_prefix="/admin")


@bp.before_request
def _administrators_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    ensure_admin(actor())  # 404 for anyone else, naming nothing
    return None


def form_values() -> dict:
    """A person's answers as typed (roles from the checkboxes)."""
    values = {name: request.form.get(name, "").strip() for name in PERSON_FIELDS}
    values["roles"] = request.form.getlist("roles")
    return values


def error_list(errors: dict[str, str]) -> list[dict]:
    """The GOV.UK error summary's items, each linking to its question."""
    return [{"text": text, "href": f"#{field}"} for field, text in errors.items()]


def person_form(template: str, status: int = 200, **context):
    engine = engine_of(current_app)
    return render_template(
        template,
        agencies=AGENCIES,
        roles=ROLES,
        teams=engine.all_teams(actor()),
        **context,
    ), status


def searched_list(template: str, title: str, find):
    """A list page searched by ``?q=`` (its first 100 characters) and paged by ``?page=``:
    ``find(actor, search, page)`` is the engine's query (people's, teams')."""
    search = request.args.get("q", "")[:100]
    listed = find(actor(), search, page_arg())
    return render_template(template, title=title, listed=listed, search=search)


@bp.get("/people")
def people():
    return searched_list("admin/people.html", "People", engine_of(current_app).people)


@bp.route("/people/new", methods=["GET", "POST"])
def new_person():
    title = "Add a person"
    if request.method == "GET":
        return person_form("admin/person_form.html", title=title, values={}, creating=True)
    values = form_values()
    try:
        created = engine_of(current_app).create_person(actor(), values)
    except InvalidSubmission as error:
        return person_form(
            "admin/person_form.html",
            422,
            title=title,
            values=values,
            creating=True,
            errors=error_list(error.errors),
            fields=error.errors,
        )
    return _reset_shown(created.user, created.reset_token, added=True)


@bp.route("/people/<username>", methods=["GET", "POST"])
def person(username: str):
    engine = engine_of(current_app)
    user = engine.person(username, actor())
    title = f"Change {user.display_name}"
    if request.method == "GET":
        values = {name: getattr(user, name) for name in PERSON_FIELDS}
        return person_form("admin/person_form.html", title=title, values=values, user=user)
    values = {**form_values(), "username": user.username}
    try:
        engine.update_person(username, actor(), values)
    except (InvalidSubmission, Conflict) as error:
        # the last administrator cannot be demoted: say so at the roles, keeping the answers
        fields = error.errors if isinstance(error, InvalidSubmission) else {"roles": str(error)}
        return person_form(
            "admin/person_form.html",
            error.status,
            title=title,
            values=values,
            user=user,
            errors=error_list(fields),
            fields=fields,
        )
    flash(f"{user.display_name}'s details are saved.")
    return redirect(url_for("people_admin.people"))


@bp.post("/people/<username>/deactivate")
def deactivate(username: str):
    engine = engine_of(current_app)
    user = engine.person(username, actor())
    moved = engine.deactivate_person(username, actor())
    flash(
        f"{user.display_name} is deactivated: they are signed out everywhere and their API "
        f"token no longer works. {len(moved.moved)} of their open tasks went to {moved.why} "
        f"({moved.group}); {len(moved.withdrawn)} other task(s) stay with their other candidates."
    )
    return redirect(url_for("people_admin.person", username=username))


@bp.post("/people/<username>/reactivate")
def reactivate(username: str):
    user = engine_of(current_app).reactivate_person(username, actor())
    flash(f"{user.display_name} can sign in again. Tasks handed over stay with the team queue.")
    return redirect(url_for("people_admin.person", username=username))


@bp.post("/people/<username>/reset-password")
def reset_password(username: str):
    engine = engine_of(current_app)
    user = engine.person(username, actor())
    return _reset_shown(user, engine.reset_password(username, actor()))


def _reset_shown(user, token: str | None, added: bool = False):
    """The one-time link, shown once here (not flashed: the session cookie would keep it)."""
    link = url_for("password_reset.reset", token=token, _external=True) if token else None
    title = f"{user.display_name} is added" if added else f"{user.display_name}'s password is reset"
    return render_template("admin/reset_link.html", title=title, user=user, link=link, added=added)


@bp.route("/people/import", methods=["GET", "POST"])
def import_people():
    title = "Import people from a CSV file"
    if request.method == "GET":
        return render_template("admin/people_import.html", title=title)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        problems = ["Choose a CSV file to import"]
    else:
        try:
            text = upload.read().decode("utf-8-sig")
            done = engine_of(current_app).import_people(actor(), text)
        except UnicodeDecodeError:
            problems = ["The file must be a CSV file saved as UTF-8"]
        except ImportRefused as error:
            problems = error.problems
        else:
            flash(
                f"Imported: {len(done.added)} added, {len(done.updated)} updated. "
                "New people are emailed a link to set their password."
            )
            return redirect(url_for("people_admin.people"))
    errors = [{"text": problem, "href": "#file"} for problem in problems]
    return render_template("admin/people_import.html", title=title, errors=errors), 422

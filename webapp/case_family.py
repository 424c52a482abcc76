"""Family pages (on the ``cases`` blueprint): add, change and remove members, record a
birth, who cares for whom and protective factors. See ``case_records`` for the form habits."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_login import login_required

from engine.casework.factors import ADULT_FACTORS, HOUSEHOLD_FACTORS
from engine.errors import Conflict, InvalidSubmission, NotFound

from . import engine_of
from .auth import actor
from .case_records import _form, date_parts, form_data, keep_typing
from .cases import bp

MEMBER_FORM, BIRTH_FORM = "member_form.html", "birth_form.html"


def _back(reference: str, message: str):
    flash(message)
    return redirect(url_for("cases.show", reference=reference) + "#family")


@bp.route("/cases/<reference>/members/new", methods=["GET", "POST"])
@login_required
def add_member(reference: str):
    """Add an adult, a child or an unborn baby."""
    engine = engine_of(current_app)
    view = engine.case(reference, actor())
    title, kind = "Add a family member", request.values.get("kind", "")
    extra = {"view": view, "kind": kind, **_factors(kind)}
    if request.method == "GET":
        return _form(MEMBER_FORM, title, form={"kind": kind}, **extra)
    try:
        engine.add_member(reference, form_data(), actor())
    except (InvalidSubmission, Conflict) as error:
        return _form(MEMBER_FORM, title, error.status, error, form=request.form, **extra)
    return _back(reference, f"{request.form.get('name', '').strip()} is added to the family.")


def _factors(kind: str) -> dict:
    """The factor checkboxes: the household's for everyone, an adult's own for adults (and
    for a new member, whose kind is still to be chosen)."""
    own = ADULT_FACTORS if kind in ("", "adult") else {}
    return {"household": HOUSEHOLD_FACTORS, "adult_factors": own}


def _member_values(member) -> dict:
    values = {f: getattr(member, f) or "" for f in ("name", "relationship", "school", "gp")}
    values.update(kind=member.kind, version=member.version)
    values.update(young_carer="yes" if member.young_carer else "")
    values.update(date_parts("date_of_birth", member.date_of_birth))
    values.update(date_parts("expected_due_date", member.expected_due_date))
    return values


@bp.route("/cases/<reference>/members/<int:member_id>", methods=["GET", "POST"])
@login_required
def change_member(reference: str, member_id: int):
    """Change a member's details; a stale page keeps what was typed and shows what is now."""
    engine = engine_of(current_app)
    member = engine.family_member(reference, member_id, actor())
    title = f"Change {member.name}'s details"
    extra = {"member": member, "kind": member.kind, **_factors(member.kind)}
    extra["reference"] = reference
    if request.method == "GET":
        chosen = member.vulnerabilities or []
        return _form(MEMBER_FORM, title, form=_member_values(member), chosen=chosen, **extra)
    try:
        engine.change_member(reference, member_id, form_data(), actor())
    except (InvalidSubmission, Conflict) as error:
        chosen = request.form.getlist("vulnerabilities")
        form = keep_typing(request.form, error, member)
        return _form(MEMBER_FORM, title, error.status, error, form=form, chosen=chosen, **extra)
    return _back(reference, f"{member.name}'s details are saved.")


@bp.post("/cases/<reference>/members/<int:member_id>/remove")
@login_required
def remove_member(reference: str, member_id: int):
    data = {"version": request.form.get("version")}
    try:
        name = engine_of(current_app).remove_member(reference, member_id, data, actor())
    except Conflict as error:
        flash(str(error))
        return redirect(url_for("cases.change_member", reference=reference, member_id=member_id))
    return _back(reference, f"{name} is removed from the family.")


@bp.route("/cases/<reference>/members/<int:member_id>/birth", methods=["GET", "POST"])
@login_required
def birth(reference: str, member_id: int):
    """Record the birth of an unborn baby: the same record becomes a child."""
    engine = engine_of(current_app)
    member = engine.family_member(reference, member_id, actor())
    if member.kind != "unborn":
        raise NotFound("Page not found")
    title = f"Record the birth of {member.name}"
    extra = {"member": member, "reference": reference}
    if request.method == "GET":
        return _form(BIRTH_FORM, title, form={"version": member.version, "name": ""}, **extra)
    try:
        engine.record_birth(reference, member_id, form_data(), actor())
    except (InvalidSubmission, Conflict) as error:
        form = keep_typing(request.form, error, member)
        return _form(BIRTH_FORM, title, error.status, error, form=form, **extra)
    return _back(reference, "The birth is recorded.")


def _add_relation(reference: str, template: str, title: str, add, message: str):
    """The form of one family relation (who cares for whom, a protective factor): ``add`` is
    the engine's call that records it; a refusal shows the form again with what was typed."""
    view = engine_of(current_app).case(reference, actor())
    if request.method == "GET":
        return _form(template, title, view=view, form={})
    try:
        add(reference, request.form.to_dict(), actor())
    except (InvalidSubmission, Conflict) as error:
        return _form(template, title, error.status, error, view=view, form=request.form)
    return _back(reference, message)


@bp.route("/cases/<reference>/caring", methods=["GET", "POST"])
@login_required
def add_caring(reference: str):
    """Record that one member cares for another, and what the care is."""
    add = engine_of(current_app).add_caring
    title, message = "Record who cares for whom", "The caring relationship is recorded."
    return _add_relation(reference, "caring_form.html", title, add, message)


@bp.post("/cases/<reference>/caring/<int:row_id>/remove")
@login_required
def remove_caring(reference: str, row_id: int):
    engine_of(current_app).remove_caring(reference, row_id, actor())
    return _back(reference, "The caring relationship is removed.")


@bp.route("/cases/<reference>/protective", methods=["GET", "POST"])
@login_required
def add_protective(reference: str):
    """Record a protective factor, resting on an adult or on no one (never a child)."""
    add = engine_of(current_app).add_protective
    title, message = "Record a protective factor", "The protective factor is recorded."
    return _add_relation(reference, "protective_form.html", title, add, message)


@bp.post("/cases/<reference>/protective/<int:row_id>/remove")
@login_required
def remove_protective(reference: str, row_id: int):
    engine_of(current_app).remove_protective(reference, row_id, actor())
    return _back(reference, "The protective factor is removed.")

"""``/api/v1/cases``: search and create cases, and change a case's details and family (on
the ``api`` blueprint). Same rules as the pages (the engine enforces them): 404 for a case
the caller may not see, 422 with field errors, 409 for a stale ``version`` or a closed case.
"""

from __future__ import annotations

from flask import current_app, jsonify, request, url_for
from flask_login import login_required

from engine.audit import jsonable

from . import engine_of
from .api import _case_instances, bp
from .auth import actor
from .params import json_object, page_arg


def member_json(member) -> dict:
    return {
        "id": member.id,
        "name": member.name,
        "kind": member.kind,
        "relationship": member.relationship,
        "date_of_birth": member.date_of_birth,
        "expected_due_date": member.expected_due_date,
        "school": member.school,
        "gp": member.gp,
        "young_carer": member.young_carer,
        "vulnerabilities": member.vulnerabilities,
        "version": member.version,
    }


def summary_json(case) -> dict:
    return {
        "reference": case.reference,
        "family_name": case.family_name,
        "case_type": case.case_type,
        "status": case.status,
        "created_at": case.created_at,
        "url": url_for("api.show_case", reference=case.reference),
    }


@bp.get("/cases")
@login_required
def search_cases():
    """The cases the caller may see, newest first; ``?q=`` matches a reference, family name or
    member's name (case-insensitive, partial); ``?page=``."""
    found = engine_of(current_app).search_cases(actor(), request.args.get("q", ""), page_arg())
    cases = [summary_json(case) for case in found.cases]
    return jsonify(jsonable({"cases": cases, "page": found.page, "has_next": found.has_next}))


@bp.post("/cases")
@login_required
def create_case():
    """``{"family_name", "case_type", "summary"}`` (an administrator adds ``"agency"`` and
    may give a ``"reference"``): 201 with the case."""
    engine = engine_of(current_app)
    reference = engine.open_case(json_object(), actor())
    if not engine.may_see_case(reference, actor()):  # an administrator's, for another agency
        url = url_for("api.show_case", reference=reference)
        return jsonify({"reference": reference, "url": url}), 201
    return show_case(reference, look=False), 201


@bp.get("/cases/<reference>")
@login_required
def show_case(reference: str, look: bool = True):
    engine = engine_of(current_app)
    view = engine.case(reference, actor(), look=look)
    case = view.case
    body = {
        **summary_json(case),
        "summary": case.summary,
        "version": case.version,
        "closed_at": case.closed_at,
        "closed_by": case.closed_by,
        "members": [member_json(m) for m in view.members],
        "caring": [
            {"id": c.id, "carer": c.carer_id, "cared_for": c.cared_for_id, "care": c.care}
            for c in view.caring
        ],
        "protective_factors": [
            {"id": p.id, "description": p.description, "member": p.member_id}
            for p in view.protective
        ],
        "agencies": [
            {"agency": i.agency, "worker": i.worker_name, "worker_username": i.worker_username}
            for i in view.involvements
        ],
        "instances": _case_instances(engine, reference),
        "startable": [
            {"process": p.key, "name": p.name, "subject_kind": p.subject_kind}
            for p in engine.startable_processes(actor())
        ],
    }
    return jsonify(jsonable(body))


@bp.patch("/cases/<reference>")
@login_required
def change_case(reference: str):
    """Any of ``{"family_name", "summary", "case_type"}`` and the ``version`` read."""
    engine_of(current_app).change_case_details(reference, json_object(), actor(), partial=True)
    return show_case(reference, look=False)


@bp.post("/cases/<reference>/close")
@login_required
def close_case(reference: str):
    """``{"reason": TEXT}``; 409 while processes run on the case."""
    engine_of(current_app).close_case(reference, json_object().get("reason"), actor())
    return show_case(reference, look=False)


@bp.post("/cases/<reference>/reopen")
@login_required
def reopen_case(reference: str):
    engine_of(current_app).reopen_case(reference, json_object().get("reason"), actor())
    return show_case(reference, look=False)


@bp.post("/cases/<reference>/members")
@login_required
def add_member(reference: str):
    """``{"kind": "adult"|"child"|"unborn", "name", "relationship", "date_of_birth",
    "expected_due_date", "school", "gp", "young_carer", "vulnerabilities": [codes]}``."""
    engine = engine_of(current_app)
    member_id = engine.add_member(reference, json_object(), actor())
    return _member(engine, reference, member_id), 201


@bp.patch("/cases/<reference>/members/<int:member_id>")
@login_required
def change_member(reference: str, member_id: int):
    """The fields to change (the others are kept) and the ``version`` read."""
    engine = engine_of(current_app)
    engine.change_member(reference, member_id, json_object(), actor(), partial=True)
    return _member(engine, reference, member_id)


@bp.post("/cases/<reference>/members/<int:member_id>/birth")
@login_required
def record_birth(reference: str, member_id: int):
    """``{"date_of_birth": "YYYY-MM-DD", "name": optional, "version"}``."""
    engine = engine_of(current_app)
    engine.record_birth(reference, member_id, json_object(), actor())
    return _member(engine, reference, member_id)


@bp.delete("/cases/<reference>/members/<int:member_id>")
@login_required
def remove_member(reference: str, member_id: int):
    """``{"version": N}`` (optional): removes the member, their caring relationships and the
    protective factors resting on them."""
    name = engine_of(current_app).remove_member(reference, member_id, json_object(), actor())
    return jsonify({"removed": name})


@bp.post("/cases/<reference>/caring")
@login_required
def add_caring(reference: str):
    """``{"carer": MEMBER_ID, "cared_for": MEMBER_ID, "care": TEXT}``."""
    row_id = engine_of(current_app).add_caring(reference, json_object(), actor())
    return jsonify({"id": row_id}), 201


@bp.delete("/cases/<reference>/caring/<int:row_id>")
@login_required
def remove_caring(reference: str, row_id: int):
    engine_of(current_app).remove_caring(reference, row_id, actor())
    return jsonify({"removed": row_id})


@bp.post("/cases/<reference>/protective-factors")
@login_required
def add_protective(reference: str):
    """``{"description": TEXT, "member": ADULT_ID or null}`` (a child: 422)."""
    row_id = engine_of(current_app).add_protective(reference, json_object(), actor())
    return jsonify({"id": row_id}), 201


@bp.delete("/cases/<reference>/protective-factors/<int:row_id>")
@login_required
def remove_protective(reference: str, row_id: int):
    engine_of(current_app).remove_protective(reference, row_id, actor())
    return jsonify({"removed": row_id})


def _member(engine, reference: str, member_id: int):
    member = engine.family_member(reference, member_id, actor())
    return jsonify(jsonable(member_json(member)))

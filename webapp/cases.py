"""Case pages: the family, the agencies involved, processes, timeline; starting a process."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required

from engine.agencies import AGENCIES, agency_name
from engine.errors import Conflict, InvalidSubmission
from engine.timeline import KINDS, PER_PAGE, TimelineFilters

from . import engine_of
from .auth import actor
from .params import choice_arg, form_int, page_arg
from .views import flash_next_steps

bp = Blueprint("cases", __name__)


@bp.get("/cases")
@login_required
def index():
    """The cases the person may see, newest first, or those matching ``?q=`` (a reference,
    family name or member's name), a page at a time."""
    engine, who = engine_of(current_app), actor()
    query = request.args.get("q", "")
    found = engine.search_cases(who, query, page_arg())
    title = f"Cases matching '{found.query}'" if found.query else "Cases"
    return render_template(
        "cases.html", title=title, found=found, may_create=engine.may_create_case(who)
    )


@bp.get("/cases/<reference>")
@login_required
def show(reference: str):
    return case_page(reference)


@bp.post("/cases/<reference>/start/<key>")
@login_required
def start(reference: str, key: str):
    engine = engine_of(current_app)
    try:
        ref = engine.start_on_case(key, reference, actor(), subject_id=form_int("subject"))
    except InvalidSubmission as error:
        errors = [{"text": message, "href": "#main-content"} for message in error.errors.values()]
        return case_page(reference, start_errors=errors), 422
    flash("The process has started.")
    flash_next_steps(ref.id, actor())
    return redirect(url_for("instances.show", instance_id=ref.id))


@bp.post("/cases/<reference>/involvement")
@login_required
def involve(reference: str):
    """Involve an agency in the case (MASH, CSC/ASC managers, administrators)."""
    agency = request.form.get("agency", "")
    try:
        engine_of(current_app).involve(reference, agency, request.form.get("reason", ""), actor())
    except (InvalidSubmission, Conflict) as error:
        return case_page(reference, involvement_errors=_messages(error)), error.status
    flash(f"{agency_name(agency)} is now involved in this case.")
    return redirect(url_for("cases.show", reference=reference))


@bp.post("/cases/<reference>/involvement/<agency>/leave")
@login_required
def leave(reference: str, agency: str):
    """Release an agency from the case; if it was the person's own, they lose sight of it."""
    try:
        engine_of(current_app).release(reference, agency, request.form.get("reason", ""), actor())
    except (InvalidSubmission, Conflict) as error:
        return case_page(reference, involvement_errors=_messages(error)), error.status
    flash(f"{agency_name(agency)} is no longer involved in case {reference}.")
    if actor().agency == agency:
        return redirect(url_for("cases.index"))
    return redirect(url_for("cases.show", reference=reference))


@bp.post("/cases/<reference>/involvement/workers")
@login_required
def name_worker(reference: str):
    """Name a person of an involved agency on the case (the same people as ``involve``)."""
    form = request.form
    try:
        name = engine_of(current_app).name_worker(
            reference, form.get("worker", ""), form.get("reason", ""), actor()
        )
    except (InvalidSubmission, Conflict) as error:
        return case_page(reference, involvement_errors=_messages(error)), error.status
    flash(f"{name} is now named on this case.")
    return redirect(url_for("cases.show", reference=reference))


@bp.post("/cases/<reference>/involvement/<agency>/workers/<username>/leave")
@login_required
def release_worker(reference: str, agency: str, username: str):
    """Remove a named worker; their agency stays involved."""
    reason = request.form.get("reason", "")
    try:
        name = engine_of(current_app).release_worker(reference, agency, username, reason, actor())
    except (InvalidSubmission, Conflict) as error:
        return case_page(reference, involvement_errors=_messages(error)), error.status
    flash(f"{name} is no longer named on case {reference}; {agency_name(agency)} stays involved.")
    return redirect(url_for("cases.show", reference=reference))


def _messages(error: InvalidSubmission | Conflict) -> list[dict]:
    texts = error.errors.values() if isinstance(error, InvalidSubmission) else [str(error)]
    return [{"text": text, "href": "#involvement"} for text in texts]


@bp.get("/cases/<reference>/access")
@login_required
def access(reference: str):
    """Who has seen (and changed) the case: the lead agency's managers and the partnership."""
    trail = engine_of(current_app).case_access(reference, actor(), page_arg())
    return render_template("case_access.html", title=f"Who has seen case {reference}", trail=trail)


@bp.get("/cases/<reference>/access.csv")
@login_required
def access_csv(reference: str):
    text = engine_of(current_app).case_access_csv(reference, actor())
    filename = "".join(c for c in reference if c.isalnum() or c in "-_") or "case"
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}-access.csv"'},
    )


def case_page(reference: str, **extra):
    engine = engine_of(current_app)
    view = engine.case(reference, actor())
    instances = engine.case_instances(reference, actor())
    filters = _timeline_filters()
    page = engine.case_timeline_page(reference, actor(), filters)
    timeline = page.events
    running = [instance.id for instance in instances if instance.status == "running"]
    return render_template(
        "case.html",
        title=f"Case {reference}",
        view=view,
        instances=instances,
        positions=engine.stage_positions(running),
        withdrawable=engine.withdrawable([i.id for i in instances], actor()),
        risk_reportable=engine.risk_reportable([i.id for i in instances], actor()),
        timeline=timeline,
        timeline_page=page,
        timeline_filters=filters,
        timeline_processes=sorted(
            {(i.process_key, i.process_name or i.process_key) for i in instances}
        ),
        agencies=AGENCIES,
        kinds=KINDS,
        per_page=PER_PAGE,
        corrections=engine.entry_corrections(timeline, actor()),
        legal_hold=engine.legal_hold(reference, actor()),
        startable=engine.startable_processes(actor()),
        involvement=engine.involvement(reference, actor()),
        **extra,
    )


def _timeline_filters() -> TimelineFilters:
    """``?process=&agency=&kind=&page=`` on the case page (empty: everything)."""
    return TimelineFilters(
        process_key=(request.args.get("process") or "")[:255] or None,
        agency=choice_arg("agency", ["", *AGENCIES], "") or None,
        kind=choice_arg("kind", ["", *KINDS], "") or None,
        page=page_arg(),
    )

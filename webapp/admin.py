"""Process administration for process owners: versions, deploy by upload, XML, diagrams."""

from __future__ import annotations

from itertools import groupby

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required

from engine.admin_ops import ensure_process_owner
from engine.deploy_checks.deploy_warnings import deploy_warnings
from engine.errors import InvalidDefinition, MigrationBlocked, Problem
from engine.resources import DEFINITION_SUFFIXES, read_resource

from . import engine_of
from .auth import actor
from .params import form_int, int_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/processes")
@login_required
def processes():
    versions = engine_of(current_app).definition_versions(actor())
    rows = []
    for key, group in groupby(versions, key=lambda summary: summary.definition.key):
        group = list(group)
        rows.append(
            {
                "key": key,
                "latest": group[0].definition,
                "versions": len(group),
                "running": sum(v.running for v in group),
                "failed": sum(v.failed for v in group),
                "finished": sum(v.finished for v in group),
            }
        )
    return render_template("admin/processes.html", title="Processes", rows=rows)


@bp.get("/processes/<key>")
@login_required
def process(key: str):
    versions = engine_of(current_app).definition_versions(actor(), key)
    wanted = int_arg("version")
    shown = next((v for v in versions if v.definition.version == wanted), versions[0])
    title = shown.definition.name or key
    owners = engine_of(current_app).process_owners(key, actor())
    return render_template(
        "admin/process.html", title=title, versions=versions, shown=shown, owners=owners
    )


@bp.get("/definitions/<int:definition_id>/source")
@login_required
def source(definition_id: int):
    """The file exactly as deployed, to open in Camunda Modeler."""
    definition = engine_of(current_app).definition_source(definition_id, actor())
    filename = definition.resource_name.replace('"', "")
    return Response(
        definition.source,
        mimetype="application/json" if definition.kind == "form" else "application/xml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/definitions/<int:definition_id>/diagram")
@login_required
def definition_diagram(definition_id: int):
    definition = engine_of(current_app).definition_source(definition_id, actor())
    return jsonify({"xml": definition.source, "completed": [], "active": [], "timers": []})


@bp.route("/deploy", methods=["GET", "POST"])
@login_required
def deploy():
    """Upload .bpmn/.dmn/.form files; a validation report when anything is wrong."""
    engine = engine_of(current_app)
    ensure_process_owner(actor())
    if request.method == "GET":
        return render_template("admin/deploy.html", title="Deploy definitions", problems=[])
    try:
        resources = _uploaded_resources()
        result = engine.deploy(
            resources,
            name=request.form.get("name") or resources[0].filename,
            source="web upload",
            actor=actor(),
        )
    except InvalidDefinition as error:
        return render_template(
            "admin/deploy.html", title="Deploy definitions", problems=error.problems
        ), 422
    deployed = [f"{d.name or d.key} version {d.version}" for d in result.deployed]
    flash(f"Deployed: {', '.join(deployed)}." if deployed else "Nothing had changed.")
    for warning in deploy_warnings(resources) if deployed else []:
        flash(str(warning), "warning")
    return redirect(url_for("admin.processes"))


def _uploaded_resources() -> list:
    files = [part for part in request.files.getlist("files") if part.filename]
    if not files:
        raise InvalidDefinition(
            [Problem("upload", "Choose at least one .bpmn, .dmn or .form file")]
        )
    problems, resources = [], []
    for part in files:
        if not part.filename.endswith(DEFINITION_SUFFIXES):
            problems.append(
                Problem(part.filename, "only .bpmn, .dmn and .form files can be deployed")
            )
            continue
        try:
            resources.append(read_resource(part.filename, part.read()))
        except InvalidDefinition as error:
            problems += error.problems
    if problems:  # report the readable files' problems too, so one upload shows them all
        raise InvalidDefinition(problems + engine_of(current_app).validate(resources))
    return resources


@bp.post("/processes/<key>/migrate")
@login_required
def migrate(key: str):
    """Move running instances of an older version to the newest; blockers shown if refused."""
    engine = engine_of(current_app)
    try:
        result = engine.migrate_instances(form_int("source"), form_int("target"), actor())
    except MigrationBlocked as error:
        versions = engine.definition_versions(actor(), key)
        return render_template(
            "admin/process.html",
            title=versions[0].definition.name or key,
            versions=versions,
            shown=versions[0],
            blockers=error.blockers,
        ), 409
    flash(
        f"Moved {len(result.moved)} running instance(s) from version {result.from_version} "
        f"to version {result.to_version}."
    )
    return redirect(url_for("admin.process", key=key))

"""Camunda Modeler's "Open in Cockpit" links, answered with our own pages.

After a deploy the Modeler links to ``<cockpit>repository?deploymentsQuery=…`` and after a start
to ``<cockpit>process-instance/<id>``, where ``<cockpit>`` is the ``cockpitUrl`` our
``/.well-known/camunda-automation-platform/webapps`` gives (this blueprint's home). Without that
document the Modeler falls back to Camunda's own ``/app/cockpit/default/#/…`` (or
``/camunda/app/…``): the part after ``#`` never reaches a server, so the home page loads a
static script that follows the fragment to the matching path here. Each path redirects to the
page that shows the thing, which applies its usual sign-in and permission rules.
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import login_required

from . import engine_of
from .auth import actor
from .engine_rest import parse_camunda_id

bp = Blueprint("cockpit", __name__)
HOME = "/app/cockpit/default/"


@bp.get(f"/camunda{HOME}", endpoint="tomcat_home")  # where the Modeler's guess for Tomcat goes
@bp.get(HOME)
def home():
    """The page a fragment link (``#/process-instance/42``) lands on; its script follows it."""
    return render_template("cockpit_link.html", title="Opening JoinedUp")


@bp.get(f"{HOME}process-instance/<int:instance_id>")
@login_required
def process_instance(instance_id: int):
    """An instance the Modeler just started: its instance page."""
    return redirect(url_for("instances.show", instance_id=instance_id))


@bp.get(f"{HOME}process-definition/<definition_ref>")
@login_required
def process_definition(definition_ref: str):
    """A definition by its Camunda id (``key:version:id``): that version's process page."""
    parsed = parse_camunda_id(definition_ref)
    if parsed is None:
        abort(404)
    key, version, _definition_id = parsed
    return redirect(url_for("admin.process", key=key, version=version))


@bp.get(f"{HOME}repository")
@login_required
def repository():
    """A deployment the Modeler just made: its process's page, else the processes page."""
    deployment_id = _queried_deployment(request.args.get("deploymentsQuery"))
    if deployment_id is not None:
        processes = engine_of(current_app).deployed_processes(deployment_id, actor())
        if processes:
            key, version = processes[0]
            return redirect(url_for("admin.process", key=key, version=version))
    return redirect(url_for("admin.processes"))


def _queried_deployment(query: str | None) -> int | None:
    """The id in Cockpit's ``deploymentsQuery=[{"type": "id", "value": "7"}]``, if any."""
    try:
        filters = json.loads(query or "[]")
    except ValueError:
        return None
    for item in filters if isinstance(filters, list) else []:
        if not isinstance(item, dict) or item.get("type") != "id":
            continue
        value = str(item.get("value", ""))
        if value.isdigit():
            return int(value)
    return None

"""Every route × every kind of person: a role × agency × endpoint matrix, from the URL map.

``RULES`` says, for every rule in ``app.url_map`` (asset routes aside), how to build its URL
from the demo data (ids looked up through the engine, never hard-coded) and what each kind of
person gets for each method. ``test_every_route_has_a_rule`` fails, naming the route, when a
route is added without a rule (or a rule outlives its route).

People (engine.demo): case DEMO-001 (Taylor family) involves children's social care, adult
mental health and others, not the police; Pat (adult mental health) raised a professional
difference and holds its first task.

- ``anonymous``: nobody signed in (web pages redirect to sign-in; the API and /engine-rest 401)
- ``pat``: involved practitioner, candidate for and holder of the task
- ``sam``: involved practitioner of another agency and team (children's social care)
- ``pc``: practitioner of an agency not involved in the case (police)
- ``amy``: manager of Pat's own team (adult mental health)
- ``cal``: manager in the case's lead agency (children's social care), who may see its trail
- ``chair``: the partnership chair, with no work on the case (no sight of it: least privilege)
- ``owner``: a process owner (partnership), no work on the case
- ``admin``: an administrator, no work on the case (the chair and administrators may read its
  "who has seen" trail all the same: oversight of access, not case content)

/api/v1 is tried twice for each signed-in person, with the session and with a bearer token;
/engine-rest with HTTP Basic (the demo password).

Writes are kept safe: each POST sends a minimal body that is refused (400/403/409/422) or
that changes only the sender's own things (notification settings), and whatever a cell moves
(Pat giving the task back, Amy unassigning it) is put back before the next cell. Nothing sent to
anonymous or the police practitioner names the family or the task, whatever the status; every
404 must name nothing (case reference, family, task, other people) and be the
same as the answer for an id that does not exist.

Speed: one app per module and backend, one signed-in client per person. The matrix runs on
SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too (it is fast enough for both);
the meta-test needs no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from engine.clock import FrozenClock
from engine.demo import DEMO_CASE, FAMILY, PEOPLE
from engine.models import HumanTask
from webapp import create_app, engine_of

from .conftest import BACKENDS, empty_database
from .helpers import WORKFLOWS
from .test_engine_rest import basic
from .test_web import DESCRIBE, actor_of
from .webclient import WebClient

PD = "professional-differences"
PRE_BIRTH = "pre-birth-assessment"  # Pat (adult mental health practitioner) may start it
PERSONS = ("anonymous", "pat", "sam", "pc", "amy", "cal", "chair", "owner", "admin")
NAMES = {username: name for username, name, *_ in PEOPLE}
FAMILY_WORDS = (DEMO_CASE, FAMILY["family_name"], *(m["name"] for m in FAMILY["members"]))
OUTSIDERS = ("anonymous", "pc")  # nothing they are sent, whatever the status, names the case
PARTNERSHIP = ("chair", "owner", "admin")  # no work on DEMO-001: they see it only by break-glass
BREAK_GLASS = ("chair", "owner", "admin")  # of the people here, those who may use break-glass
SIGN_IN = "sign-in"  # a redirect to the sign-in page, to come back afterwards
ASSET_ENDPOINTS = frozenset(
    {
        "static",
        "assets.govuk_asset",
        "assets.stylesheet",
        "assets.script",
        "assets.bpmn_js",
        "assets.diagram_script",
        "assets.govuk_script",
    }
)
# URL variables naming something a person may not see, and an id that does not exist.
MISSING = {
    "task_id": "999999",
    "instance_id": "999999",
    "definition_id": "999999",
    "reference": "NOPE-999",
    "member_id": "999999",
    "row_id": "999999",
}


def expect(default, anonymous=SIGN_IN, **overrides) -> dict:
    """What each person gets: ``default`` for the signed-in, unless overridden."""
    cells = {person: default for person in PERSONS}
    cells.update(anonymous=anonymous, **overrides)
    return cells


def case_data(default=200, anonymous=SIGN_IN, **overrides) -> dict:
    """Something on DEMO-001: every involved agency sees it; police and the partnership's
    people without work on it 404."""
    return expect(default, anonymous, **{"pc": 404, **dict.fromkeys(PARTNERSHIP, 404), **overrides})


def break_glass(allowed, anonymous=SIGN_IN) -> dict:
    """Break-glass pages: the eligible roles; to everyone else they do not exist."""
    return expect(404, anonymous, **dict.fromkeys(BREAK_GLASS, allowed))


def owners_only(allowed, others=403, anonymous=SIGN_IN) -> dict:
    """Process administration: process owners and administrators; 403 for the rest."""
    return expect(others, anonymous, owner=allowed, admin=allowed)


def admins_only(allowed, anonymous=SIGN_IN) -> dict:
    """People, teams, retention and legal holds: administrators; to everyone else they do not
    exist."""
    return expect(404, anonymous, admin=allowed)


def theirs(status, anonymous=SIGN_IN) -> dict:
    """A task's own page and form: only whoever may work on it (Pat holds it); to everyone
    else, even those who see the case, it does not exist."""
    return expect(404, anonymous, pat=status)


# the trail: lead's managers; the chair and administrators oversee access to every case
TRAIL = dict(pat=404, sam=404, amy=404, owner=404, chair=200, admin=200)
# who may change involvement (MASH, CSC/ASC managers, administrators who can see the case): an
# unknown agency cannot join (422) and one not involved cannot leave (409)
INVOLVERS = dict(cal=422)
LEAVERS = dict(cal=409)
NO_WORKER = {"agency": "no-such-agency", "username": "no-such-user"}
# who may create a case: anyone of an agency that works with families, and administrators
CREATORS = dict(chair=403, owner=403)
NO_ROW = {"row_id": "999999"}  # removing a caring relationship or protective factor: none such


@dataclass(frozen=True)
class Rule:
    """One route and method: the URL's variables, the request and the expected statuses."""

    endpoint: str
    rule: str
    method: str
    expected: dict
    kind: str = "web"  # web (session + CSRF form), json (session + JSON), rest (HTTP Basic)
    body: dict | None = None
    values: dict = field(default_factory=dict)  # URL variables not taken from the demo ids
    fresh: bool = False  # a client of its own (signing out ends the shared one)

    @property
    def name(self) -> str:
        return f"{self.method} {self.rule}"


RULES = [
    # --- sign-in, health, the Modeler's public links --------------------------------------
    Rule("auth.login", "/sign-in", "GET", expect(200, anonymous=200)),
    Rule(
        "auth.login",
        "/sign-in",
        "POST",
        expect(401, anonymous=401),
        body={"username": "{person}", "password": "not-the-password"},
    ),
    Rule("auth.logout", "/sign-out", "POST", expect(302), fresh=True),
    Rule("health.health", "/healthz", "GET", expect(200, anonymous=200)),
    # The Modeler's version probe and its "open" links name nothing but this site's pages.
    Rule("engine_rest.version", "/engine-rest/version", "GET", expect(200, anonymous=200)),
    Rule(
        "engine_rest.webapps",
        "/.well-known/camunda-automation-platform/webapps",
        "GET",
        expect(200, anonymous=200),
    ),
    # Cockpit links: a page following Camunda's fragment links, and redirects to our pages
    # (which apply their own rules); the redirect names nothing but the id it was given.
    Rule("cockpit.home", "/app/cockpit/default/", "GET", expect(200, anonymous=200)),
    Rule("cockpit.tomcat_home", "/camunda/app/cockpit/default/", "GET", expect(200, anonymous=200)),
    Rule(
        "cockpit.process_instance",
        "/app/cockpit/default/process-instance/<int:instance_id>",
        "GET",
        expect(302),
    ),
    Rule(
        "cockpit.process_definition",
        "/app/cockpit/default/process-definition/<definition_ref>",
        "GET",
        expect(302),
    ),
    Rule("cockpit.repository", "/app/cockpit/default/repository", "GET", expect(302)),
    # --- inbox, approvals, notifications --------------------------------------------------
    Rule("inbox.home", "/", "GET", expect(302)),
    Rule("inbox.index", "/inbox", "GET", expect(200)),
    Rule(
        "inbox.approvals",
        "/approvals",
        "GET",
        expect(403, amy=200, cal=200, chair=200),
    ),
    Rule(
        "inbox.decide",
        "/approvals/<int:task_id>",
        "POST",
        theirs(403),
        body={"decision": "decline", "reason": "Not an approval"},
    ),
    Rule("notifications.index", "/notifications", "GET", expect(200)),
    Rule("notifications.mark_read", "/notifications/read", "POST", expect(302), body={}),
    Rule("notifications.settings", "/notifications/settings", "GET", expect(200)),
    Rule("notifications.settings", "/notifications/settings", "POST", expect(302), body={}),
    # --- tasks ----------------------------------------------------------------------------
    Rule("tasks.show", "/tasks/<int:task_id>", "GET", theirs(200)),
    Rule("tasks.submit", "/tasks/<int:task_id>", "POST", theirs(422), body={}),
    Rule(
        "inbox.claim",
        "/tasks/<int:task_id>/claim",
        "POST",
        case_data(403, pat=302),  # Pat's own: only the raiser describes a difference
        body={},
    ),
    Rule("inbox.unclaim", "/tasks/<int:task_id>/unclaim", "POST", case_data(403, pat=302), body={}),
    Rule(
        "inbox.assign",
        "/tasks/<int:task_id>/assign",
        "POST",
        case_data(403, amy=302),
        body={"assignee": ""},
    ),
    # --- cases and instances --------------------------------------------------------------
    Rule("cases.index", "/cases", "GET", expect(200)),
    Rule("cases.show", "/cases/<reference>", "GET", case_data()),
    Rule("cases.access", "/cases/<reference>/access", "GET", case_data(**TRAIL)),
    Rule("cases.access_csv", "/cases/<reference>/access.csv", "GET", case_data(**TRAIL)),
    Rule(
        "cases.start",
        "/cases/<reference>/start/<key>",
        "POST",
        case_data(403, pat=422),
        body={"subject": "999999"},  # no such member: refused before anything starts
        values={"key": PRE_BIRTH},
    ),
    # Involvement: MASH, CSC/ASC managers and administrators change it; an unknown agency
    # is refused, so nothing is changed by the matrix.
    Rule(
        "cases.involve",
        "/cases/<reference>/involvement",
        "POST",
        case_data(403, **INVOLVERS),
        body={"agency": "no-such-agency", "reason": "matrix"},
    ),
    Rule(
        "cases.leave",
        "/cases/<reference>/involvement/<agency>/leave",
        "POST",
        case_data(403, **LEAVERS),
        body={"reason": "matrix"},
        values={"agency": "no-such-agency"},
    ),
    # Named workers: the same people; an unknown username is refused (422), and one not
    # named cannot be removed (409).
    Rule(
        "cases.name_worker",
        "/cases/<reference>/involvement/workers",
        "POST",
        case_data(403, **INVOLVERS),
        body={"worker": "no-such-user", "reason": "matrix"},
    ),
    Rule(
        "cases.release_worker",
        "/cases/<reference>/involvement/<agency>/workers/<username>/leave",
        "POST",
        case_data(403, **LEAVERS),
        body={"reason": "matrix"},
        values=NO_WORKER,
    ),
    # Case records (engine.casework): every change here is refused (422), stale (409) or
    # aims at a row that does not exist, so nothing changes. ``member_id`` is the unborn baby.
    Rule("cases.new", "/cases/new", "GET", expect(200, **CREATORS)),
    Rule("cases.new", "/cases/new", "POST", expect(422, **CREATORS), body={"family_name": ""}),
    Rule("cases.details", "/cases/<reference>/details", "GET", case_data()),
    Rule(
        "cases.details",
        "/cases/<reference>/details",
        "POST",
        case_data(422),
        body={"family_name": ""},
    ),
    Rule("cases.close", "/cases/<reference>/close", "POST", case_data(422), body={"reason": ""}),
    Rule("cases.reopen", "/cases/<reference>/reopen", "POST", case_data(409), body={}),
    Rule("cases.add_member", "/cases/<reference>/members/new", "GET", case_data()),
    Rule("cases.add_member", "/cases/<reference>/members/new", "POST", case_data(422), body={}),
    Rule("cases.change_member", "/cases/<reference>/members/<int:member_id>", "GET", case_data()),
    Rule(
        "cases.change_member",
        "/cases/<reference>/members/<int:member_id>",
        "POST",
        case_data(422),
        body={"name": ""},
    ),
    Rule(
        "cases.remove_member",
        "/cases/<reference>/members/<int:member_id>/remove",
        "POST",
        case_data(302),  # a stale version: back to the member's page, nothing removed
        body={"version": "999"},
    ),
    Rule("cases.birth", "/cases/<reference>/members/<int:member_id>/birth", "GET", case_data()),
    Rule(
        "cases.birth",
        "/cases/<reference>/members/<int:member_id>/birth",
        "POST",
        case_data(422),
        body={},
    ),
    Rule("cases.add_caring", "/cases/<reference>/caring", "GET", case_data()),
    Rule("cases.add_caring", "/cases/<reference>/caring", "POST", case_data(422), body={}),
    Rule(
        "cases.remove_caring",
        "/cases/<reference>/caring/<int:row_id>/remove",
        "POST",
        case_data(404),
        body={},
        values=NO_ROW,
    ),
    Rule("cases.add_protective", "/cases/<reference>/protective", "GET", case_data()),
    Rule("cases.add_protective", "/cases/<reference>/protective", "POST", case_data(422), body={}),
    Rule(
        "cases.remove_protective",
        "/cases/<reference>/protective/<int:row_id>/remove",
        "POST",
        case_data(404),
        body={},
        values=NO_ROW,
    ),
    # --- break-glass (eligible roles; a short reason or a window not theirs is refused) -----
    Rule("break_glass.index", "/break-glass", "GET", break_glass(200)),
    Rule(
        "break_glass.open_window",
        "/break-glass",
        "POST",
        break_glass(422),
        body={"case_ref": "{reference}", "reason": "short"},
    ),
    Rule(
        "break_glass.close",
        "/break-glass/<int:window_id>/close",
        "POST",
        break_glass(404),
        body={},
        values={"window_id": "999999"},
    ),
    # --- retention (administrators; a short reason or a hold that is not there is refused) ---
    Rule("retention.index", "/admin/retention", "GET", admins_only(200)),
    Rule(
        "retention.run",
        "/admin/retention/runs/<int:run_id>",
        "GET",
        admins_only(404),
        values={"run_id": "999999"},
    ),
    Rule(
        "retention.place_hold",
        "/admin/retention/holds",
        "POST",
        admins_only(422),
        body={"case_ref": "{reference}", "reason": "short"},
    ),
    Rule(
        "retention.lift_hold",
        "/admin/retention/holds/<reference>/lift",
        "POST",
        admins_only(404),
        body={"lift_reason": "short"},
    ),
    # corrections: an entry nobody may see (the demo has none recorded yet) does not exist
    Rule(
        "retention.correct",
        "/entries/<int:entry_id>/correct",
        "GET",
        expect(404),
        values={"entry_id": "999999"},
    ),
    Rule(
        "retention.correct",
        "/entries/<int:entry_id>/correct",
        "POST",
        expect(404),
        body={"field": "concern", "value": "x", "reason": "short"},
        values={"entry_id": "999999"},
    ),
    # --- partnership assurance (the chair; here nobody else holds its roles) ---------------
    Rule("assurance.index", "/assurance", "GET", expect(404, chair=200)),
    Rule(
        "assurance.table_csv",
        "/assurance/<slug>.csv",
        "GET",
        expect(404, chair=200),
        values={"slug": "deadlines"},
    ),
    Rule("instances.show", "/instances/<int:instance_id>", "GET", case_data()),
    Rule("instances.diagram", "/instances/<int:instance_id>/diagram", "GET", case_data()),
    # only the raiser withdraws; Pat's difference is not on the ladder yet, so nothing to withdraw
    Rule(
        "instances.withdraw",
        "/instances/<int:instance_id>/withdraw",
        "POST",
        case_data(403, pat=409),
        body={"reason": "matrix"},
    ),
    # only a party reports an immediate risk; Pat's difference is not on the ladder yet
    Rule(
        "instances.report_risk",
        "/instances/<int:instance_id>/immediate-risk",
        "POST",
        case_data(403, pat=409),
        body={"risk_to": "child", "risk_who": "matrix", "risk_details": "matrix"},
    ),
    # --- process administration -----------------------------------------------------------
    Rule("admin.processes", "/admin/processes", "GET", owners_only(200)),
    Rule("admin.process", "/admin/processes/<key>", "GET", owners_only(200), values={"key": PD}),
    Rule(
        "admin.migrate",
        "/admin/processes/<key>/migrate",
        "POST",
        owners_only(409),
        body={"source": "{definition_id}", "target": "{definition_id}"},
        values={"key": PD},
    ),
    Rule("admin.deploy", "/admin/deploy", "GET", owners_only(200)),
    Rule("admin.deploy", "/admin/deploy", "POST", owners_only(422), body={}),
    Rule("admin.source", "/admin/definitions/<int:definition_id>/source", "GET", owners_only(200)),
    Rule(
        "admin.definition_diagram",
        "/admin/definitions/<int:definition_id>/diagram",
        "GET",
        owners_only(200),
    ),
    # --- failed work (engine.incidents): the process's owners; nobody else sees it exists ---
    Rule(
        "incidents.instances",
        "/admin/processes/<key>/instances",
        "GET",
        owners_only(200, others=404),
        values={"key": PD},
    ),
    Rule(
        "incidents.instance",
        "/admin/instances/<int:instance_id>",
        "GET",
        owners_only(200, others=404),
    ),
    # the demo has no incident: an unknown one is 404 to all, as for anyone not its owner
    Rule(
        "incidents.retry",
        "/admin/incidents/<int:incident_id>/retry",
        "POST",
        expect(404),
        values={"incident_id": "999999"},
    ),
    Rule(
        "incidents.cancel",
        "/admin/incidents/<int:incident_id>/cancel",
        "GET",
        expect(404),
        values={"incident_id": "999999"},
    ),
    Rule(
        "incidents.cancel",
        "/admin/incidents/<int:incident_id>/cancel",
        "POST",
        expect(404),
        body={"reason": "matrix"},
        values={"incident_id": "999999"},
    ),
    # --- people and teams (administrators); refused bodies or harmless changes only -------
    Rule("people_admin.people", "/admin/people", "GET", admins_only(200)),
    Rule("people_admin.new_person", "/admin/people/new", "GET", admins_only(200)),
    Rule("people_admin.new_person", "/admin/people/new", "POST", admins_only(422), body={}),
    Rule(
        "people_admin.person",
        "/admin/people/<username>",
        "GET",
        admins_only(200),
        values={"username": "pat"},
    ),
    Rule(
        "people_admin.person",
        "/admin/people/<username>",
        "POST",
        admins_only(422),
        body={"display_name": ""},
        values={"username": "pat"},
    ),
    Rule(
        "people_admin.deactivate",
        "/admin/people/<username>/deactivate",
        "POST",
        admins_only(404),  # nobody of that name: nothing is deactivated
        body={},
        values={"username": "no-such-user"},
    ),
    Rule(
        "people_admin.reactivate",
        "/admin/people/<username>/reactivate",
        "POST",
        admins_only(302),  # Pat is active already
        body={},
        values={"username": "pat"},
    ),
    Rule(
        "people_admin.reset_password",
        "/admin/people/<username>/reset-password",
        "POST",
        admins_only(404),
        body={},
        values={"username": "no-such-user"},
    ),
    Rule("people_admin.import_people", "/admin/people/import", "GET", admins_only(200)),
    Rule("people_admin.import_people", "/admin/people/import", "POST", admins_only(422), body={}),
    Rule("people_admin.teams", "/admin/teams", "GET", admins_only(200)),
    Rule("people_admin.new_team", "/admin/teams/new", "GET", admins_only(200)),
    Rule("people_admin.new_team", "/admin/teams/new", "POST", admins_only(422), body={}),
    Rule(
        "people_admin.team",
        "/admin/teams/<code>",
        "GET",
        admins_only(200),
        values={"code": "mash"},
    ),
    Rule(
        "people_admin.team",
        "/admin/teams/<code>",
        "POST",
        admins_only(422),
        body={"name": ""},
        values={"code": "mash"},
    ),
    # a link that does not exist: the same clear page for everyone, signed in or not
    Rule(
        "password_reset.reset",
        "/reset-password/<token>",
        "GET",
        expect(410, anonymous=410),
        values={"token": "no-such-token"},
    ),
    Rule(
        "password_reset.reset",
        "/reset-password/<token>",
        "POST",
        expect(410, anonymous=410),
        body={"password": "x", "confirm": "x"},
        values={"token": "no-such-token"},
    ),
    # --- /api/v1 (the session; bearer tokens are the same login) --------------------------
    # people and teams: administrators only; refused bodies, or nobody of that name
    Rule("api.list_people", "/api/v1/people", "GET", admins_only(200, 401), kind="json"),
    Rule(
        "api.create_person", "/api/v1/people", "POST", admins_only(422, 401), kind="json", body={}
    ),
    Rule(
        "api.show_person",
        "/api/v1/people/<username>",
        "GET",
        admins_only(200, 401),
        kind="json",
        values={"username": "pat"},
    ),
    Rule(
        "api.update_person",
        "/api/v1/people/<username>",
        "PATCH",
        admins_only(422, 401),
        kind="json",
        body={"display_name": ""},
        values={"username": "pat"},
    ),
    Rule(
        "api.deactivate_person",
        "/api/v1/people/<username>/deactivate",
        "POST",
        admins_only(404, 401),
        kind="json",
        body={},
        values={"username": "no-such-user"},
    ),
    Rule(
        "api.reactivate_person",
        "/api/v1/people/<username>/reactivate",
        "POST",
        admins_only(404, 401),
        kind="json",
        body={},
        values={"username": "no-such-user"},
    ),
    Rule(
        "api.reset_person_password",
        "/api/v1/people/<username>/reset-password",
        "POST",
        admins_only(404, 401),
        kind="json",
        body={},
        values={"username": "no-such-user"},
    ),
    Rule(
        "api.import_people",
        "/api/v1/people/import",
        "POST",
        admins_only(422, 401),
        kind="json",
        body={},
    ),  # fmt: skip
    Rule("api.list_teams", "/api/v1/teams", "GET", admins_only(200, 401), kind="json"),
    Rule("api.create_team", "/api/v1/teams", "POST", admins_only(422, 401), kind="json", body={}),
    Rule(
        "api.show_team",
        "/api/v1/teams/<code>",
        "GET",
        admins_only(200, 401),
        kind="json",
        values={"code": "mash"},
    ),
    Rule(
        "api.update_team",
        "/api/v1/teams/<code>",
        "PATCH",
        admins_only(422, 401),
        kind="json",
        body={"name": ""},
        values={"code": "mash"},
    ),
    Rule("api.list_tasks", "/api/v1/tasks", "GET", expect(200, anonymous=401), kind="json"),
    Rule(
        "api.show_task",
        "/api/v1/tasks/<int:task_id>",
        "GET",
        theirs(200, anonymous=401),
        kind="json",
    ),
    Rule(
        "api.claim_task",
        "/api/v1/tasks/<int:task_id>/claim",
        "POST",
        case_data(403, anonymous=401, pat=200),
        kind="json",
        body={},
    ),
    Rule(
        "api.complete_task",
        "/api/v1/tasks/<int:task_id>/complete",
        "POST",
        case_data(403, anonymous=401, pat=422),
        kind="json",
        body={"variables": {}},
    ),
    Rule(
        "api.show_case", "/api/v1/cases/<reference>", "GET", case_data(anonymous=401), kind="json"
    ),
    Rule("api.search_cases", "/api/v1/cases", "GET", expect(200, anonymous=401), kind="json"),
    Rule(
        "api.create_case",
        "/api/v1/cases",
        "POST",
        expect(422, anonymous=401, **CREATORS),
        kind="json",
        body={"family_name": ""},
    ),
    Rule(
        "api.change_case",
        "/api/v1/cases/<reference>",
        "PATCH",
        case_data(422, anonymous=401),
        kind="json",
        body={"family_name": ""},
    ),
    Rule(
        "api.close_case",
        "/api/v1/cases/<reference>/close",
        "POST",
        case_data(422, anonymous=401),
        kind="json",
        body={"reason": ""},
    ),
    Rule(
        "api.reopen_case",
        "/api/v1/cases/<reference>/reopen",
        "POST",
        case_data(409, anonymous=401),
        kind="json",
        body={},
    ),
    Rule(
        "api.add_member",
        "/api/v1/cases/<reference>/members",
        "POST",
        case_data(422, anonymous=401),
        kind="json",
        body={},
    ),
    Rule(
        "api.change_member",
        "/api/v1/cases/<reference>/members/<int:member_id>",
        "PATCH",
        case_data(422, anonymous=401),
        kind="json",
        body={"name": ""},
    ),
    Rule(
        "api.remove_member",
        "/api/v1/cases/<reference>/members/<int:member_id>",
        "DELETE",
        case_data(409, anonymous=401),  # a stale version: nothing removed
        kind="json",
        body={"version": 999},
    ),
    Rule(
        "api.record_birth",
        "/api/v1/cases/<reference>/members/<int:member_id>/birth",
        "POST",
        case_data(422, anonymous=401),
        kind="json",
        body={},
    ),
    Rule(
        "api.add_caring",
        "/api/v1/cases/<reference>/caring",
        "POST",
        case_data(422, anonymous=401),
        kind="json",
        body={},
    ),
    Rule(
        "api.remove_caring",
        "/api/v1/cases/<reference>/caring/<int:row_id>",
        "DELETE",
        case_data(404, anonymous=401),
        kind="json",
        body={},
        values=NO_ROW,
    ),
    Rule(
        "api.add_protective",
        "/api/v1/cases/<reference>/protective-factors",
        "POST",
        case_data(422, anonymous=401),
        kind="json",
        body={},
    ),
    Rule(
        "api.remove_protective",
        "/api/v1/cases/<reference>/protective-factors/<int:row_id>",
        "DELETE",
        case_data(404, anonymous=401),
        kind="json",
        body={},
        values=NO_ROW,
    ),
    Rule(
        "api.case_access",
        "/api/v1/cases/<reference>/access",
        "GET",
        case_data(anonymous=401, **TRAIL),
        kind="json",
    ),
    Rule(
        "api.case_involvement",
        "/api/v1/cases/<reference>/involvement",
        "GET",
        case_data(anonymous=401),
        kind="json",
    ),
    Rule(
        "api.involve",
        "/api/v1/cases/<reference>/involvement",
        "POST",
        case_data(403, anonymous=401, **INVOLVERS),
        kind="json",
        body={"agency": "no-such-agency", "reason": "matrix"},
    ),
    Rule(
        "api.leave",
        "/api/v1/cases/<reference>/involvement/<agency>",
        "DELETE",
        case_data(403, anonymous=401, **LEAVERS),
        kind="json",
        body={"reason": "matrix"},
        values={"agency": "no-such-agency"},
    ),
    Rule(
        "api.leave",
        "/api/v1/cases/<reference>/involvement/<agency>/leave",
        "POST",
        case_data(403, anonymous=401, **LEAVERS),
        kind="json",
        body={"reason": "matrix"},
        values={"agency": "no-such-agency"},
    ),
    Rule(
        "api.name_worker",
        "/api/v1/cases/<reference>/involvement/<agency>/workers",
        "POST",
        case_data(403, anonymous=401, **INVOLVERS),
        kind="json",
        body={"worker": "no-such-user", "reason": "matrix"},
        values={"agency": "police"},
    ),
    Rule(
        "api.release_worker",
        "/api/v1/cases/<reference>/involvement/<agency>/workers/<username>",
        "DELETE",
        case_data(403, anonymous=401, **LEAVERS),
        kind="json",
        body={"reason": "matrix"},
        values=NO_WORKER,
    ),
    Rule(
        "api.release_worker",
        "/api/v1/cases/<reference>/involvement/<agency>/workers/<username>/leave",
        "POST",
        case_data(403, anonymous=401, **LEAVERS),
        kind="json",
        body={"reason": "matrix"},
        values=NO_WORKER,
    ),
    Rule(
        "api.start_process",
        "/api/v1/cases/<reference>/start",
        "POST",
        case_data(403, anonymous=401, pat=422),
        kind="json",
        body={"process": PRE_BIRTH, "subject": 999999},
    ),
    Rule(
        "api.show_instance",
        "/api/v1/instances/<int:instance_id>",
        "GET",
        case_data(anonymous=401),
        kind="json",
    ),
    Rule(
        "api.place_legal_hold",
        "/api/v1/cases/<reference>/legal-hold",
        "POST",
        admins_only(422, anonymous=401),
        kind="json",
        body={"reason": "short"},
    ),
    Rule(
        "api.lift_legal_hold",
        "/api/v1/cases/<reference>/legal-hold",
        "DELETE",
        admins_only(404, anonymous=401),
        kind="json",
        body={"reason": "short"},
    ),
    Rule(
        "api.entry_corrections",
        "/api/v1/entries/<int:entry_id>/corrections",
        "GET",
        expect(404, anonymous=401),
        kind="json",
        values={"entry_id": "999999"},
    ),
    Rule(
        "api.correct_entry",
        "/api/v1/entries/<int:entry_id>/corrections",
        "POST",
        expect(404, anonymous=401),
        kind="json",
        body={"field": "concern", "value": "x", "reason": "short"},
        values={"entry_id": "999999"},
    ),
    Rule(
        "api.break_glass_windows",
        "/api/v1/break-glass",
        "GET",
        break_glass(200, anonymous=401),
        kind="json",
    ),
    Rule(
        "api.open_break_glass",
        "/api/v1/break-glass",
        "POST",
        break_glass(422, anonymous=401),
        kind="json",
        body={"case_ref": "{reference}", "reason": "short"},
    ),
    Rule(
        "api.close_break_glass",
        "/api/v1/break-glass/<int:window_id>",
        "DELETE",
        break_glass(404, anonymous=401),
        kind="json",
        body={},
        values={"window_id": "999999"},
    ),
    Rule(
        "api.withdraw_instance",
        "/api/v1/instances/<int:instance_id>/withdraw",
        "POST",
        case_data(403, anonymous=401, pat=409),
        kind="json",
        body={"reason": "matrix"},
    ),
    Rule(
        "api.report_immediate_risk",
        "/api/v1/instances/<int:instance_id>/immediate-risk",
        "POST",
        case_data(403, anonymous=401, pat=409),
        kind="json",
        body={"risk_to": "child", "risk_who": "matrix", "risk_details": "matrix"},
    ),
    # --- /engine-rest (Camunda Modeler, HTTP Basic; one 401 for every refusal) ------------
    Rule(
        "engine_rest.deployments",
        "/engine-rest/deployment",
        "GET",
        owners_only(200, others=401, anonymous=401),
        kind="rest",
    ),
    Rule(
        "engine_rest.incidents",
        "/engine-rest/incident",
        "GET",
        owners_only(200, others=401, anonymous=401),
        kind="rest",
    ),
    Rule(
        "engine_rest.create_deployment",
        "/engine-rest/deployment/create",
        "POST",
        owners_only(400, others=401, anonymous=401),  # no file sent
        kind="rest",
        body={},
    ),
    Rule(
        "engine_rest.start",
        "/engine-rest/process-definition/<definition_ref>/start",
        "POST",
        owners_only(400, others=401, anonymous=401),  # variables not an object
        kind="rest",
        body={"variables": []},
    ),
    Rule(
        "engine_rest.start",
        "/engine-rest/process-definition/key/<key>/start",
        "POST",
        owners_only(400, others=401, anonymous=401),
        kind="rest",
        body={"variables": []},
        values={"key": PD},
    ),
    Rule(
        "engine_rest.correlate_message",
        "/engine-rest/message",
        "POST",
        owners_only(400, others=401, anonymous=401),  # no messageName
        kind="rest",
        body={},
    ),
    Rule(
        "engine_rest.signal",
        "/engine-rest/signal",
        "POST",
        owners_only(400, others=401, anonymous=401),  # no signal name
        kind="rest",
        body={},
    ),
]
RULE_IDS = [rule.name for rule in RULES]
VARIABLE = re.compile(r"<(?:\w+:)?(\w+)>")


# --- the meta-test: the table covers the URL map exactly ---------------------------------------


def routes_of(app) -> set[tuple[str, str, str]]:
    """(endpoint, rule, method) for every route but the asset ones."""
    return {
        (rule.endpoint, rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in ASSET_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_has_a_rule(app):
    in_app = routes_of(app)
    in_table = {(rule.endpoint, rule.rule, rule.method) for rule in RULES}
    without_rule = sorted(in_app - in_table)
    assert not without_rule, f"routes without a rule in tests/test_route_matrix.py: {without_rule}"
    stale = sorted(in_table - in_app)
    assert not stale, f"rules for routes the app no longer has: {stale}"
    assert len(RULE_IDS) == len(set(RULE_IDS)), "a route and method has two rules"
    for rule in RULES:
        assert set(rule.expected) == set(PERSONS), rule.name


# --- one app per module and backend ---------------------------------------------------------------


@dataclass
class World:
    app: object
    task_id: int
    instance_id: int
    definition_id: int
    camunda_id: str
    member_id: int  # the demo's unborn baby
    clients: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)

    def ids(self) -> dict:
        return {
            "task_id": str(self.task_id),
            "instance_id": str(self.instance_id),
            "definition_id": str(self.definition_id),
            "reference": DEMO_CASE,
            "definition_ref": self.camunda_id,
            "member_id": str(self.member_id),
        }

    def client(self, person: str, fresh: bool = False) -> WebClient:
        if fresh or person not in self.clients:
            client = WebClient(self.app)
            if person != "anonymous":
                client.sign_in(person)
            if fresh:
                return client
            self.clients[person] = client
        return self.clients[person]

    def bearer(self, person: str) -> dict:
        """An API token for ``person`` (issued once), as the Authorization header."""
        if person not in self.tokens:
            self.tokens[person] = engine_of(self.app).issue_token(person)
        return {"Authorization": f"Bearer {self.tokens[person]}"}


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory):
    """The demo on a fresh database, built once for the whole matrix (per backend)."""
    from engine.demo import load_demo

    database_url = empty_database(request.param, tmp_path_factory.mktemp("matrix"), request)
    clock = FrozenClock("2026-11-23T09:00:00+00:00")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SESSION_COOKIE_SECURE": False,
            "JOINEDUP_CLOCK": clock,
            # the clock stands still: the matrix's refused Basic logins must not lock anyone out
            "SIGNIN_ACCOUNT_LIMIT": "1000 per minute",
            "SIGNIN_ADDRESS_LIMIT": "1000 per minute",
        }
    )
    engine = engine_of(app)
    engine.deploy_path(WORKFLOWS, deployed_by="owner")
    load_demo(engine)
    [task] = [t for t in engine.inbox(actor_of(app, "pat"), "mine").tasks if t.name == DESCRIBE]
    definition = engine.definition_versions(actor_of(app, "owner"), PD)[0].definition
    [baby] = [m for m in engine.case(DEMO_CASE, actor_of(app, "pat")).members if m.kind == "unborn"]
    yield World(
        app,
        task.id,
        task.instance_id,
        definition.id,
        f"{definition.key}:{definition.version}:{definition.id}",
        baby.id,
    )
    engine.db.dispose()


def restore(world: World, client: WebClient) -> None:
    """Pat holds the demo task again, whatever the last cell did to it, and the client's
    next page shows no message left over from it."""
    with client.client.session_transaction() as session:
        session.pop("_flashes", None)
    engine = engine_of(world.app)
    with engine.db.reading() as session:
        assignee = session.get(HumanTask, world.task_id).assignee
    if assignee is None:
        engine.claim(world.task_id, actor_of(world.app, "pat"))
    elif assignee != "pat":
        engine.assign(world.task_id, "pat", actor_of(world.app, "amy"))


# --- the matrix -------------------------------------------------------------------------------


def url_of(rule: Rule, ids: dict) -> str:
    values = {**ids, **rule.values}
    return VARIABLE.sub(lambda found: values[found.group(1)], rule.rule)


def send(world: World, rule: Rule, person: str, ids: dict, via: str = "session"):
    url = url_of(rule, ids)
    client = world.client(person, fresh=rule.fresh)
    body = {
        name: value.format(**ids, person=person) if isinstance(value, str) else value
        for name, value in (rule.body or {}).items()
    }
    if rule.kind == "rest":
        headers = basic(person) if person != "anonymous" else {"accept": "application/json"}
        call = client.client.get if rule.method == "GET" else client.client.post
        return call(url, headers=headers, **({} if rule.method == "GET" else {"json": body}))
    if rule.kind == "json":
        if via == "bearer":  # no session: the token alone
            client, headers = WebClient(world.app), world.bearer(person)
        else:
            headers = {}
        if rule.method == "GET":
            return client.client.get(url, headers=headers)
        return client.client.open(url, method=rule.method, json=body, headers=headers)
    if rule.method == "GET":
        return client.get(url)
    return client.post(url, body)


def outcome(response) -> str | int:
    if response.status_code == 302 and "/sign-in?next=" in response.headers.get("Location", ""):
        return SIGN_IN
    return response.status_code


VOLATILE = re.compile(r'(nonce|value|content)="[^"]*"')


def normalised(response) -> str:
    """The body without its per-request parts (CSP nonces, CSRF tokens)."""
    return VOLATILE.sub(r'\1=""', response.get_data(as_text=True))


def secrets_for(person: str) -> list[str]:
    others = [name for username, name in NAMES.items() if username != person]
    return [*FAMILY_WORDS, DESCRIBE, *others]


def cells(rule: Rule) -> list[tuple[str, str]]:
    """(person, how they sign in): the API is tried with the session and with a token."""
    return [
        (person, via)
        for person in PERSONS
        for via in ("session", "bearer")
        if via == "session" or (rule.kind == "json" and person != "anonymous")
    ]


@pytest.mark.parametrize("index", range(len(RULES)), ids=RULE_IDS)
def test_the_matrix(world, index):
    rule = RULES[index]
    ids = world.ids()
    wrong = []
    for person, via in cells(rule):
        who = person if via == "session" else f"{person} (bearer)"
        response = send(world, rule, person, ids, via)
        got, wanted = outcome(response), rule.expected[person]
        if person in OUTSIDERS and got != SIGN_IN:  # a redirect repeats only the URL asked for
            named = [word for word in (*FAMILY_WORDS, DESCRIBE) if word in response.text]
            if named:
                wrong.append(f"{who}: an answer to someone outside the case names {named}")
        if rule.method != "GET":
            restore(world, world.client(person))
        if got != wanted:
            wrong.append(f"{who}: got {got}, expected {wanted}")
            continue
        if wanted != 404:
            continue
        body = response.get_data(as_text=True)
        named = [word for word in secrets_for(person) if word in body]
        if named:
            wrong.append(f"{who}: the 404 names {named}")
        missing = send(world, rule, person, {**ids, **MISSING}, via)
        if (missing.status_code, normalised(missing)) != (404, normalised(response)):
            wrong.append(f"{who}: the 404 differs from a missing id's ({missing.status_code})")
    assert not wrong, f"{rule.name}:\n" + "\n".join(wrong)

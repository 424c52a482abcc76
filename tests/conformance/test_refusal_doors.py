"""A refused construct is refused at every door a process owner uses — `joinedup validate`,
the upload page and Camunda Modeler's deploy (/engine-rest) — each naming the file, the element
and the line, and nothing is deployed."""

from __future__ import annotations

import re

from click.testing import CliRunner

from engine.cli import main

from ..test_engine_rest import deploy as modeler_deploy
from ..test_process_admin import upload
from .catalogue import CATALOGUE, load_all

load_all()
CONNECTOR = CATALOGUE[("Listeners and connectors", "camunda:connector (http-connector)")]
LANES_AS_GROUPS = "Lanes as candidate groups (opt-in: process property lanes_are_groups = true)"


def test_joinedup_validate_refuses_it_naming_file_element_and_line(database_url, tmp_path):
    path = tmp_path / CONNECTOR.diagram
    path.write_text(CONNECTOR.text)
    checked = CliRunner().invoke(main, ["--database", database_url, "validate", str(path)])
    assert checked.exit_code == 1 and "Traceback" not in checked.output
    located = re.search(rf"{CONNECTOR.diagram}, element '(\w+)', line (\d+): (.*)", checked.output)
    assert located and int(located.group(2)) > 1 and CONNECTOR.note in located.group(3)


def test_the_upload_page_refuses_it_naming_file_element_and_line(app, web):
    owner = web("owner")
    response = upload(owner, {CONNECTOR.diagram: CONNECTOR.text})
    report = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="validation-report"' in report
    assert CONNECTOR.diagram in report and CONNECTOR.note in report
    row = report[report.index(CONNECTOR.diagram) :]
    assert re.search(r">\s*\d+\s*<", row), "the report names the line"
    assert owner.get("/admin/processes/io_connector_referral").status_code == 404


def test_the_modelers_deploy_gets_camundas_parse_exception_with_the_line(app):
    response = modeler_deploy(app.test_client(), {CONNECTOR.diagram: CONNECTOR.text})
    body = response.get_json()
    assert response.status_code == 400 and body["type"] == "ParseException"
    [error] = [
        e for e in body["details"][CONNECTOR.diagram]["errors"] if CONNECTOR.note in e["message"]
    ]
    assert error["mainElementId"] and error["line"] > 1


def test_a_lane_naming_no_group_is_a_warning_at_validate_and_on_the_upload_page(
    database_url, tmp_path, app, web
):
    """The opt-in diagram's "Family support" lane is no role or agency role."""
    lanes = CATALOGUE[("Lanes", LANES_AS_GROUPS)]
    path = tmp_path / lanes.diagram
    path.write_text(lanes.text)
    checked = CliRunner().invoke(main, ["--database", database_url, "validate", str(path)])
    warning = f"WARNING: {lanes.diagram}, element 'family_support_lane', line 17: the lane"
    assert checked.exit_code == 0 and warning in checked.output
    owner = web("owner")
    assert upload(owner, {lanes.diagram: lanes.text}).status_code == 302
    page = owner.get("/admin/processes").get_data(as_text=True)
    banner = page[page.index("Warnings") :]
    assert "the lane &#39;Family support&#39; names no group anyone can hold" in banner

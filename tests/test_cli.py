"""The ``joinedup`` command line: helpful output, non-zero exit with a clear message."""

import re

import pytest
from click.testing import CliRunner

from engine.actors import Actor
from engine.config import open_engine
from webapp.cli import main

from .conformance.catalogue import DIAGRAMS
from .helpers import WORKFLOWS


@pytest.fixture
def run(database_url):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, ["--database", database_url, *args], catch_exceptions=False)

    return invoke


def test_deploy_definitions_start_instances_tasks(run, database_url):
    open_engine(database_url).create_case(Actor("cli"), reference="C-1", family_name="Test")
    deployed = run("deploy", str(WORKFLOWS), "--by", "owner")
    assert deployed.exit_code == 0 and "deployed  information-request v1" in deployed.output
    assert "unchanged information-request v1" in run("deploy", str(WORKFLOWS)).output
    assert "Request information from another agency" in run("definitions").output
    started = run(
        "start",
        "information-request",
        "--case",
        "C-1",
        "--business-key",
        "IR-9",
        "--as",
        "alice",
        "--var",
        "urgent=true",
        "--var",
        "note=hello world",
    )
    assert started.exit_code == 0 and "started instance 1" in started.output
    assert "case=C-1 key=IR-9" in run("instances").output
    assert "Record the request" in run("tasks", "--user", "alice").output
    assert run("tasks", "--user", "nobody").output == ""
    assert run("fire-timers").output.strip() == "fired 0 timers"


def test_bad_input_exits_non_zero_with_a_message(run, tmp_path):
    broken = tmp_path / "broken.bpmn"
    broken.write_text("<definitions><oops></definitions>")
    result = run("deploy", str(broken))
    assert result.exit_code == 1
    assert "Nothing was deployed" in result.output and "broken.bpmn, line 1" in result.output
    missing = run("start", "no-such-process")
    assert missing.exit_code == 1 and "No process 'no-such-process' is deployed" in missing.output
    assert run("deploy", str(tmp_path / "absent")).exit_code == 1
    bad_var = run("start", "x", "--var", "novalue")
    assert bad_var.exit_code == 2 and "name=value" in bad_var.output


def test_demo_loads_people_a_family_case_and_a_process_once(run):
    first = run("demo")
    assert "created user pat (Pat Practitioner, practitioner)" in first.output
    assert "created case DEMO-001 (Taylor family)" in first.output
    assert "professional difference raised by pat" in first.output
    assert "joinedup-demo-2026" in first.output
    second = run("demo")  # only into an empty database: never over a process owner's uploads
    assert second.exit_code == 0 and "demo not loaded" in second.output
    assert "deployed" not in second.output and "created" not in second.output


def test_issue_token_prints_a_token_and_refuses_unknown_users(run):
    run("demo")
    token = run("issue-token", "pat").output.strip()
    assert len(token) >= 40
    unknown = run("issue-token", "nobody")
    assert unknown.exit_code == 1 and "No user 'nobody'" in unknown.output


# Being rewritten in parallel: their deadlines and escalations come with that work.
def test_validate_reports_file_element_line_and_reason_and_deploys_nothing(run, tmp_path):
    output = run("validate", str(WORKFLOWS)).output
    assert output.endswith("No problems found.\n")
    assert [line for line in output.splitlines() if line.startswith("WARNING")] == []
    broken = tmp_path / "broken.bpmn"
    broken.write_text((WORKFLOWS / "information-request.bpmn").read_text().replace("${", "${)", 1))
    checked = run("validate", str(broken))
    assert checked.exit_code == 1
    assert "broken.bpmn, element '" in checked.output and "does not compile" in checked.output
    assert run("definitions").output == "Nothing is deployed yet; run `joinedup deploy`.\n"


def test_validate_reads_a_decision_graph_and_names_a_rule_it_cannot_run(run, tmp_path):
    """A DMN file with several decisions used to print a traceback."""
    graph = (DIAGRAMS / "dmn_requirements_graph.dmn").read_text()
    (tmp_path / "graph.dmn").write_text(graph)
    assert run("validate", str(tmp_path / "graph.dmn")).output.endswith("No problems found.\n")
    (tmp_path / "graph.dmn").write_text(graph.replace("&gt;= 250", "&gt;= 250 + bonus"))
    checked = run("validate", str(tmp_path / "graph.dmn"))
    assert checked.exit_code == 1 and "Traceback" not in checked.output
    assert "graph.dmn, element 'risk_level_rule_2_i1', line" in checked.output
    assert "rule 2, input 1: '>= 250 + bonus' is not a FEEL simple unary test" in checked.output


def test_validate_warns_about_a_user_task_without_a_deadline_or_an_escalation(run, tmp_path):
    """A warning, not an error: the file still deploys."""
    text = (WORKFLOWS / "joint-risk-assessment.bpmn").read_text()
    text = text.replace(' camunda:dueDate="${jra_due}"', "", 1)
    text = text.replace(
        '<camunda:property name="escalate_to" value="childrens-social-care:manager"/>', ""
    )
    (tmp_path / "jra.bpmn").write_text(text)
    checked = run("validate", str(tmp_path / "jra.bpmn"))
    assert checked.exit_code == 0 and checked.output.endswith("No problems found.\n")
    assert checked.output.splitlines()[:2] == [
        "WARNING: jra.bpmn, element 'assess', line 8: the user task has no due date",
        "WARNING: jra.bpmn, element 'assess', line 8: the user task has no escalation: set "
        "escalate_to (the 'Deadline and escalation' template) or a boundary timer that tells "
        "someone",
    ]
    assert len(checked.output.splitlines()) == 3
    assert "deployed  joint-risk-assessment v1" in run("deploy", str(tmp_path / "jra.bpmn")).output


def test_validate_warns_about_a_user_task_offered_to_nobody(run, tmp_path):
    """Camunda gives lanes no meaning: a task with no assignee or candidates reaches nobody."""
    text = (WORKFLOWS / "joint-risk-assessment.bpmn").read_text()
    text = re.sub(r' camunda:(assignee|candidateGroups)="[^"]*"', "", text, count=1)
    (tmp_path / "jra.bpmn").write_text(text)
    checked = run("validate", str(tmp_path / "jra.bpmn"))
    assert checked.exit_code == 0 and checked.output.endswith("No problems found.\n")
    warnings = [line for line in checked.output.splitlines() if "nobody's inbox" in line]
    assert len(warnings) == 1 and warnings[0].startswith("WARNING: jra.bpmn, element '")
    assert "no one can claim it" in warnings[0]


def test_a_boundary_timer_that_tells_a_manager_counts_as_an_escalation():
    """Agency contribution's "Contribution missed" timer tells the manager: no warning, though
    its task has no escalate_to; without the timer's notification there is one."""
    from engine.deadline_checks import deadline_warnings
    from engine.resources import parse_xml

    text = (WORKFLOWS / "agency-contribution.bpmn").read_text()
    assert "escalate_to" not in text
    assert deadline_warnings(parse_xml(text), "a.bpmn") == []
    silent = text.replace('name="notify"', 'name="not_notify"')
    [warning] = deadline_warnings(parse_xml(silent), "a.bpmn")
    assert warning.element_id == "contribute" and "no escalation" in warning.message


def test_a_stage_time_limit_on_the_subprocess_around_a_task_counts_as_its_escalation():
    """Without their own escalate_to, the ladder's stage 2 tasks are still covered by the stage
    subprocess's time limit (which moves the difference up a rung); with neither, each is
    warned about."""
    from engine.deadline_checks import deadline_warnings
    from engine.resources import parse_xml

    text = (WORKFLOWS / "professional-differences.bpmn").read_text()
    assert deadline_warnings(parse_xml(text), "pd.bpmn") == []
    covered = text.replace('name="escalate_to"', 'name="not_escalate_to"')
    stage2 = {"stage2_raiser_position", "stage2_other_position"}
    assert not stage2 & {w.element_id for w in deadline_warnings(parse_xml(covered), "pd.bpmn")}
    untimed = covered.replace('attachedToRef="stage2"', 'attachedToRef="stage2_start"')
    warned = {w.element_id for w in deadline_warnings(parse_xml(untimed), "pd.bpmn")}
    assert stage2 <= warned

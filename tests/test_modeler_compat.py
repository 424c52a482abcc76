"""Every shipped diagram opens in Camunda Modeler cleanly: checked with the Modeler's own
libraries (bpmn-moddle + camunda-bpmn-moddle, and bpmnlint with the Camunda 7 rules) from npm."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "workflows").glob("*.bpmn"))
DECISIONS = sorted((ROOT / "workflows").glob("*.dmn"))
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI = "http://www.omg.org/spec/BPMN/20100524/DI"
FLOW_NODES = (
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "userTask",
    "serviceTask",
    "sendTask",
    "scriptTask",
    "businessRuleTask",
    "manualTask",
    "task",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
)


def node_tool(*args: str) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    assert node, (
        "node is needed for the Modeler compatibility checks (make test installs npm packages)"
    )
    assert (ROOT / "node_modules" / "bpmn-moddle").exists(), "run `npm ci` (make test does) first"
    return subprocess.run([node, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)  # noqa: S603


def moddle_warnings(*files: Path) -> dict[str, list[str]]:
    result = node_tool("tests/modeler/moddle-check.mjs", *map(str, files))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_shipped_file_opens_with_zero_warnings_in_bpmn_moddle():
    assert SHIPPED
    assert moddle_warnings(*SHIPPED) == {str(path): [] for path in SHIPPED}


def test_every_shipped_decision_opens_with_zero_warnings_in_dmn_moddle():
    assert DECISIONS
    assert moddle_warnings(*DECISIONS) == {str(path): [] for path in DECISIONS}


def test_the_dmn_check_does_report_an_unknown_element(tmp_path):
    broken = tmp_path / "broken.dmn"
    text = (ROOT / "workflows" / "information-sharing.dmn").read_text()
    broken.write_text(
        text.replace("<decisionTable ", "<decisionTabel ", 1).replace(
            "</decisionTable>", "</decisionTabel>", 1
        )
    )
    [warnings] = moddle_warnings(broken).values()
    assert warnings and "decisionTabel" in " ".join(warnings)


def test_the_check_does_report_a_mistyped_camunda_attribute(tmp_path):
    broken = tmp_path / "typo.bpmn"
    text = (ROOT / "workflows" / "information-request.bpmn").read_text()
    broken.write_text(
        text.replace('camunda:assignee="${initiator}"', 'camunda:asignee="${initiator}"', 1)
    )
    assert moddle_warnings(broken) == {str(broken): ["unknown attribute <camunda:asignee>"]}


def test_every_shipped_file_passes_bpmnlint_with_the_camunda_7_rules():
    result = node_tool(
        "node_modules/bpmnlint/bin/bpmnlint.js",
        "--config",
        "tests/modeler/bpmnlintrc.json",
        *map(str, SHIPPED),
    )
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_flow_node_has_a_diagram_shape_and_every_flow_an_edge(path):
    tree = etree.parse(str(path))
    nodes = {n.get("id") for tag in FLOW_NODES for n in tree.iter(f"{{{BPMN}}}{tag}")}
    flows = {f.get("id") for f in tree.iter(f"{{{BPMN}}}sequenceFlow")}
    shapes = {s.get("bpmnElement") for s in tree.iter(f"{{{DI}}}BPMNShape")}
    edges = {e.get("bpmnElement") for e in tree.iter(f"{{{DI}}}BPMNEdge")}
    assert nodes and nodes <= shapes, sorted(nodes - shapes)
    assert flows <= edges, sorted(flows - edges)
    root = tree.getroot()
    assert (
        root.get("{http://camunda.org/schema/modeler/1.0}executionPlatform") == "Camunda Platform"
    )
    assert root.get("{http://camunda.org/schema/modeler/1.0}executionPlatformVersion").startswith(
        "7."
    )

"""Every timescale in a shipped diagram is a `var()` default a partnership can change, and the
README's table of shipped processes names each one beside its process; every notification a
shipped diagram sends has its own title (and compulsion) in ``notifications.events``."""

from __future__ import annotations

import re

import pytest

from .helpers import WORKFLOWS

README = (WORKFLOWS.parent / "README.md").read_text()
DEFAULT = re.compile(r"var\('([a-z_0-9]+)',\s*\d+\)")
LITERAL_DEADLINE = re.compile(r"\b(working_days|weeks|months|hours)\(\s*\d+\s*\)")
TEMPLATE = re.compile(r'name="template" value="([a-z_]+)"')
SHIPPED = sorted(path.name for path in WORKFLOWS.glob("*.bpmn"))


def readme_row(filename: str) -> str:
    [row] = [line for line in README.splitlines() if line.startswith(f"| `workflows/{filename}`")]
    return row


@pytest.mark.parametrize("filename", SHIPPED)
def test_the_readme_names_every_timescale_of_the_process(filename):
    names = set(DEFAULT.findall((WORKFLOWS / filename).read_text()))
    row = readme_row(filename)
    assert {name for name in names if f"`{name}`" not in row} == set()


@pytest.mark.parametrize("filename", SHIPPED)
def test_no_deadline_is_a_bare_number(filename):
    text = (WORKFLOWS / filename).read_text()
    found = [
        f"line {text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}"
        for match in LITERAL_DEADLINE.finditer(text)
    ]
    assert found == []


@pytest.mark.parametrize("filename", SHIPPED)
def test_every_notification_a_diagram_sends_has_a_title(filename):
    from notifications.events import EVENTS

    templates = set(TEMPLATE.findall((WORKFLOWS / filename).read_text()))
    assert templates - set(EVENTS) == set()

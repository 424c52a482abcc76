"""The catalogue itself: every refused construct is refused at deploy with file, element, line
and its message, and the README's table is the one the suite renders."""

from __future__ import annotations

import pytest

from .catalogue import README, SHOWN_BY, load_all, readme_section, table
from .support import refusal_problems

CONSTRUCTS = load_all()
REFUSED = [c for c in CONSTRUCTS if c.status == "refused"]


@pytest.mark.parametrize("construct", REFUSED, ids=[c.diagram for c in REFUSED])
def test_a_refused_construct_is_refused_at_deploy_naming_file_element_and_line(engine, construct):
    problems = refusal_problems(engine, construct)
    matching = [p for p in problems if construct.note in p.message]
    assert matching, f"expected {construct.note!r} in {[str(p) for p in problems]}"
    problem = matching[0]
    assert problem.file == construct.diagram
    assert problem.element_id
    assert problem.line and problem.line > 1


SUPPORTED = [c for c in CONSTRUCTS if c.status == "supported"]


@pytest.mark.parametrize("construct", SUPPORTED, ids=[c.diagram for c in SUPPORTED])
def test_a_supported_construct_deploys_without_problems(engine, construct):
    assert refusal_problems(engine, construct) == []


def test_every_supported_construct_is_shown_by_a_test():
    assert SUPPORTED, "the catalogue lists no supported construct"
    unshown = [c.name for c in SUPPORTED if not SHOWN_BY.get((c.area, c.name))]
    assert unshown == [], "decorate a test with each supported construct"


def test_the_readme_table_is_the_one_the_suite_renders():
    expected = table(CONSTRUCTS)
    assert readme_section(README.read_text()) == expected, (
        "README.md's construct table is out of date: run "
        "`.venv/bin/python -m tests.conformance.catalogue --write`"
    )

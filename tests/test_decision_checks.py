"""Deploy checks of DMN files: what cannot run is refused with the element and a reason,
never a crash."""

from __future__ import annotations

import pytest

from engine.errors import InvalidDefinition, ProcessError
from engine.resources import DMN_NAMESPACES

from .helpers import resource

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<definitions '
    'xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="checks" name="Checks" '
    'namespace="http://camunda.org/schema/1.0/dmn">\n'
)
INPUT = '<input id="age"><inputExpression id="age_expression"><text>child_age</text></inputExpression></input>'  # noqa: E501
OUTPUT = '<output id="team" name="team"/>'


def table(body: str, attributes: str = "") -> str:
    return (
        f'{HEAD}<decision id="route" name="Route"><decisionTable id="route_table"{attributes}>'
        f"{body}</decisionTable></decision></definitions>"
    )


def literal(decision_id: str, requires: str, variable: str = "v") -> str:
    requirement = (
        f'<informationRequirement id="{decision_id}_needs"><requiredDecision href="#{requires}"/>'
        "</informationRequirement>"
    )
    return (
        f'<decision id="{decision_id}">{requirement}<variable id="{decision_id}_v" '
        f'name="{variable}"/><literalExpression id="{decision_id}_e"><text>1</text>'
        "</literalExpression></decision>"
    )


@pytest.mark.parametrize(
    ("text", "element", "message"),
    [
        (f'{HEAD}<decision id="route" name="Route"/></definitions>', "route", "neither a"),
        (table(f'<input id="age"/>{OUTPUT}'), "age", "no input expression"),
        (
            table(
                f'{INPUT}{OUTPUT}<rule id="r1"><outputEntry id="o"><text>"MASH"</text>'
                "</outputEntry></rule>"
            ),
            "r1",
            "rule 1 has 0 input and 1 output entries",
        ),
        (
            table(
                f'{INPUT}{OUTPUT}<rule id="r1"><inputEntry id="i"><text>&lt; 18</text>'
                '</inputEntry><outputEntry id="o"><text>if x then 1 else 2</text>'
                "</outputEntry></rule>"
            ),
            "o",
            "output entry: expression 'if x then 1 else 2' does not compile",
        ),
        (
            table(
                f'{INPUT}{OUTPUT}<output id="p" name="p"/>',
                ' hitPolicy="COLLECT" aggregation="SUM"',
            ),
            "route_table",
            "a COLLECT SUM table must have exactly one output",
        ),
        (
            table(f"{INPUT}{OUTPUT}", ' hitPolicy="FIRST" aggregation="MAX"'),
            "route_table",
            "goes only with the COLLECT hit policy",
        ),
        (
            f"{HEAD}{literal('a', 'b')}{literal('b', 'a', 'w')}</definitions>",
            "a",
            "requirement cycle",
        ),
        (
            table(f'{INPUT}{OUTPUT}<output id="p" label="Priority"/>'),
            "p",
            "an output of a table with several outputs needs a name",
        ),
    ],
)
def test_a_decision_that_cannot_run_is_refused_with_element_and_reason(
    engine, text, element, message
):
    problems = engine.validate([resource("checks.dmn", text)])
    assert [(p.element_id, message in p.message) for p in problems][:1] == [(element, True)]
    assert all(p.file == "checks.dmn" and p.line for p in problems)


def test_a_decision_without_an_id_is_refused_when_the_file_is_read():
    text = f'{HEAD}<decision name="Route"><literalExpression><text>1</text></literalExpression></decision></definitions>'  # noqa: E501
    with pytest.raises(InvalidDefinition, match="line 3: a decision needs an id"):
        resource("checks.dmn", text)


def test_a_stored_decision_that_no_longer_parses_fails_the_start_with_a_reason(scenario, engine):
    """A version deployed before input entries were read as FEEL (Python-style entries)."""
    from engine.models import Definition

    from .conformance.catalogue import DIAGRAMS

    files = ("dmn_hit_first.dmn", "dmn_decide_referral.bpmn")
    engine.deploy([resource(name, (DIAGRAMS / name).read_text()) for name in files])
    with engine.db.unit_of_work() as session:
        [stored] = session.query(Definition).filter_by(kind="dmn").all()
        stored.source = stored.source.replace('"neglect","physical abuse"', "in ('neglect',)")
    pat = scenario.as_user("pat", "practitioner")
    reason = "dmn_hit_first.dmn no longer parses: rule 2, input 1: .*; deploy a corrected version"
    with pytest.raises(ProcessError, match=reason):
        pat.start("dmn_decide_referral", {"concern": "neglect"})


@pytest.mark.parametrize("namespace", DMN_NAMESPACES)
def test_dmn_1_1_1_2_and_1_3_files_all_run(scenario, engine, namespace):
    from .conformance.catalogue import DIAGRAMS

    table_text = (DIAGRAMS / "dmn_feel_comparisons_ranges.dmn").read_text()
    table_text = table_text.replace(DMN_NAMESPACES[0], namespace)
    process = (DIAGRAMS / "dmn_decide_referral.bpmn").read_text()
    engine.deploy([resource("ranges.dmn", table_text), resource("decide.bpmn", process)])
    ref = scenario.as_user("pat", "practitioner").start(
        "dmn_decide_referral", {"child_age": 17, "risk_score": 250}
    )
    assert engine.instance_variables(ref.id)["outcome"] == [{"team": "MASH"}]

"""The information-sharing decision (Torbay s10, DOMAIN.md section 5) as a DMN table: every
rule with every output, the combinations that could tip someone off, and capacity/competence."""

from __future__ import annotations

import itertools

import pytest
from lxml import etree

from engine.clock import FrozenClock
from engine.decisions.evaluation import evaluate_decision
from engine.decisions.feel import parse_unary_tests
from engine.decisions.model import read_decisions
from engine.expressions import ExpressionLanguage
from engine.workdays import WorkingDayCalendar

from .helpers import WORKFLOWS, resource, then_task

DMN_FILE = WORKFLOWS / "information-sharing.dmn"
GROUNDS = (
    "statutory_duty",
    "seeking_consent_increases_risk",
    "would_prejudice_crime",
    "would_delay_investigation",
    "consent_unobtainable",
    "safeguarding_purpose",
    "telling_unsafe",
    "safety_at_risk",
)
# nothing applies, the person can decide for themselves and has not been asked yet
NOBODY_SAYS_YES = {
    **dict.fromkeys(GROUNDS, False),
    "can_consent": True,
    "consent_by": "person",
    "consent": "not_sought",
}
YES = True
CANNOT = {"can_consent": False}
SHARES = {"share", "share_without_consent", "share_proportionately", "share_overriding_refusal"}
ANSWERS_COUNT = {"share_proportionately", "share_overriding_refusal", "do_not_share"}

# One case per rule, in the table's order: (what is true, decision, tell_person, consent_from).
# Each case's basis must be its own rule's (the bases differ), so each case hits its rule.
RULES = [
    ({"statutory_duty": YES, "seeking_consent_increases_risk": YES}, "share", False, "not_needed"),
    ({"statutory_duty": YES, "would_prejudice_crime": YES}, "share", False, "not_needed"),
    ({"statutory_duty": YES, "telling_unsafe": YES}, "share", False, "not_needed"),
    ({"statutory_duty": YES, "consent": "refused"}, "share", True, "not_needed"),
    (
        {"seeking_consent_increases_risk": YES, "consent": "given"},
        "share_without_consent",
        False,
        "not_needed",
    ),
    ({"would_prejudice_crime": YES}, "share_without_consent", False, "not_needed"),
    (
        {"would_delay_investigation": YES, "telling_unsafe": YES},
        "share_without_consent",
        False,
        "not_needed",
    ),
    ({"would_delay_investigation": YES}, "share_without_consent", True, "not_needed"),
    (
        {"consent_unobtainable": YES, "safeguarding_purpose": YES, "telling_unsafe": YES},
        "share_without_consent",
        False,
        "not_needed",
    ),
    (
        {"consent_unobtainable": YES, "safeguarding_purpose": YES},
        "share_without_consent",
        True,
        "not_needed",
    ),
    ({"consent_unobtainable": YES}, "seek_advice", False, "undecided"),
    (
        {**CANNOT, "telling_unsafe": YES, "consent": "refused"},
        "seek_advice",
        False,
        "undecided",
    ),
    ({**CANNOT, "consent": "given"}, "seek_consent", False, "someone_for_them"),
    (
        {"consent_by": "parental_responsibility", "telling_unsafe": YES, "consent": "given"},
        "seek_advice",
        False,
        "undecided",
    ),
    (
        {"consent_by": "parental_responsibility", "consent": "refused"},
        "seek_consent",
        False,
        "person",
    ),
    (
        {"consent_by": "best_interests", "telling_unsafe": YES, "consent": "given"},
        "seek_advice",
        False,
        "undecided",
    ),
    ({"consent_by": "best_interests", "consent": "given"}, "seek_consent", False, "person"),
    ({"consent": "given"}, "share_proportionately", False, "person"),
    (
        {**CANNOT, "consent_by": "parental_responsibility", "consent": "implied"},
        "share_proportionately",
        False,
        "parental_responsibility",
    ),
    (
        {"consent": "refused", "safety_at_risk": YES, "telling_unsafe": YES},
        "share_overriding_refusal",
        False,
        "person",
    ),
    (
        {**CANNOT, "consent_by": "best_interests", "consent": "refused", "safety_at_risk": YES},
        "share_overriding_refusal",
        True,
        "best_interests",
    ),
    ({"consent": "refused"}, "do_not_share", False, "person"),
    ({}, "seek_consent", False, "person"),
    (
        {**CANNOT, "consent_by": "parental_responsibility"},
        "seek_consent",
        False,
        "someone_for_them",
    ),
    ({"telling_unsafe": YES}, "seek_advice", False, "undecided"),
]


def rule_bases() -> list[str]:
    """Each rule's basis (its second output entry), in the table's order."""
    ns = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
    rules = etree.parse(str(DMN_FILE)).getroot().iterfind(".//dmn:rule", ns)
    return [rule.findall("dmn:outputEntry/dmn:text", ns)[1].text.strip('"') for rule in rules]


@pytest.fixture
def decide(scenario, engine):
    """Runs the deployed table in a business rule task, as the engine does."""
    engine.deploy(
        [
            resource("information-sharing.dmn", DMN_FILE.read_text()),
            resource(
                "decide.bpmn",
                then_task(
                    "decide",
                    '<bpmn:businessRuleTask id="rule" camunda:decisionRef="information_sharing" '
                    'camunda:resultVariable="sharing" camunda:mapDecisionResult="singleResult"/>',
                    "rule",
                ),
            ),
        ]
    )
    person = scenario.as_user("pat", "practitioner")

    def run(answers):
        ref = person.start("decide", {**NOBODY_SAYS_YES, **answers})
        return engine.instance_variables(ref.id)["sharing"]

    return run


@pytest.fixture(scope="module")
def table():
    """The table alone, evaluated in-process with the engine's own expression language, for
    questions asked of every combination of answers."""
    graph = read_decisions(etree.parse(str(DMN_FILE)).getroot())
    clock = FrozenClock("2026-12-23T10:00:00+00:00")
    language = ExpressionLanguage(clock, WorkingDayCalendar())

    def run(answers):
        [row] = evaluate_decision(
            graph, "information_sharing", lambda text, extra: language.evaluate(text, answers)
        )
        return row

    return run


def every_combination():
    """All 6,144 ways of answering the consent position."""
    for flags in itertools.product((False, True), repeat=len(GROUNDS)):
        for can, by, consent in itertools.product(
            (True, False),
            ("person", "parental_responsibility", "best_interests"),
            ("given", "implied", "refused", "not_sought"),
        ):
            yield {**dict(zip(GROUNDS, flags, strict=True)), "can_consent": can} | {
                "consent_by": by,
                "consent": consent,
            }


def test_there_is_one_case_here_for_each_rule_of_the_table():
    bases = rule_bases()
    assert len(bases) == len(RULES) and len(set(bases)) == len(bases)


@pytest.mark.parametrize(
    ("number", "rule"), list(enumerate(RULES)), ids=[f"rule-{n}" for n in range(1, len(RULES) + 1)]
)
def test_each_rule_gives_all_four_outputs(decide, number, rule):
    answers, decision, tell, consent_from = rule
    result = decide(answers)
    outputs = {key: result[key] for key in ("decision", "basis", "tell_person", "consent_from")}
    assert outputs == {
        "decision": decision,
        "basis": rule_bases()[number],
        "tell_person": tell,
        "consent_from": consent_from,
    }


def test_the_first_matching_rule_wins(decide):
    everything = {key: True for key in GROUNDS}
    result = decide({**everything, "consent": "refused"})
    assert (result["decision"], result["tell_person"]) == ("share", False)
    assert result["basis"] == rule_bases()[0]


# Tip-offs: a statutory duty makes sharing a must, never telling safe.
UNSAFE = ("seeking_consent_increases_risk", "would_prejudice_crime", "telling_unsafe")
TIP_OFFS = [
    dict.fromkeys(chosen, True)
    for size in (1, 2, 3)
    for chosen in itertools.combinations(UNSAFE, size)
]


@pytest.mark.parametrize("unsafe", TIP_OFFS, ids=["+".join(t) for t in TIP_OFFS])
@pytest.mark.parametrize("consent", ["given", "implied", "refused", "not_sought"])
def test_a_statutory_duty_shares_but_never_tells_when_telling_is_unsafe(table, unsafe, consent):
    result = table({**NOBODY_SAYS_YES, "statutory_duty": True, **unsafe, "consent": consent})
    assert (result["decision"], result["tell_person"]) == ("share", False)
    assert "not told" in result["basis"]


@pytest.mark.parametrize("unsafe", TIP_OFFS, ids=["+".join(t) for t in TIP_OFFS])
def test_a_statutory_duty_with_a_tip_off_risk_tells_nobody_through_the_engine(decide, unsafe):
    result = decide({"statutory_duty": True, **unsafe})
    assert (result["decision"], result["tell_person"]) == ("share", False)


def test_telling_is_never_advised_when_it_would_put_someone_at_risk_whatever_else_applies(table):
    for answers in every_combination():
        if any(answers[key] for key in UNSAFE):
            assert table(answers)["tell_person"] is False, answers


def test_nobody_is_sent_to_ask_for_consent_when_asking_would_be_unsafe(table):
    for answers in every_combination():
        if any(answers[key] for key in UNSAFE):
            assert table(answers)["decision"] != "seek_consent", answers


def test_every_combination_has_a_decision_and_only_a_ground_or_consent_shares(table):
    for answers in every_combination():
        result = table(answers)
        grounds = [
            answers["statutory_duty"],
            answers["seeking_consent_increases_risk"],
            answers["would_prejudice_crime"],
            answers["would_delay_investigation"],
            answers["consent_unobtainable"] and answers["safeguarding_purpose"],
            answers["consent"] in ("given", "implied"),
            answers["consent"] == "refused" and answers["safety_at_risk"],
        ]
        assert result["basis"] and result["consent_from"], answers
        assert result["decision"] not in SHARES or any(grounds), answers


def test_an_answer_from_someone_who_may_not_give_it_is_neither_consent_nor_refusal(table):
    """A person who cannot decide (capacity, competence) does not consent or refuse; a parent or
    a best-interests decision does not decide for someone who can."""
    for answers in every_combination():
        may_answer = answers["can_consent"] == (answers["consent_by"] == "person")
        if not may_answer:
            assert table(answers)["decision"] not in ANSWERS_COUNT, answers


@pytest.mark.parametrize("consent", ["given", "implied", "refused"])
def test_a_person_who_cannot_decide_is_asked_for_through_whoever_decides_for_them(table, consent):
    result = table({**NOBODY_SAYS_YES, **CANNOT, "consent": consent})
    assert (result["decision"], result["consent_from"]) == ("seek_consent", "someone_for_them")
    assert "neither consent nor refusal" in result["basis"]


@pytest.mark.parametrize("stand_in", ["parental_responsibility", "best_interests"])
def test_whoever_decides_for_them_gives_or_refuses_consent_and_is_named(table, stand_in):
    answers = {**NOBODY_SAYS_YES, **CANNOT, "consent_by": stand_in}
    given = table({**answers, "consent": "given"})
    refused = table({**answers, "consent": "refused"})
    assert (given["decision"], given["consent_from"]) == ("share_proportionately", stand_in)
    assert (refused["decision"], refused["consent_from"]) == ("do_not_share", stand_in)


def test_consent_not_yet_sought_with_no_exception_means_go_and_ask(table):
    for can in (True, False):
        result = table({**NOBODY_SAYS_YES, "can_consent": can, "consent_by": "best_interests"})
        assert result["decision"] == "seek_consent", can


def test_every_input_entry_is_a_feel_unary_test_of_a_boolean_or_one_quoted_text():
    """The table keeps to -, true, false and one quoted text, which read the same in every
    FEEL dialect Camunda 7 has had."""
    ns = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
    root = etree.parse(str(DMN_FILE)).getroot()
    entries = [node.text for node in root.iterfind(".//dmn:inputEntry/dmn:text", ns)]
    assert all(parse_unary_tests(entry) for entry in entries)
    quoted = [e for e in entries if e.startswith('"') and e.endswith('"') and e.count('"') == 2]
    assert sorted(set(entries) - set(quoted)) == ["-", "false", "true"]

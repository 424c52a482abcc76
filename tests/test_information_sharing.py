"""The information-sharing decision (Torbay s10) as a DMN table: every rule, in order."""

from __future__ import annotations

import pytest

from .helpers import WORKFLOWS, resource, then_task

NOBODY_SAYS_YES = {
    "statutory_duty": False,
    "seeking_consent_increases_risk": False,
    "would_prejudice_crime": False,
    "would_cause_delay": False,
    "consent_unobtainable": False,
    "safeguarding_purpose": False,
    "consent": "not_sought",
    "safety_at_risk": False,
}
CASES = [
    # (what is true, decision, tell the person?)
    ({"statutory_duty": True, "consent": "refused"}, "share", True),
    ({"seeking_consent_increases_risk": True, "consent": "given"}, "share_without_consent", False),
    ({"would_prejudice_crime": True}, "share_without_consent", False),
    ({"would_cause_delay": True}, "share_without_consent", True),
    ({"consent_unobtainable": True, "safeguarding_purpose": True}, "share_without_consent", True),
    ({"consent_unobtainable": True}, "seek_advice", True),  # no safeguarding purpose
    ({"consent": "given"}, "share_proportionately", True),
    ({"consent": "implied"}, "share_proportionately", True),
    ({"consent": "refused", "safety_at_risk": True}, "share_overriding_refusal", True),
    ({"consent": "refused"}, "do_not_share", True),
    ({}, "seek_advice", True),
]


@pytest.fixture
def decide(scenario, engine):
    engine.deploy(
        [
            resource(
                "information-sharing.dmn", (WORKFLOWS / "information-sharing.dmn").read_text()
            ),
            resource(
                "decide.bpmn",
                then_task(
                    "decide",
                    '<bpmn:businessRuleTask id="rule" camunda:decisionRef="information_sharing"/>',
                    "rule",
                ),
            ),
        ]
    )
    person = scenario.as_user("pat", "practitioner")

    def run(answers):
        ref = person.start("decide", {**NOBODY_SAYS_YES, **answers})
        return engine.instance_variables(ref.id)

    return run


@pytest.mark.parametrize(
    ("answers", "decision", "tell"), CASES, ids=[f"rule-{n}" for n in range(1, len(CASES) + 1)]
)
def test_each_rule_of_the_information_sharing_decision(decide, answers, decision, tell):
    result = decide(answers)
    assert (result["decision"], result["tell_person"]) == (decision, tell)
    assert result["basis"]


def test_the_first_matching_rule_wins(decide):
    everything = {key: True for key, value in NOBODY_SAYS_YES.items() if value is False}
    result = decide({**everything, "consent": "refused"})
    assert result["decision"] == "share"
    assert result["basis"] == "There is a statutory duty or a court order to share"

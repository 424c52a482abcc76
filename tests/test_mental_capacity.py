"""The reusable mental capacity assessment (Mental Capacity Act 2005; DOMAIN.md section 9):
one decision at a time, the two-stage test after all practicable help, the person's own
decision standing even if unwise, and otherwise a best-interests decision by the named
decision-maker after consulting family and carers (an IMCA when there is no one else)."""

from __future__ import annotations

from datetime import date

import pytest

from engine.errors import InvalidSubmission

from .family import Family
from .helpers import bpmn, flow, user_task

ASSESS = "Assess capacity for this one decision"
CONSULT = "Consult the people who know them"
IMCA = "Instruct an independent mental capacity advocate (IMCA)"
BEST_INTERESTS = "Make the best-interests decision"
NEXT = "Carry on with the plan"
DECISION = "Moving into supported living"
# the caller passes its variables (the case's facts) and maps the decision, the assessor and
# the named decision-maker in, and the assessment's results back, as any diagram may
RESULTS = ("mca_decision", "mca_outcome", "best_interests_proceed", "best_interests_decision")
CALLER = bpmn(
    "capacity-caller",
    '<bpmn:extensionElements><camunda:properties><camunda:property name="subject" value="adult"/>'
    "</camunda:properties></bpmn:extensionElements>"
    '<bpmn:startEvent id="start" camunda:initiator="lead_worker"/>'
    '<bpmn:callActivity id="mca" calledElement="mental-capacity-assessment">'
    "<bpmn:extensionElements>"
    '<camunda:in variables="all"/>'
    f'<camunda:in sourceExpression="{DECISION}" target="mca_decision"/>'
    '<camunda:in source="lead_worker" target="mca_assessor"/>'
    '<camunda:in sourceExpression="cal" target="mca_decision_maker"/>'
    '<camunda:in sourceExpression="childrens-social-care:practitioner,'
    ' childrens-social-care:manager" target="mca_assessor_group"/>'
    + "".join(f'<camunda:out source="{name}" target="{name}"/>' for name in RESULTS)
    + "</bpmn:extensionElements></bpmn:callActivity>"
    + user_task(NEXT, NEXT, 'camunda:candidateGroups="practitioner"').replace(
        f'id="{NEXT}"', 'id="next"'
    )
    + '<bpmn:endEvent id="end"/>'
    + flow("start", "mca")
    + flow("mca", "next")
    + flow("next", "end"),
).replace(
    'isExecutable="true"',
    'isExecutable="true" camunda:candidateStarterGroups="childrens-social-care:practitioner"',
)
STEPS_TAKEN = {
    "reason_for_doubt": "Severe learning disability; struggled with a tenancy before",
    "practicable_steps": "Easy-read leaflet, two visits, her support worker present",
}
CAN_DECIDE = {
    **dict.fromkeys(("understands", "retains", "weighs", "communicates"), "yes"),
    "because_of_impairment": "no",  # there is no inability to attribute
}
# the causative nexus (s2(1)): the inability is because of the impairment
CANNOT_WEIGH = {**CAN_DECIDE, "weighs": "no", "because_of_impairment": "yes"}
VIEWS = {"person_views": "I want to live with my friend Jo"}


class Capacity(Family):
    def __init__(self, scenario, engine, clock):
        super().__init__(scenario, engine, clock, "MCA-1")
        self.create(
            [{"name": "Lily Test", "kind": "adult", "date_of_birth": date(2008, 5, 1)}],
            ["childrens-social-care", "adult-social-care"],
        )
        self.sam = self.person("sam", "childrens-social-care", "practitioner")
        self.cal = self.person("cal", "childrens-social-care", "manager")
        self.start(self.sam, "capacity-caller")

    def assess(self, impairment: str, functional: dict, **extra):
        self.sam.complete(
            ASSESS,
            impairment=impairment,
            capacity_evidence="-",
            **STEPS_TAKEN,
            **functional,
            **VIEWS,
            **extra,
        )

    def decide(self, **answers):
        fields = {
            "person_wishes": "Has always wanted her own front door",
            "options_considered": "Residential care; supported living; staying at home",
            "least_restrictive_option": "Supported living with a shared tenancy: chosen",
            "best_interests_decision": "Supported living near her friend Jo",
            "best_interests_proceed": "yes",
            "mca_reconsider_on": "2027-05-24",
        }
        self.cal.complete(BEST_INTERESTS, **{**fields, **answers})


@pytest.fixture
def capacity(scenario, engine, clock):
    clock.set("2026-11-23T09:00:00+00:00")
    scenario.deploy_shipped()
    scenario.deploy("capacity-caller.bpmn", CALLER)
    return lambda: Capacity(scenario, engine, clock)


def test_an_unwise_decision_by_someone_with_capacity_stands(capacity):
    case = capacity()
    assert case.due(case.sam, ASSESS) == date(2026, 12, 7)  # 10 working days
    # an impairment alone is not incapacity: stage 2 must fail because of it
    case.assess("yes", CAN_DECIDE)
    assert case.entries() == ["capacity_assessment", "decision_stands"]
    [stands] = case.records("decision_stands")
    assert stands["mca_decision"] == DECISION
    assert stands["person_views"] == VIEWS["person_views"]
    assert case.told("decision_stands") == {"cal"}
    assert case.variables()["mca_outcome"] == "has_capacity"
    assert case.open_tasks() == [NEXT]


def test_the_caller_gets_back_only_the_results_it_maps_not_the_assessments_answers(capacity):
    case = capacity()
    case.assess("yes", CAN_DECIDE)
    variables = case.variables()
    assert variables["mca_outcome"] == "has_capacity"
    assert not {"person_views", "understands", "reason_for_doubt"} & set(variables)


def test_no_impairment_means_capacity_whatever_stage_two_says(capacity):
    case = capacity()
    case.assess("no", CANNOT_WEIGH)
    assert case.records("capacity_assessment")[0]["mca_outcome"] == "has_capacity"
    assert case.open_tasks() == [NEXT]


def test_an_inability_not_caused_by_the_impairment_is_not_incapacity(capacity):
    case = capacity()
    # impairment, and she cannot weigh it, but because of pressure from her family, not
    # because of the impairment: the s2(1) test fails, so her decision stands
    case.assess("yes", {**CANNOT_WEIGH, "because_of_impairment": "no"})
    [assessment] = case.records("capacity_assessment")
    assert assessment["mca_outcome"] == "has_capacity"
    assert assessment["impairment"] is True and assessment["weighs"] is False
    assert assessment["because_of_impairment"] is False
    assert case.entries() == ["capacity_assessment", "decision_stands"]
    assert case.told("decision_stands") == {"cal"}
    assert case.variables()["mca_outcome"] == "has_capacity"
    assert case.open_tasks() == [NEXT]


def test_lacking_capacity_the_named_decision_maker_consults_then_decides(capacity):
    case = capacity()
    case.assess("yes", CANNOT_WEIGH)
    [assessment] = case.records("capacity_assessment")
    assert assessment["mca_outcome"] == "lacks_capacity"
    assert assessment["because_of_impairment"] is True
    assert assessment["practicable_steps"] == STEPS_TAKEN["practicable_steps"]
    assert case.open_tasks() == [CONSULT]
    task = case.cal.task(CONSULT)
    assert task.assignee == "cal"  # the named decision-maker, not the assessor
    assert task.summary == f"Best interests of Lily Test: {DECISION} (consultation)"
    case.cal.complete(CONSULT, consultees="Her mother: supports the move", anyone_to_consult="yes")
    assert case.open_tasks() == [BEST_INTERESTS]  # family consulted: no IMCA needed
    case.decide()
    [decision] = case.records("best_interests")
    assert decision["consultees"] == "Her mother: supports the move"
    assert decision["least_restrictive_option"].startswith("Supported living")
    assert decision["mca_reconsider_on"] in ("2027-05-24", date(2027, 5, 24))
    assert case.told("best_interests_decision") == {"sam"}
    variables = case.variables()
    assert variables["mca_outcome"] == "lacks_capacity" and variables["best_interests_proceed"]
    assert case.open_tasks() == [NEXT]


def test_with_no_one_to_consult_an_imca_is_instructed_first(capacity):
    case = capacity()
    case.assess("yes", CANNOT_WEIGH)
    case.cal.complete(CONSULT, consultees="No family; only paid carers", anyone_to_consult="no")
    assert case.open_tasks() == [IMCA]
    case.cal.complete(IMCA, imca_name="Kim, Advocacy Hub", imca_representations="Wants Jo near")
    case.decide()
    [decision] = case.records("best_interests")
    assert decision["imca_name"] == "Kim, Advocacy Hub"


def test_the_date_to_reconsider_must_be_in_the_future(capacity):
    case = capacity()
    case.assess("yes", CANNOT_WEIGH)
    case.cal.complete(CONSULT, consultees="Her mother", anyone_to_consult="yes")
    with pytest.raises(InvalidSubmission) as refused:
        case.decide(mca_reconsider_on="2026-11-23")
    assert "mca_reconsider_on" in refused.value.errors
    assert case.open_tasks() == [BEST_INTERESTS]


def test_a_late_assessment_is_escalated_to_the_callers_manager(capacity):
    case = capacity()
    task = case.sam.task(ASSESS)
    assert task.escalate_to == ["childrens-social-care:manager"]
    assert task.summary == f"Mental capacity of Lily Test: {DECISION}"

"""User-task checks beyond the form (``user_of:FIELD``, ``check:FIELD``): a named person must be
a real, active person of an agency; an answer must fit what the process already knows."""

from __future__ import annotations

import pytest

from engine.demo import DEMO_PASSWORD
from engine.errors import InvalidSubmission

from .helpers import bpmn, flow

NAME_SOMEONE = bpmn(
    "name-someone",
    '<bpmn:startEvent id="start"/>'
    '<bpmn:userTask id="name" name="Name someone" camunda:candidateGroups="practitioner">'
    "<bpmn:extensionElements><camunda:properties>"
    '<camunda:property name="user_of:worker" value="${agency}"/>'
    '<camunda:property name="check:agency" value="${agency != own_agency}"/>'
    '<camunda:property name="check_message:agency" value="Not your own agency"/>'
    "</camunda:properties><camunda:formData>"
    '<camunda:formField id="agency" label="Agency" type="string"/>'
    '<camunda:formField id="worker" label="Worker" type="string"/>'
    "</camunda:formData></bpmn:extensionElements></bpmn:userTask>"
    '<bpmn:endEvent id="end"/>' + flow("start", "name") + flow("name", "end"),
)


@pytest.fixture
def naming(scenario, engine):
    scenario.deploy("name-someone.bpmn", NAME_SOMEONE)
    for username, agency in (("sam", "childrens-social-care"), ("old", "police")):
        engine.create_user(
            username=username,
            password=DEMO_PASSWORD,
            display_name=username,
            agency=agency,
            roles=["practitioner"],
        )
    person = scenario.as_user("pat", "practitioner")
    person.start("name-someone", {"own_agency": "adult-mental-health"})
    return person


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({"agency": "adult-mental-health", "worker": "sam"}, {"agency", "worker"}),
        ({"agency": "childrens-social-care", "worker": "old"}, {"worker"}),
        ({"agency": "childrens-social-care", "worker": "nobody"}, {"worker"}),
        ({"agency": "childrens-social-care", "worker": ""}, {"worker"}),
    ],
)
def test_a_failed_check_is_a_form_error_naming_the_field(naming, answers, errors):
    with pytest.raises(InvalidSubmission) as caught:
        naming.complete("Name someone", **answers)
    assert set(caught.value.errors) == errors
    assert naming.task("Name someone")  # nothing was saved


def test_a_real_person_of_the_agency_passes(naming):
    ref = naming.complete("Name someone", agency="childrens-social-care", worker="sam")
    assert ref.status == "completed"


START_CHECKED = bpmn(
    "start-checked",
    '<bpmn:startEvent id="start"><bpmn:extensionElements><camunda:properties>'
    "<camunda:property name=\"check:reason\" value=\"${age &gt;= 14 or len(var('reason', '')) &gt; 0}\"/>"
    '<camunda:property name="check_message:reason" value="Under 14: say why"/>'
    "</camunda:properties></bpmn:extensionElements></bpmn:startEvent>"
    '<bpmn:userTask id="work" name="Work" camunda:candidateGroups="practitioner"/>'
    '<bpmn:endEvent id="end"/>' + flow("start", "work") + flow("work", "end"),
)


def test_a_check_on_the_start_event_refuses_a_start_and_saves_nothing(scenario, engine):
    from sqlalchemy import func, select

    from engine.models import ProcessInstance

    scenario.deploy("start-checked.bpmn", START_CHECKED)
    person = scenario.as_user("pat", "practitioner")
    with pytest.raises(InvalidSubmission) as refused:
        person.start("start-checked", {"age": 7})
    assert refused.value.errors == {"reason": "Under 14: say why"}
    with engine.db.reading() as session:
        assert session.scalar(select(func.count(ProcessInstance.id))) == 0
    person.start("start-checked", {"age": 7, "reason": "Asked for by the family"})
    person.start("start-checked", {"age": 15})
    assert [t.name for t in person.inbox()] == ["Work", "Work"]

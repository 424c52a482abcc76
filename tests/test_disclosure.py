"""Disclosure follows the information-sharing decision (DOMAIN.md sections 5 and 6): being
involved in a case is not, by itself, being allowed to read everything recorded there.

Real demo people of real agencies, signed in through the web app and the API, with a real
SMTP server on loopback: sam (children's social care), ash (adult social care practitioner),
asm (an adult social care manager added here), eve (education), dan (drug and alcohol), cal
(children's social care manager), owner (the process owner).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.actors import Actor
from engine.disclosure.models import DisclosureGrant
from engine.errors import InvalidDefinition
from notifications.models import InAppNotification, OutboxNotification
from webapp import engine_of

from .family import CONSENT_GIVEN, CONSENT_POSITION, CONSENT_REFUSED
from .helpers import bpmn, flow, person, resource, user_task
from .test_notifications import jobs, smtp  # noqa: F401 - fixtures

TRANSITION = "TA-9"
NEEDS = "Autism and anxiety in crowds, told to the social worker in confidence"
IDENTIFY = "Identify the young person's transition needs"
CONSENT = "Ask the young person's consent to a transition assessment"
REVISIT = "Revisit consent with the young person"
MEETING = "Hold the transition planning meeting"
VIEWS = {"young_person_views": "Please keep this between us for now"}


@pytest.fixture
def engine_(app):
    engine = engine_of(app)
    engine.create_user(
        username="asm",
        display_name="Asha Adult Services Manager",
        agency="adult-social-care",
        roles=["manager"],
        email="asm@joinedup.test",
        password="Correct horse battery staple 42",
    )
    return engine


def complete(engine, username: str, name: str, **data) -> int:
    """``username`` completes their task called ``name``; returns the task's id."""
    actor = person(engine, username)
    [task] = [t for t in engine.tasks_for_user(actor) if t.name == name]
    engine.complete(task.id, data, actor)
    return task.id


def transition_case(engine, consent: str | None = "given", born: date = date(2012, 6, 1)) -> int:
    """A 14-year-old (by default) known to children's social care, in a family adult social
    care and the school already work with; sam identifies the transition needs and records the
    young person's answer to a transition assessment (``consent``). Returns the instance id."""
    engine.create_case(
        Actor.engine(),
        reference=TRANSITION,
        family_name="Morgan",
        members=[{"name": "Robin Morgan", "kind": "child", "date_of_birth": born}],
        involvements=[
            {"agency": "childrens-social-care", "worker_username": "sam"},
            {"agency": "adult-social-care", "worker_username": "ash"},
            {"agency": "education", "worker_username": "eve"},
        ],
    )
    ref = engine.start_on_case("transition-to-adulthood", TRANSITION, person(engine, "sam"))
    complete(
        engine, "sam", IDENTIFY, transition_reason="care-and-support", needs_summary=NEEDS, **VIEWS
    )
    if consent:
        complete(engine, "sam", CONSENT, assessment_consent=consent, **VIEWS)
    return ref.id


def nothing_reaches_adult_social_care(engine, web, api, outbox, mailbox, instance_id: int) -> None:
    """ash and amal (adult social care), involved in the case, read none of the transition: not
    in pages, the API or any notification, by email or in the app."""
    outbox.deliver()
    with engine.db.reading() as session:
        assert session.scalars(select(DisclosureGrant)).all() == []
        addressed = session.scalars(select(OutboxNotification.recipient)).all()
    assert [r for r in addressed if r.startswith("adult-social-care") or r in ("ash", "amal")] == []
    for username in ("ash", "amal"):
        reader = web(username)
        text = page(reader, f"/cases/{TRANSITION}")
        assert NEEDS not in text and f"/instances/{instance_id}" not in text
        assert reader.get(f"/instances/{instance_id}").status_code == 404
        assert api("GET", f"/api/v1/instances/{instance_id}", username).status_code == 404
        assert NEEDS not in api("GET", f"/api/v1/cases/{TRANSITION}", username).get_data(True)
        assert emails_about(mailbox, username, TRANSITION) == []
        assert [n for n in in_app(engine, username) if TRANSITION in n.body] == []


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def emails_about(smtp, username: str, case_ref: str) -> list:  # noqa: F811 - the fixture
    found = smtp.inbox.to(f"{username}@joinedup.test")
    return [m for m in found if case_ref in m.get_body(("plain",)).get_content()]


def in_app(engine, username: str) -> list[InAppNotification]:
    with engine.db.reading() as session:
        query = select(InAppNotification).where(InAppNotification.username == username)
        return list(session.scalars(query))


def test_a_consent_refused_transition_is_unreadable_by_adult_social_care(
    engine_,
    web,
    api,
    jobs,  # noqa: F811
    smtp,  # noqa: F811
):
    instance_id = transition_case(engine_)
    complete(engine_, "sam", CONSENT_POSITION, **CONSENT_REFUSED)
    complete(engine_, "sam", REVISIT, consent_now_given="no", **VIEWS)
    with engine_.db.reading() as session:
        assert session.scalars(select(DisclosureGrant)).all() == []
    jobs.deliver()

    # children's social care holds it and reads all of it
    sam = web("sam")
    assert NEEDS in page(sam, f"/cases/{TRANSITION}")
    assert NEEDS in page(sam, f"/instances/{instance_id}")

    ash, eve = web("ash"), web("eve")
    for reader in (ash, eve):  # involved in the case, so the case page opens ...
        text = page(reader, f"/cases/{TRANSITION}")
        assert NEEDS not in text  # ... but not the young person's needs
        assert f"/instances/{instance_id}" not in text
        assert reader.get(f"/instances/{instance_id}").status_code == 404
        assert reader.get(f"/instances/{instance_id}/diagram").status_code == 404
    identify_task = _task_id(engine_, instance_id, IDENTIFY)
    assert ash.get(f"/tasks/{identify_task}").status_code == 404

    case = api("GET", f"/api/v1/cases/{TRANSITION}", "ash")
    assert case.status_code == 200
    assert instance_id not in [i["id"] for i in case.get_json()["instances"]]
    assert NEEDS not in case.get_data(as_text=True)
    assert api("GET", f"/api/v1/instances/{instance_id}", "ash").status_code == 404
    assert api("GET", f"/api/v1/tasks/{identify_task}", "ash").status_code == 404

    # nothing was even addressed to adult social care before the decision (issue 16)
    with engine_.db.reading() as session:
        addressed = session.scalars(select(OutboxNotification.recipient)).all()
    assert [r for r in addressed if r.startswith("adult-social-care") or r == "ash"] == []
    for username in ("asm", "ash", "eve"):
        assert emails_about(smtp, username, TRANSITION) == []
        assert [n for n in in_app(engine_, username) if TRANSITION in n.body] == []


def test_what_was_recorded_before_consent_is_read_once_the_decision_allows_it(
    engine_,
    web,
    api,
    jobs,  # noqa: F811
    smtp,  # noqa: F811
):
    instance_id = transition_case(engine_)
    ash = web("ash")
    assert NEEDS not in page(ash, f"/cases/{TRANSITION}")
    assert api("GET", f"/api/v1/instances/{instance_id}", "ash").status_code == 404

    complete(engine_, "sam", CONSENT_POSITION, **CONSENT_GIVEN)
    with engine_.db.reading() as session:
        [grant] = session.scalars(select(DisclosureGrant)).all()
    assert (grant.from_agency, grant.to_agency) == ("childrens-social-care", "adult-social-care")
    assert grant.granted_by == "sam" and "share_proportionately" in grant.basis

    assert NEEDS in page(ash, f"/cases/{TRANSITION}")  # recorded before the decision
    assert api("GET", f"/api/v1/instances/{instance_id}", "ash").status_code == 200
    eve = web("eve")  # the decision named adult social care, not the school
    assert NEEDS not in page(eve, f"/cases/{TRANSITION}")
    assert eve.get(f"/instances/{instance_id}").status_code == 404

    complete(
        engine_,
        "sam",
        MEETING,
        meeting_date="2027-06-01",
        attendees="Robin, Sam, Eve (school), the school nurse, Ash",
        health_attended="yes",
        education_attended="yes",
        transition_plan="College, then supported living",
        **VIEWS,
    )
    jobs.deliver()  # the plan goes to involved practitioners: adult social care only
    assert emails_about(smtp, "ash", TRANSITION) != []
    assert emails_about(smtp, "eve", TRANSITION) == []


def test_a_young_person_refusing_the_assessment_keeps_it_from_adult_social_care(
    engine_,
    web,
    api,
    jobs,  # noqa: F811
    smtp,  # noqa: F811
):
    instance_id = transition_case(engine_, consent="refused")
    complete(engine_, "sam", REVISIT, consent_now_given="no", **VIEWS)
    nothing_reaches_adult_social_care(engine_, web, api, jobs, smtp, instance_id)
    assert NEEDS in page(web("sam"), f"/cases/{TRANSITION}")


def test_a_best_interests_decision_not_to_assess_keeps_it_from_adult_social_care(
    engine_,
    web,
    api,
    jobs,  # noqa: F811
    smtp,  # noqa: F811
):
    instance_id = transition_case(engine_, "capacity_in_question", born=date(2010, 6, 1))
    complete(
        engine_,
        "sam",
        "Assess capacity for this one decision",
        reason_for_doubt="Severe learning disability",
        practicable_steps="Easy-read booklet, two visits",
        impairment="yes",
        understands="no",
        retains="no",
        weighs="no",
        communicates="yes",
        because_of_impairment="yes",
        capacity_evidence="-",
        person_views="Scared of new people",
    )
    complete(
        engine_,
        "sam",
        "Consult the people who know them",
        consultees="Mum",
        anyone_to_consult="yes",
    )
    complete(
        engine_,
        "sam",
        "Make the best-interests decision",
        person_wishes="Familiar people only",
        options_considered="Assess now; wait until he is settled at college",
        least_restrictive_option="Wait: chosen",
        best_interests_decision="Wait until he is settled",
        best_interests_proceed="no",
        mca_reconsider_on="2027-03-01",
    )
    nothing_reaches_adult_social_care(engine_, web, api, jobs, smtp, instance_id)
    assert "Wait until he is settled" in page(web("cal"), f"/cases/{TRANSITION}")


def _task_id(engine, instance_id: int, name: str) -> int:
    from engine.models import HumanTask

    with engine.db.reading() as session:
        query = select(HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.name == name
        )
        return session.scalars(query).one()


CONTRIBUTION = "Alcohol dependency, six months abstinent (from the recovery service records)"


def return_home_case(engine, consent: dict) -> int:
    """A return home on DEMO-style family with the drug and alcohol service contributing and
    the school involved; returns the instance id."""
    engine.create_case(
        Actor.engine(),
        reference="RH-9",
        family_name="Hill",
        members=[
            {"name": "Kim Hill", "kind": "adult", "relationship": "Mother"},
            {"name": "Ali Hill", "kind": "child", "date_of_birth": date(2016, 3, 1)},
        ],
        involvements=[
            {"agency": "childrens-social-care"},
            {"agency": "drug-and-alcohol"},
            {"agency": "education"},
        ],
    )
    ref = engine.start_on_case("return-home", "RH-9", person(engine, "sam"))
    complete(
        engine,
        "sam",
        "Plan the return home",
        return_route="planned",
        return_from="care",
        legal_status="section-20",
        accommodated_since="2026-12-01",
        plan_summary="Home with daily support",
    )
    complete(engine, "dan", CONSENT_POSITION, **consent)
    return ref.id


def test_a_contribution_shared_with_childrens_social_care_is_unreadable_by_education(
    engine_, web, api
):
    instance_id = return_home_case(engine_, CONSENT_GIVEN)
    contributed = complete(
        engine_,
        "dan",
        "Contribute to the joint assessment",
        involvement="Keyworker since 2025",
        parent_needs=CONTRIBUTION,
        impact_on_care="Relapse would put Ali at risk",
        support_offered="Weekly testing",
        agency_risk_view="medium",
    )
    for reader in ("sam", "cal", "dan"):  # the holder, and the agency it was shared with
        assert CONTRIBUTION in page(web(reader), "/cases/RH-9"), reader
    eve = web("eve")
    case_page = page(eve, "/cases/RH-9")
    assert CONTRIBUTION not in case_page
    assert f"/instances/{instance_id}" in case_page  # the return home itself is open to her
    instance_page = page(eve, f"/instances/{instance_id}")
    assert CONTRIBUTION not in instance_page and "Variables" not in instance_page
    assert "Contribute to the joint assessment" not in instance_page
    assert eve.get(f"/tasks/{contributed}").status_code == 404
    assert api("GET", f"/api/v1/tasks/{contributed}", "eve").status_code == 404
    assert CONTRIBUTION not in api("GET", f"/api/v1/instances/{instance_id}", "eve").get_data(
        as_text=True
    )


def test_a_refused_contribution_stays_with_its_agency_and_the_gap_is_recorded_openly(engine_, web):
    return_home_case(engine_, CONSENT_REFUSED)
    cal_page = page(web("cal"), "/cases/RH-9")
    assert "Contribution not shared" in cal_page  # the fact, for children's social care
    assert "Do not share" not in cal_page and "do_not_share" not in cal_page  # not the reasons
    # the holder keeps its decision, in its form's words
    assert "Do not share" in page(web("dan"), "/cases/RH-9")


def test_raw_variables_are_for_process_owners_and_administrators_only(engine_, web, api):
    body = (
        '<bpmn:startEvent id="start"/>'
        + user_task("work", "Look into it", 'camunda:candidateGroups="practitioner"')
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "work")
        + flow("work", "end")
    )
    engine_.deploy([resource("enquiry.bpmn", bpmn("enquiry", body))], deployed_by="owner")
    ref = engine_.start("enquiry", {"concern": "Bruising seen"}, actor=person(engine_, "sam"))
    assert "Variables" not in page(web("sam"), f"/instances/{ref.id}")  # the starter
    assert api("GET", f"/api/v1/instances/{ref.id}", "sam").get_json()["variables"] is None
    for username in ("owner", "admin"):
        assert "Bruising seen" in page(web(username), f"/instances/{ref.id}")
        shown = api("GET", f"/api/v1/instances/{ref.id}", username).get_json()["variables"]
        assert shown["concern"] == "Bruising seen"


def test_disclosure_properties_are_checked_at_deploy(engine_):
    def deploy(process_properties: str, element_properties: str):
        body = (
            '<bpmn:startEvent id="start"/>'
            + user_task("work", "Work", 'camunda:candidateGroups="practitioner"')
            + '<bpmn:endEvent id="end"><bpmn:extensionElements><camunda:properties>'
            + element_properties
            + "</camunda:properties></bpmn:extensionElements></bpmn:endEvent>"
            + flow("start", "work")
            + flow("work", "end")
        )
        xml = bpmn("held", body).replace(
            'isExecutable="true">',
            'isExecutable="true"><bpmn:extensionElements><camunda:properties>'
            + process_properties
            + "</camunda:properties></bpmn:extensionElements>",
            1,
        )
        return engine_.deploy([resource("held.bpmn", xml)], deployed_by="owner")

    def prop(name, value):
        return f'<camunda:property name="{name}" value="{value}"/>'

    cases = [
        (prop("disclosure_holder", "the-council"), "", "is not a known agency"),
        (prop("disclosure_holder", "${agency +}"), "", "property 'disclosure_holder'"),
        ("", prop("disclosure_holder", "education"), "belongs on the process"),
        ("", prop("disclose_to", "education, nobody"), "disclose_to 'nobody'"),
        ("", prop("disclosure", "closed"), "may only be 'open'"),
    ]
    for process_properties, element_properties, message in cases:
        with pytest.raises(InvalidDefinition) as refused:
            deploy(process_properties, element_properties)
        assert message in str(refused.value), str(refused.value)
        assert "held.bpmn" in str(refused.value)
    deploy(prop("disclosure_holder", "${started_by_agency}"), prop("disclose_to", "education"))


def test_a_professional_difference_is_read_by_its_parties_and_the_partnership_only(
    engine_, web, api
):
    from .test_professional_differences import DIFFERENCE

    concern = "The relapse is known to adult mental health; the threshold is not met"
    pat = person(engine_, "pat")
    [describe] = engine_.tasks_for_user(pat)  # the demo's difference on DEMO-001
    engine_.complete(describe.id, {**DIFFERENCE, "concern": concern}, pat)
    [reply] = [t for t in engine_.tasks_for_user(person(engine_, "sam")) if "Stage 1" in t.name]
    for reader in ("pat", "amy", "sam", "cal"):  # both parties
        assert concern in page(web(reader), "/cases/DEMO-001"), reader
    for outsider in ("eve", "dan"):  # involved in the family's case, not in the difference
        client = web(outsider)
        assert concern not in page(client, "/cases/DEMO-001")
        instance_page = page(client, f"/instances/{describe.instance_id}")
        assert concern not in instance_page and "talk it through" not in instance_page
        assert client.get(f"/tasks/{reply.id}").status_code == 404
        assert api("GET", f"/api/v1/tasks/{reply.id}", outsider).status_code == 404

"""Cases managed in the app (issue 18 item 2): create a case, keep its family up to date
(adults, children, unborn babies and their birth, young carers, who cares for whom,
vulnerability and protective factors), close and reopen it, every change on its history in
words, and search within what a person may see.

Demo people: sam (children's social care practitioner), mia (MASH, same agency, not named on
cases), pat (adult mental health, named on DEMO-001), ash (adult social care: on DEMO-002,
not on DEMO-001), chair (the partnership's chair), admin. DEMO-001 has a process running.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.access_audit.models import AccessEvent
from engine.cases import FamilyCase, FamilyMember, case_variables
from engine.casework.relations import CHILD_NOT_PROTECTIVE
from engine.demo import DEMO_CASE, LOOKED_AFTER_CASE
from engine.errors import Conflict, InvalidSubmission
from engine.involvement.models import InvolvementPeriod
from engine.models import AuditEvent, ProcessInstance
from webapp import engine_of

from .helpers import down_and_up, person
from .test_web import actor_of

NEW_CASE = "JU-2026-000001"  # the app's clock is in 2026; the demo's references are DEMO-00N


def text_of(response) -> str:
    return response.get_data(as_text=True)


def history(app, reference: str, event: str | None = None) -> list[AuditEvent]:
    with engine_of(app).db.reading() as session:
        query = select(AuditEvent).where(AuditEvent.case_ref == reference)
        if event:
            query = query.where(AuditEvent.event_type == event)
        return list(session.scalars(query.order_by(AuditEvent.id)))


def member_named(app, name: str) -> FamilyMember:
    with engine_of(app).db.reading() as session:
        return session.scalars(select(FamilyMember).where(FamilyMember.name == name)).one()


def date_fields(field: str, day: int, month: int, year: int) -> dict:
    return {f"{field}-day": day, f"{field}-month": month, f"{field}-year": year}


@pytest.fixture
def sam(web):
    return web("sam")


@pytest.fixture
def new_case(sam):
    """A case sam created in the browser, with no family yet."""
    created = sam.post(
        "/cases/new",
        {"family_name": "Hughes", "case_type": "family", "summary": "Referred by school"},
    )
    assert created.status_code == 302 and created.headers["Location"].endswith(NEW_CASE)
    return f"/cases/{NEW_CASE}"


# --- creating a case ---------------------------------------------------------------------


def test_a_practitioner_creates_a_case_their_agency_holds_with_them_named(app, sam, new_case):
    page = text_of(sam.get(new_case))
    assert "Hughes family" in page and "Referred by school" in page
    assert "Sam Social Worker" in page  # the named worker of children's social care
    with engine_of(app).db.reading() as session:
        case = session.scalars(select(FamilyCase).where(FamilyCase.reference == NEW_CASE)).one()
        assert (case.status, case.case_type, case.created_by) == ("open", "family", "sam")
        [period] = session.scalars(
            select(InvolvementPeriod).where(InvolvementPeriod.case_ref == NEW_CASE)
        )
    assert (period.agency, period.worker_username) == ("childrens-social-care", "sam")
    [created] = history(app, NEW_CASE, "case_created")
    assert created.actor == "sam"
    assert {"field": "Family name", "before": "not recorded", "after": "Hughes"} in (
        created.details["changes"]
    )
    second = sam.post("/cases/new", {"family_name": "Ince", "case_type": "adult"})
    assert second.headers["Location"].endswith("JU-2026-000002")


def test_the_cases_list_offers_create_a_case_to_practitioners_not_to_the_board(web):
    assert "Create a case" in text_of(web("pat").get("/cases"))
    chair = web("chair")
    assert "Create a case" not in text_of(chair.get("/cases"))
    assert chair.get("/cases/new").status_code == 403
    refused = chair.post("/cases/new", {"family_name": "Nobody", "case_type": "family"})
    assert refused.status_code == 403


def test_a_create_form_with_problems_says_so_and_keeps_what_was_typed(sam):
    refused = sam.post(
        "/cases/new", {"family_name": " ", "case_type": "bogus", "summary": "Kept summary"}
    )
    page = text_of(refused)
    assert refused.status_code == 422 and "There is a problem" in page
    assert "Enter the family name" in page and "Choose what the case is about" in page
    assert "Kept summary" in page


def test_the_api_creates_a_case_and_an_administrator_names_its_agency_and_reference(api):
    made = api("POST", "/api/v1/cases", "pat", json={"family_name": "Jones"})
    assert made.status_code == 201
    body = made.get_json()
    assert body["reference"] == NEW_CASE and body["status"] == "open"
    assert body["agencies"] == [
        {"agency": "adult-mental-health", "worker": "Pat Practitioner", "worker_username": "pat"}
    ]
    no_agency = api("POST", "/api/v1/cases", "admin", json={"family_name": "Khan"})
    assert no_agency.status_code == 422
    assert "agency" in no_agency.get_json()["error"]["details"]
    given = api(
        "POST",
        "/api/v1/cases",
        "admin",
        json={"family_name": "Khan", "agency": "early-help", "reference": "legacy-77"},
    )
    assert given.status_code == 201 and given.get_json()["reference"] == "LEGACY-77"
    again = api(
        "POST",
        "/api/v1/cases",
        "admin",
        json={"family_name": "Khan", "agency": "early-help", "reference": "LEGACY-77"},
    )
    assert again.status_code == 422
    chosen = api("POST", "/api/v1/cases", "pat", json={"family_name": "X", "reference": "MINE-1"})
    assert chosen.status_code == 403  # only an administrator chooses a reference
    assert api("POST", "/api/v1/cases", "pbm", json={"family_name": "X"}).status_code == 403


# --- the family ---------------------------------------------------------------------------


def test_adults_children_and_unborn_babies_are_added_with_what_each_needs(app, sam, new_case):
    adult = sam.post(
        f"{new_case}/members/new",
        {
            "kind": "adult",
            "name": "Kerry Hughes",
            "relationship": "Mother",
            **date_fields("date_of_birth", 3, 7, 1990),
            "gp": "Quay Surgery",
            "vulnerabilities": ["domestic-abuse", "isolation"],
        },
    )
    assert adult.status_code == 302
    child = sam.post(
        f"{new_case}/members/new",
        {
            "kind": "child",
            "name": "Leo Hughes",
            **date_fields("date_of_birth", 9, 1, 2014),
            "school": "Hill Academy",
            "young_carer": "yes",
        },
    )
    assert child.status_code == 302
    unborn = sam.post(
        f"{new_case}/members/new",
        {"kind": "unborn", "name": "Baby Hughes", **date_fields("expected_due_date", 1, 5, 2027)},
    )
    assert unborn.status_code == 302
    page = text_of(sam.get(new_case))
    for shown in ("Kerry Hughes", "Quay Surgery", "Domestic abuse", "Isolation", "Hill Academy"):
        assert shown in page
    assert "Young carer" in page and "Due 1 May 2027" in page and "Record the birth" in page
    leo = member_named(app, "Leo Hughes")
    assert (leo.kind, leo.young_carer, leo.school) == ("child", True, "Hill Academy")
    added = history(app, NEW_CASE, "family_member_added")
    assert [event.details["about"] for event in added] == [
        "Kerry Hughes (adult)",
        "Leo Hughes (child)",
        "Baby Hughes (unborn baby)",
    ]


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"kind": "unborn", "name": "Baby A"}, "expected_due_date", "Enter the expected due date"),
        (
            {"kind": "unborn", "name": "Baby A", **date_fields("date_of_birth", 1, 1, 2026)},
            "date_of_birth",
            "An unborn baby has no date of birth",
        ),
        ({"kind": "adult", "name": "Al", "young_carer": "yes"}, "young_carer", "Only a child"),
        (
            {
                "kind": "unborn",
                "name": "Baby B",
                "gp": "Quay",
                **date_fields("expected_due_date", 1, 5, 2027),
            },
            "gp",
            "An unborn baby has no GP yet",
        ),
        (
            {"kind": "child", "name": "Cy", "vulnerabilities": ["isolation"]},
            "vulnerabilities",
            "Choose the factors from the list",  # an adult's own factor, on a child
        ),
        (
            {"kind": "child", "name": "Cy", **date_fields("date_of_birth", 31, 2, 2015)},
            "date_of_birth",
            "as a real date",
        ),
        ({"kind": "", "name": "Di"}, "kind", "Choose an adult, a child or an unborn baby"),
    ],
)
def test_a_member_that_does_not_fit_their_kind_is_refused_clearly(sam, typed, field, message):
    refused = sam.post(f"/cases/{DEMO_CASE}/members/new", typed)
    page = text_of(refused)
    assert refused.status_code == 422
    assert message in page and f'href="#{field}' in page
    assert typed["name"] in page  # what was typed is kept


def test_who_cares_for_whom_is_recorded_with_what_the_care_is(app, sam):
    ruby, jade = member_named(app, "Ruby Taylor"), member_named(app, "Jade Taylor")
    case = f"/cases/{DEMO_CASE}"
    same = sam.post(f"{case}/caring", {"carer": ruby.id, "cared_for": ruby.id, "care": "x"})
    assert same.status_code == 422 and "Choose someone other than the carer" in text_of(same)
    blank = sam.post(f"{case}/caring", {"carer": jade.id, "cared_for": ruby.id, "care": ""})
    assert blank.status_code == 422 and "Say what the care is" in text_of(blank)
    done = sam.post(
        f"{case}/caring", {"carer": jade.id, "cared_for": ruby.id, "care": "Takes her to school"}
    )
    assert done.status_code == 302
    page = text_of(sam.get(case))
    assert "Jade Taylor cares for Ruby Taylor: Takes her to school" in page
    assert "Ruby Taylor cares for Jade Taylor" in page  # the demo's young carer
    [event] = history(app, DEMO_CASE, "caring_relationship_added")
    assert event.details == {
        "about": "Jade Taylor cares for Ruby Taylor",
        "care": "Takes her to school",
    }


def test_a_child_is_never_a_protective_factor(app, sam, api):
    ruby, jade = member_named(app, "Ruby Taylor"), member_named(app, "Jade Taylor")
    case = f"/cases/{DEMO_CASE}"
    refused = sam.post(f"{case}/protective", {"description": "Ruby is sensible", "member": ruby.id})
    assert refused.status_code == 422
    assert CHILD_NOT_PROTECTIVE in text_of(refused) and "Ruby is sensible" in text_of(refused)
    by_api = api(
        "POST",
        f"/api/v1{case}/protective-factors",
        "pat",
        json={"description": "Ruby calls for help", "member": ruby.id},
    )
    assert by_api.status_code == 422
    assert by_api.get_json()["error"]["details"] == {"member": CHILD_NOT_PROTECTIVE}
    kept = sam.post(
        f"{case}/protective", {"description": "Engages with midwife", "member": jade.id}
    )
    assert kept.status_code == 302
    assert "Engages with midwife (Jade Taylor)" in text_of(sam.get(case))
    assert len(history(app, DEMO_CASE, "protective_factor_added")) == 1


def test_the_birth_of_an_unborn_baby_keeps_the_record_as_a_child(app, sam):
    baby = member_named(app, "Baby Taylor")
    url = f"/cases/{DEMO_CASE}/members/{baby.id}/birth"
    assert "was due on 15 April 2027" in text_of(sam.get(url))
    future = sam.post(url, {"version": baby.version, **date_fields("date_of_birth", 1, 1, 2027)})
    assert future.status_code == 422 and "today or in the past" in text_of(future)
    born = sam.post(
        url,
        {
            "version": baby.version,
            "name": "Mia Taylor",
            **date_fields("date_of_birth", 20, 11, 2026),
        },
    )
    assert born.status_code == 302
    child = member_named(app, "Mia Taylor")
    assert child.id == baby.id and child.kind == "child"
    assert (str(child.date_of_birth), str(child.expected_due_date)) == ("2026-11-20", "2027-04-15")
    [event] = history(app, DEMO_CASE, "baby_born")
    assert {"field": "Who", "before": "Unborn baby", "after": "Child"} in event.details["changes"]
    edited = sam.post(
        f"/cases/{DEMO_CASE}/members/{baby.id}",
        {
            "version": child.version,
            "name": "Mia Taylor",
            **date_fields("date_of_birth", 20, 11, 2026),
            "school": "Bay Nursery",
        },
    )
    assert edited.status_code == 302
    assert str(member_named(app, "Mia Taylor").expected_due_date) == "2027-04-15"
    page = text_of(sam.get(f"/cases/{DEMO_CASE}"))
    assert "Baby born: Baby Taylor" in page and "Born 20 November 2026" in page
    assert "Who: Unborn baby → Child" in page


def test_every_change_is_on_the_case_history_in_words(app, web, sam):
    jade = member_named(app, "Jade Taylor")
    url = f"/cases/{DEMO_CASE}/members/{jade.id}"
    form = text_of(sam.get(url))
    assert 'value="Jade Taylor"' in form and 'value="1996"' in form
    changed = sam.post(
        url,
        {
            "version": jade.version,
            "name": "Jade Taylor",
            "relationship": "Mother",
            **date_fields("date_of_birth", 14, 2, 1996),
            "gp": "Harbour Medical Practice",
            "vulnerabilities": ["parental-mental-ill-health", "self-neglect"],
        },
    )
    assert changed.status_code == 302
    [event] = history(app, DEMO_CASE, "family_member_changed")
    assert event.actor == "sam" and event.details["about"] == "Jade Taylor"
    assert event.details["changes"] == [
        {"field": "GP", "before": "not recorded", "after": "Harbour Medical Practice"},
        {
            "field": "Vulnerability factors",
            "before": "Parental or familial mental ill-health, Substance misuse",
            "after": "Parental or familial mental ill-health, Self-neglect",
        },
    ]
    timeline = text_of(sam.get(f"/cases/{DEMO_CASE}")).split("Timeline", 1)[1]
    assert "Family member changed: Jade Taylor" in timeline
    assert "GP: not recorded → Harbour Medical Practice" in timeline
    assert "self-neglect" not in timeline and "family_member" not in timeline
    trail = text_of(web("cal").get(f"/cases/{DEMO_CASE}/access"))  # who has seen (and changed)
    assert "Family member changed: Jade Taylor" in trail


def test_the_processes_still_read_the_household_factors_only(app):
    engine = engine_of(app)
    jade = member_named(app, "Jade Taylor")
    data = {"name": "Jade Taylor", "vulnerabilities": ["substance-misuse", "isolation"]}
    engine.change_member(DEMO_CASE, jade.id, data, person(engine, "sam"))
    with engine.db.reading() as session:
        case = session.scalars(select(FamilyCase).where(FamilyCase.reference == DEMO_CASE)).one()
        facts = case_variables(session, case, "unborn", None)
    assert facts["adult_vulnerabilities"] == ["domestic-abuse", "substance-misuse"]
    assert str(facts["expected_due_date"]) == "2027-04-15"


def test_a_stale_page_is_refused_clearly_and_loses_nothing(app, web, sam):
    ruby = member_named(app, "Ruby Taylor")
    url = f"/cases/{DEMO_CASE}/members/{ruby.id}"
    pat = web("pat")
    old_version = re.search(r'name="version" value="(\d+)"', text_of(sam.get(url))).group(1)
    pat.get(url)
    first = pat.post(
        url, {"version": old_version, "name": "Ruby Taylor", "school": "Cliff Primary"}
    )
    assert first.status_code == 302
    stale = sam.post(
        url, {"version": old_version, "name": "Ruby Taylor", "school": "Sam's typed school"}
    )
    page = text_of(stale)
    assert stale.status_code == 409
    assert "Someone else changed Ruby Taylor&#39;s details after you opened this page" in page
    assert "Recorded now" in page and "Cliff Primary" in page  # what pat saved
    assert "Sam&#39;s typed school" in page  # what sam typed is still in the form
    assert member_named(app, "Ruby Taylor").school == "Cliff Primary"
    again = sam.post(url, {"version": ruby.version + 1, "name": "Ruby Taylor", "school": "Bay"})
    assert again.status_code == 302


def test_a_stale_case_details_page_keeps_the_typing_and_saves_on_the_second_try(app, web, sam):
    url = f"/cases/{DEMO_CASE}/details"
    old_version = re.search(r'name="version" value="(\d+)"', text_of(sam.get(url))).group(1)
    first = web("pat").post(url, {"version": old_version, "family_name": "Taylor-Ross"})
    assert first.status_code == 302
    stale = sam.post(url, {"version": old_version, "family_name": "Tailor", "summary": "Typed"})
    page = text_of(stale)
    assert stale.status_code == 409 and "Typed" in page and 'value="Tailor"' in page
    newer = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert newer != old_version  # saving again, having seen the refusal, is deliberate
    again = sam.post(url, {"version": newer, "family_name": "Tailor", "summary": "Typed"})
    assert again.status_code == 302


def test_a_refused_close_keeps_the_reason_typed(web):
    refused = web("pat").post(f"/cases/{DEMO_CASE}/close", {"reason": "Family moved to Leeds"})
    assert refused.status_code == 409
    assert "Family moved to Leeds</textarea>" in text_of(refused)


def test_removing_a_member_takes_their_caring_and_protective_records_with_them(app, sam, api):
    ruby = member_named(app, "Ruby Taylor")
    stale = api(
        "DELETE", f"/api/v1/cases/{DEMO_CASE}/members/{ruby.id}", "sam", json={"version": 99}
    )
    assert stale.status_code == 409
    removed = sam.post(f"/cases/{DEMO_CASE}/members/{ruby.id}/remove", {"version": ruby.version})
    assert removed.status_code == 302
    page = text_of(sam.get(f"/cases/{DEMO_CASE}"))
    assert "No caring relationship recorded." in page
    [event] = history(app, DEMO_CASE, "family_member_removed")
    assert event.details["about"] == "Ruby Taylor" and event.details["also_removed"]
    assert {"field": "School", "before": "Bay Primary School", "after": "not recorded"} in (
        event.details["changes"]
    )


def test_the_subject_of_a_running_process_stays_on_the_case_until_it_ends(app, sam, api):
    kai, grace = member_named(app, "Kai Okafor"), member_named(app, "Grace Okafor")
    engine = engine_of(app)
    ref = engine.start_on_case("return-home", LOOKED_AFTER_CASE, actor_of(app, "sam"))
    case = f"/cases/{LOOKED_AFTER_CASE}"
    refused = sam.post(f"{case}/members/{kai.id}/remove", {"version": kai.version})
    assert refused.status_code == 302  # back to Kai's page, saying why
    assert refused.headers["Location"].endswith(f"{case}/members/{kai.id}")
    said = text_of(sam.get(refused.headers["Location"]))
    assert "Kai Okafor is the subject of 1 process still running on this case" in said
    by_api = api("DELETE", f"/api/v1{case}/members/{kai.id}", "sam", json={"version": 1})
    assert (
        by_api.status_code == 409
        and "finish or withdraw it" in by_api.get_json()["error"]["message"]
    )
    assert member_named(app, "Kai Okafor").id == kai.id  # nothing removed
    assert history(app, LOOKED_AFTER_CASE, "family_member_removed") == []
    # work about Kai that another agency holds is refused without a number or a name
    with engine.db.unit_of_work() as session:
        session.get(ProcessInstance, ref.id).held_by = "police"
    hidden = api("DELETE", f"/api/v1{case}/members/{kai.id}", "sam", json={"version": 1})
    said = hidden.get_json()["error"]["message"]
    assert hidden.status_code == 409
    assert said == "Kai Okafor cannot be removed while work about them is still open"
    with engine.db.unit_of_work() as session:
        session.get(ProcessInstance, ref.id).held_by = None
    # another member of the case is not what the process is about
    removed = sam.post(f"{case}/members/{grace.id}/remove", {"version": grace.version})
    assert removed.status_code == 302
    engine.cancel(ref.id, actor_of(app, "sam"), reason="Plan changed")
    again = sam.post(f"{case}/members/{kai.id}/remove", {"version": kai.version})
    assert again.status_code == 302
    removals = history(app, LOOKED_AFTER_CASE, "family_member_removed")
    assert [event.details["about"] for event in removals] == ["Grace Okafor", "Kai Okafor"]


def test_a_process_about_a_member_no_longer_on_the_case_does_not_start(app):
    """``start_on_case`` finds the member in one transaction and starts in another: the start
    checks, under the case's lock, that they are still there (a removal between is refused)."""
    engine, sam = engine_of(app), actor_of(app, "sam")
    someone_elses = member_named(app, "Ruby Taylor")  # on the other case
    facts = {"subject_id": someone_elses.id}
    with pytest.raises(InvalidSubmission, match="subject"):
        engine.start(
            "return-home",
            facts,
            case_ref=LOOKED_AFTER_CASE,
            actor=sam,
            subject_id=facts["subject_id"],
        )
    with engine.db.reading() as session:
        assert (
            session.scalars(select(ProcessInstance.subject_id)).all().count(someone_elses.id) == 0
        )


def test_migration_0023_finds_the_subject_of_instances_started_before_it(app):
    """Down to 0022 (the column goes) and up again: the subject comes back from saved state."""
    engine = engine_of(app)
    kai = member_named(app, "Kai Okafor")
    about_kai = engine.start_on_case("return-home", LOOKED_AFTER_CASE, actor_of(app, "sam"))
    with engine.db.reading() as session:
        not_about_one = session.scalars(
            select(ProcessInstance.id).where(ProcessInstance.case_ref == DEMO_CASE)
        ).all()
    down_and_up(engine, "0022")
    with engine.db.reading() as session:
        subjects = dict(
            session.execute(select(ProcessInstance.id, ProcessInstance.subject_id)).all()
        )
    assert subjects[about_kai.id] == kai.id
    assert not_about_one and {subjects[i] for i in not_about_one} == {None}
    with pytest.raises(Conflict, match="Kai Okafor is the subject of 1 process"):
        engine.remove_member(LOOKED_AFTER_CASE, kai.id, {"version": 1}, actor_of(app, "sam"))


def test_the_api_edits_the_family_with_versions(app, api):
    case = f"/api/v1/cases/{DEMO_CASE}"
    made = api(
        "POST", f"{case}/members", "pat",
        json={"kind": "unborn", "name": "Baby Two", "expected_due_date": "2027-09-01"},
    )  # fmt: skip
    assert made.status_code == 201
    baby = made.get_json()
    assert (baby["kind"], baby["expected_due_date"], baby["version"]) == ("unborn", "2027-09-01", 1)
    bad = api("POST", f"{case}/members", "pat", json={"kind": "unborn", "name": "Baby Three"})
    assert bad.status_code == 422
    assert bad.get_json()["error"]["details"]["expected_due_date"].startswith("Enter the")
    born = api(
        "POST", f"{case}/members/{baby['id']}/birth", "pat",
        json={"date_of_birth": "2026-11-22", "version": 1},
    )  # fmt: skip
    assert born.status_code == 200 and born.get_json()["kind"] == "child"
    stale = api("PATCH", f"{case}/members/{baby['id']}", "pat", json={"name": "Zoe", "version": 1})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_record"
    shown = api("GET", case, "pat").get_json()
    assert shown["protective_factors"][0]["description"].startswith("Maternal grandmother")
    assert any(m["young_carer"] for m in shown["members"]) and shown["caring"]
    details = api(
        "PATCH", case, "pat", json={"family_name": "Taylor-Brooks", "version": shown["version"]}
    )
    assert details.status_code == 200 and details.get_json()["family_name"] == "Taylor-Brooks"
    [event] = history(app, DEMO_CASE, "case_details_changed")
    assert event.details["changes"] == [  # a PATCH keeps what it does not send
        {"field": "Family name", "before": "Taylor", "after": "Taylor-Brooks"}
    ]
    renamed = api(
        "PATCH", f"{case}/members/{baby['id']}", "pat", json={"name": "Zoe Taylor", "version": 2}
    ).get_json()
    assert (renamed["name"], renamed["date_of_birth"]) == ("Zoe Taylor", "2026-11-22")
    assert renamed["expected_due_date"] == "2027-09-01"  # a born baby's record keeps it


# --- closing and reopening ---------------------------------------------------------------


def test_a_case_closes_with_a_reason_once_no_process_runs_on_it(app, web, sam):
    running = web("pat").post(f"/cases/{DEMO_CASE}/close", {"reason": "Family moved away"})
    assert running.status_code == 409 and "1 process is still running" in text_of(running)
    case = f"/cases/{LOOKED_AFTER_CASE}"
    assert web("mia").post(f"{case}/close", {"reason": "x"}).status_code == 403  # not named
    no_reason = sam.post(f"{case}/close", {"reason": ""})
    assert no_reason.status_code == 422 and "Say why" in text_of(no_reason)
    assert sam.post(f"{case}/close", {"reason": "Kai is settled at home"}).status_code == 302
    page = text_of(sam.get(case))
    assert "Closed" in page and "Reopen the case" in page and "Add a family member" not in page
    assert "Case closed" in page and "Reason: Kai is settled at home" in page
    refused = sam.post(f"{case}/members/new", {"kind": "adult", "name": "Late Addition"})
    assert refused.status_code == 409 and "is closed: reopen it" in text_of(refused)
    assert "return-home" in [
        p.key for p in engine_of(app).startable_processes(actor_of(app, "sam"))
    ]
    assert f"{case}/start/" not in sam.get(case).get_data(as_text=True)
    with pytest.raises(Conflict, match="is closed: reopen it to start a process"):
        engine_of(app).start_on_case("return-home", LOOKED_AFTER_CASE, actor_of(app, "sam"))
    assert sam.post(f"{case}/reopen", {"reason": "New concerns"}).status_code == 302
    with engine_of(app).db.reading() as session:
        reopened = session.scalars(
            select(FamilyCase).where(FamilyCase.reference == LOOKED_AFTER_CASE)
        ).one()
    assert (reopened.status, reopened.closed_at) == ("open", None)
    assert [e.actor for e in history(app, LOOKED_AFTER_CASE, "case_closed")] == ["sam"]


# --- who may see and change ---------------------------------------------------------------


def test_another_agency_gets_404_for_view_edit_and_nothing_in_search(app, web, api):
    ash, jade = web("ash"), member_named(app, "Jade Taylor")
    case = f"/cases/{DEMO_CASE}"
    for url in (case, f"{case}/details", f"{case}/members/new", f"{case}/members/{jade.id}",
                f"{case}/caring", f"{case}/protective"):  # fmt: skip
        assert ash.get(url).status_code == 404, url
    for url, data in (
        (f"{case}/members/{jade.id}", {"name": "Changed", "version": jade.version}),
        (f"{case}/members/new", {"kind": "adult", "name": "Intruder"}),
        (f"{case}/close", {"reason": "Not mine"}),
        (f"{case}/details", {"family_name": "Changed"}),
    ):
        assert ash.post(url, data).status_code == 404, url
    assert api("PATCH", f"/api/v1{case}", "ash", json={"family_name": "X"}).status_code == 404
    assert "DEMO-001" not in text_of(ash.get("/cases?q=taylor"))
    assert "No case you may see matches" in text_of(ash.get("/cases?q=taylor"))
    refs = [c["reference"] for c in api("GET", "/api/v1/cases?q=DEMO", "ash").get_json()["cases"]]
    assert refs == [LOOKED_AFTER_CASE]
    assert member_named(app, "Jade Taylor").name == "Jade Taylor"


def test_search_by_reference_family_or_member_name_partly_and_in_any_case(web, api):
    pat = web("pat")
    assert LOOKED_AFTER_CASE in text_of(pat.get("/cases?q=demo-002"))
    by_member = text_of(pat.get("/cases?q=rUbY"))
    assert DEMO_CASE in by_member and LOOKED_AFTER_CASE not in by_member
    by_family = [
        c["reference"] for c in api("GET", "/api/v1/cases?q=OKAF", "pat").get_json()["cases"]
    ]
    assert by_family == [LOOKED_AFTER_CASE]
    everything = api("GET", "/api/v1/cases", "pat").get_json()
    assert [c["reference"] for c in everything["cases"]] == [LOOKED_AFTER_CASE, DEMO_CASE]
    assert everything["has_next"] is False
    assert api("GET", "/api/v1/cases?q=%25", "pat").get_json()["cases"] == []  # % is literal


def test_search_pages_through_many_cases(app, web):
    engine, sam = engine_of(app), person(engine_of(app), "sam")
    for number in range(26):
        engine.open_case({"family_name": f"Family {number:02d}"}, sam)
    client = web("sam")
    first = text_of(client.get("/cases?q=family"))
    assert "Family 25" in first and "Family 00" not in first and "Next" in first
    second = text_of(client.get("/cases?q=family&page=2"))
    assert "Family 00" in second and "Previous" in second


def test_the_member_form_is_a_look_at_the_case(app, sam):
    jade = member_named(app, "Jade Taylor")
    sam.get(f"/cases/{DEMO_CASE}/members/{jade.id}")
    with engine_of(app).db.reading() as session:
        looks = session.scalars(select(AccessEvent.what).where(AccessEvent.actor == "sam"))
        assert "Family member Jade Taylor" in list(looks)


def test_an_administrator_creates_a_case_for_an_agency_in_the_browser(app, web):
    admin = web("admin")
    form = text_of(admin.get("/cases/new"))
    assert "Agency that holds the case" in form and "Case reference (optional)" in form
    missing = admin.post("/cases/new", {"family_name": "Khan", "case_type": "adult"})
    assert missing.status_code == 422 and "Choose the agency that will hold the case" in (
        text_of(missing)
    )
    made = admin.post(
        "/cases/new", {"family_name": "Khan", "case_type": "adult", "agency": "adult-social-care"}
    )
    assert made.status_code == 302 and made.headers["Location"].endswith("/cases")
    assert f"Case {NEW_CASE} is created" in text_of(admin.get("/cases"))
    assert admin.get(f"/cases/{NEW_CASE}").status_code == 404  # the partnership's, unseen
    assert NEW_CASE in text_of(web("ash").get("/cases?q=khan"))  # the agency that holds it


def test_removing_a_caring_relationship_or_protective_factor_and_reopening_are_on_the_history(
    app, sam
):
    from engine.casework.models import CaringRelationship, ProtectiveFactor

    with engine_of(app).db.reading() as session:
        caring = session.scalars(select(CaringRelationship)).first()
        protective = session.scalars(select(ProtectiveFactor)).first()
    case = f"/cases/{DEMO_CASE}"
    assert sam.post(f"{case}/caring/{caring.id}/remove").status_code == 302
    assert sam.post(f"{case}/protective/{protective.id}/remove").status_code == 302
    [caring_gone] = history(app, DEMO_CASE, "caring_relationship_removed")
    assert caring_gone.actor == "sam"
    assert caring_gone.details["about"] == "Ruby Taylor cares for Jade Taylor"
    [protective_gone] = history(app, DEMO_CASE, "protective_factor_removed")
    assert protective_gone.details["about"].startswith("Maternal grandmother")
    page = text_of(sam.get(case))
    assert "Caring relationship removed: Ruby Taylor cares for Jade Taylor" in page
    looked_after = f"/cases/{LOOKED_AFTER_CASE}"
    assert sam.post(f"{looked_after}/close", {"reason": "Kai is settled"}).status_code == 302
    assert sam.post(f"{looked_after}/reopen", {"reason": "A new referral"}).status_code == 302
    [reopened] = history(app, LOOKED_AFTER_CASE, "case_reopened")
    assert (reopened.actor, reopened.details["reason"]) == ("sam", "A new referral")

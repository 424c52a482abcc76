"""Named workers on a case (issue 13): a person of an involved agency is named on the case and
later removed, with who, when and why recorded, from the case page, the API and the CLI.

Real demo people on DEMO-001: sam (children's social care), pat (adult mental health) and dan
(drug and alcohol) are named when the demo loads; amy (adult mental health manager) and mia
(MASH) are not; pc (police) and ash (adult social care) work for agencies not involved; cal
(children's social care manager) and mia may change involvement, pat and sam may not.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine import queries
from engine.actors import Actor
from engine.cases import CaseInvolvement
from engine.demo import DEMO_CASE
from engine.errors import InvalidSubmission
from engine.involvement.models import InvolvementPeriod
from webapp import engine_of
from webapp.cli import main

CASE = f"/cases/{DEMO_CASE}"
WORKERS = f"/api/v1{CASE}/involvement"


@pytest.fixture
def engine_(app):
    return engine_of(app)


def name(client, worker: str, reason: str = "Manager overseeing the plan"):
    return client.post(f"{CASE}/involvement/workers", {"worker": worker, "reason": reason})


def unname(client, agency: str, worker: str, reason: str = "Moved to another team"):
    return client.post(f"{CASE}/involvement/{agency}/workers/{worker}/leave", {"reason": reason})


def periods(engine, username: str) -> list[InvolvementPeriod]:
    with engine.db.reading() as session:
        query = select(InvolvementPeriod).where(InvolvementPeriod.worker_username == username)
        return list(session.scalars(query.order_by(InvolvementPeriod.id)))


def rows_of(engine, agency: str) -> list[tuple[str, str | None]]:
    with engine.db.reading() as session:
        query = select(CaseInvolvement).where(
            CaseInvolvement.case_ref == DEMO_CASE, CaseInvolvement.agency == agency
        )
        return [(row.agency, row.worker_username) for row in session.scalars(query)]


def involvement_events(engine) -> list[tuple[str, str, dict]]:
    with engine.db.reading() as session:
        return [
            (e.event_type, e.actor, e.details)
            for e in queries.case_timeline(session, DEMO_CASE)
            if e.event_type.startswith("involvement_")
        ]


def test_a_worker_is_named_and_removed_from_the_case_page_with_who_when_and_why(
    web, engine_, clock
):
    cal = web("cal")
    named = name(cal, "amy")
    assert named.status_code == 302 and named.headers["Location"].endswith(CASE)
    page = cal.get(CASE).get_data(as_text=True)
    assert "Adult mental health: Pat Practitioner, Amy Manager" in page
    assert "Amy Manager is now named on this case." in page
    [period] = periods(engine_, "amy")
    assert (period.agency, period.worker_name, period.joined_by) == (
        "adult-mental-health",
        "Amy Manager",
        "cal",
    )
    assert period.join_reason == "Manager overseeing the plan" and period.left_at is None
    clock.set("2026-11-24T10:30:00+00:00")
    assert unname(cal, "adult-mental-health", "amy").status_code == 302
    [period] = periods(engine_, "amy")
    assert (period.left_by, period.leave_reason) == ("cal", "Moved to another team")
    assert period.left_at.isoformat() == "2026-11-24T10:30:00+00:00"
    assert rows_of(engine_, "adult-mental-health") == [("adult-mental-health", "pat")]
    joined, left = involvement_events(engine_)
    assert joined == (
        "involvement_joined",
        "cal",
        {
            "agency": "adult-mental-health",
            "reason": "Manager overseeing the plan",
            "via": "web",
            "worker_username": "amy",
            "worker_name": "Amy Manager",
        },
    )
    assert left[:2] == ("involvement_left", "cal") and left[2]["worker_username"] == "amy"
    assert left[2]["reason"] == "Moved to another team"
    access = cal.get(f"{CASE}/access").get_data(as_text=True)
    assert "Involvement joined" in access and "Involvement left" in access


def test_removing_the_only_named_worker_keeps_the_agency_involved(web, engine_):
    left = unname(web("mia"), "drug-and-alcohol", "dan", "Dan has left the service")
    assert left.status_code == 302
    assert rows_of(engine_, "drug-and-alcohol") == [("drug-and-alcohol", None)]
    with engine_.db.reading() as session:
        [agency_only] = session.scalars(
            select(InvolvementPeriod).where(
                InvolvementPeriod.agency == "drug-and-alcohol",
                InvolvementPeriod.left_at.is_(None),
            )
        )
    assert agency_only.worker_username is None and agency_only.joined_by == "mia"
    assert agency_only.join_reason == "Stays involved after Dan Recovery Worker left the case"
    dan = web("dan")
    assert dan.get(CASE).status_code == 200  # the agency still sees the case
    page = dan.get(CASE).get_data(as_text=True)
    assert "<li>Drug and alcohol service</li>" in page


def options(html: str) -> set[str]:
    select_ = re.search(r'<select[^>]*name="worker".*?</select>', html, re.S).group(0)
    return set(re.findall(r'<option value="([^"]+)"', select_))


def test_the_form_offers_only_active_people_of_involved_agencies_not_yet_named(web, engine_):
    offered = options(web("cal").get(CASE).get_data(as_text=True))
    assert {"amy", "mia", "cal", "hos", "sen"} <= offered  # CSC and AMH people not yet named
    assert not offered & {"sam", "pat", "dan", "eve"}  # named when the demo loaded
    assert not offered & {"pc", "ash", "ella", "chair", "admin"}  # agencies not involved
    engine_.deactivate("amy")
    assert "amy" not in options(web("cal").get(CASE).get_data(as_text=True))
    assert 'name="worker"' not in web("pat").get(CASE).get_data(as_text=True)  # may not change


@pytest.mark.parametrize(
    ("worker", "message"),
    [
        ("nobody", "No one has the username &#39;nobody&#39;"),
        ("pc", "Police is not involved in this case: involve the agency first"),
        ("pat", "Pat Practitioner is already named on this case"),
        ("", "Choose the person to name on the case"),
    ],
)
def test_the_page_refuses_anyone_but_a_person_of_an_involved_agency(web, worker, message):
    response = name(web("cal"), worker)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_the_engine_refuses_an_inactive_user_another_agency_s_user_and_no_reason(engine_):
    engine_.deactivate("amy")
    mia = Actor("mia", frozenset({"mash"}), agency="childrens-social-care")
    refusals = [
        (("amy", "Oversight"), {}, "Amy Manager's account is not active"),
        (("sam", "Key worker"), {"agency": "drug-and-alcohol"}, "Sam Social Worker works for"),
        (("mia", "  "), {}, None),
    ]
    for (username, reason), extra, message in refusals:
        with pytest.raises(InvalidSubmission) as refused:
            engine_.name_worker(DEMO_CASE, username, reason, mia, **extra)
        field = "worker" if message else "reason"
        assert list(refused.value.errors) == [field]
        assert message is None or refused.value.errors["worker"].startswith(message)
    assert periods(engine_, "amy") == [] and periods(engine_, "mia") == []


@pytest.mark.parametrize(("username", "status"), [("pat", 403), ("sam", 403), ("ash", 404)])
def test_only_those_who_change_involvement_name_workers(web, api, username, status):  # noqa: F811
    client = web(username)
    assert name(client, "amy").status_code == status
    assert unname(client, "drug-and-alcohol", "dan").status_code == status
    body = {"worker": "amy", "reason": "Oversight"}
    url = f"{WORKERS}/adult-mental-health/workers"
    assert api("POST", url, username, json=body).status_code == status


def test_the_api_names_lists_and_removes_workers(api, engine_):  # noqa: F811
    url = f"{WORKERS}/adult-mental-health/workers"
    added = api("POST", url, "mia", json={"worker": "amy", "reason": "Oversight"})
    assert added.status_code == 201
    [amy] = [p for p in added.get_json()["involvement"] if p["worker_username"] == "amy"]
    assert (amy["agency"], amy["worker"], amy["joined_by"]) == (
        "adult-mental-health",
        "Amy Manager",
        "mia",
    )
    again = api("POST", url, "mia", json={"worker": "amy", "reason": "Oversight"})
    assert again.status_code == 422
    assert again.get_json()["error"]["details"] == {
        "worker": "Amy Manager is already named on this case"
    }
    other = api("POST", url, "mia", json={"worker": "sam", "reason": "Lead"})
    assert other.status_code == 422
    assert other.get_json()["error"]["details"]["worker"] == (
        "Sam Social Worker works for Children's social care, not Adult mental health"
    )
    assert api("POST", url, "mia", json={"worker": "amy"}).status_code == 422  # no reason
    gone = api("DELETE", f"{url}/amy", "mia", json={"reason": "Handed over"})
    assert gone.status_code == 200
    [amy] = [p for p in gone.get_json()["involvement"] if p["worker_username"] == "amy"]
    assert (amy["left_by"], amy["leave_reason"]) == ("mia", "Handed over")
    assert api("POST", f"{url}/amy/leave", "mia", json={"reason": "x"}).status_code == 409
    case = api("GET", f"/api/v1{CASE}", "mia").get_json()
    assert {
        "agency": "adult-mental-health",
        "worker": "Pat Practitioner",
        "worker_username": "pat",
    } in case["agencies"]
    assert rows_of(engine_, "adult-mental-health") == [("adult-mental-health", "pat")]


def test_the_cli_names_and_removes_a_worker(database_url):
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, ["--database", database_url, *args], catch_exceptions=False)

    assert run("demo").exit_code == 0
    named = run("involve", DEMO_CASE, "adult-mental-health", "--worker", "amy", "--reason", "Lead")
    assert named.exit_code == 0 and "Amy Manager (adult-mental-health) is now named" in named.output
    refused = run("involve", DEMO_CASE, "adult-mental-health", "--worker", "sam", "--reason", "x")
    assert refused.exit_code == 1 and "Sam Social Worker works for" in refused.output
    removed = run(
        "release", DEMO_CASE, "adult-mental-health", "--worker", "amy", "--reason", "Done"
    )
    assert removed.exit_code == 0
    assert "Amy Manager is no longer named on DEMO-001; adult-mental-health stays" in removed.output
    again = run("release", DEMO_CASE, "adult-mental-health", "--worker", "amy", "--reason", "Done")
    assert again.exit_code == 1 and "not named on this case" in again.output

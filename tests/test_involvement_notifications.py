"""Notifications follow involvement (issue 13): a group notification on a case reaches the
people of an agency involved when it is delivered, by email (a real SMTP server on loopback,
aiosmtpd) and in the app, and nobody of an agency that left before delivery. The
immediate-risk branch of a professional difference reaches MASH on a case without children's
social care: the act-now task in the MASH worker's inbox and an urgent email straight away.

Real demo people of real agencies: cal (children's social care manager), ash (adult social
care, not on DEMO-001), eve (education, on DEMO-001), mia (MASH, children's social care), pat
(adult mental health).
"""

from __future__ import annotations

from engine.actors import Actor
from engine.demo import DEMO_CASE
from notifications.service import Notifications
from webapp import engine_of

from .test_involvement import engine_, involve, start_task_for  # noqa: F401 - a fixture too
from .test_notifications import jobs, smtp  # noqa: F401 - fixtures
from .test_professional_differences import DIFFERENCE

CASE = f"/cases/{DEMO_CASE}"
WAITING = "A task is waiting for your team"
ACT_NOW_TASK = "Act now under child protection procedures"
ACT_NOW_ALERT = f"URGENT: {WAITING}"
PD = "professional-differences"


def notes(app) -> Notifications:
    engine = engine_of(app)
    return Notifications(engine.db, engine.clock)


def emails(smtp, username: str) -> list:  # noqa: F811 - the smtp fixture
    return smtp.inbox.to(f"{username}@joinedup.test")


def test_a_group_notification_reaches_an_agency_added_mid_case(app, web, engine_, jobs, smtp):  # noqa: F811
    start_task_for(engine_, "adult-social-care:practitioner", "Check the care plan")
    assert jobs.deliver().errors == []
    assert emails(smtp, "ash") == [] and notes(app).recent("ash") == []  # not involved yet
    assert involve(web("cal"), "adult-social-care", "Mother has care needs").status_code == 302
    task_id = start_task_for(engine_, "adult-social-care:practitioner", "Assess the mother")
    assert jobs.deliver().errors == []
    [email] = emails(smtp, "ash")
    assert email["Subject"] == WAITING
    assert f"https://joinedup.example/tasks/{task_id}" in email.get_body(("plain",)).get_content()
    [in_app] = notes(app).recent("ash")
    assert (in_app.title, in_app.link) == (WAITING, f"/tasks/{task_id}")
    assert web("ash").get(in_app.link).status_code == 200


def test_an_agency_released_before_delivery_is_not_notified(app, web, engine_, jobs, smtp):  # noqa: F811
    start_task_for(engine_, "education:practitioner", "Write a school report")
    left = web("cal").post(f"{CASE}/involvement/education/leave", {"reason": "Left the school"})
    assert left.status_code == 302
    assert jobs.deliver().errors == []
    assert emails(smtp, "eve") == [] and notes(app).recent("eve") == []
    start_task_for(engine_, "adult-mental-health:practitioner", "Review the medication")
    jobs.deliver()
    assert WAITING in [m["Subject"] for m in emails(smtp, "pat")]  # still involved: notified


def test_immediate_risk_on_a_case_without_childrens_social_care_reaches_mash(
    app,
    web,
    engine_,  # noqa: F811
    api,  # noqa: F811
    jobs,  # noqa: F811
    smtp,  # noqa: F811
):
    notes(app).set_preferences("mia", {"task_available": "off"})  # urgent: sent all the same
    engine_.create_case(
        Actor.engine(),
        reference="ADULTS-1",
        family_name="Green",
        involvements=[
            {"agency": "adult-mental-health"},
            {"agency": "drug-and-alcohol", "worker_username": "dan"},
        ],
    )
    mia = web("mia")
    assert mia.get("/cases/ADULTS-1").status_code == 404
    started = api("POST", "/api/v1/cases/ADULTS-1/start", "pat", json={"process": PD})
    assert started.status_code == 201
    [describe] = started.get_json()["next_tasks"]
    risk = {
        **DIFFERENCE,
        "other_agency": "drug-and-alcohol",
        "other_practitioner": "dan",
        "immediate_risk": "yes",
        "raised_risk_to": "child",
        "raised_risk_who": "Ruby",
    }
    done = api("POST", f"/api/v1/tasks/{describe['id']}/complete", "pat", json={"variables": risk})
    assert done.status_code == 200, done.get_json()
    # straight away: one delivery run, nothing held for a summary
    report = jobs.deliver()
    assert report.errors == [] and report.digested == 0
    [alert] = [m for m in emails(smtp, "mia") if m["Subject"] == ACT_NOW_ALERT]
    assert alert["Importance"] == "high"
    body = alert.get_body(("plain",)).get_content()
    assert ACT_NOW_TASK in body and "ADULTS-1" in body
    # the act-now task in MASH's inbox, the page the email links to
    task_id = mia.task_id(ACT_NOW_TASK, tab="team")
    assert f"https://joinedup.example/tasks/{task_id}" in body
    assert mia.get(f"/tasks/{task_id}").status_code == 200
    assert mia.get("/cases/ADULTS-1").status_code == 200
    [in_app] = [n for n in notes(app).recent("mia") if n.title == ACT_NOW_ALERT]
    assert in_app.link == f"/tasks/{task_id}"
    timeline = engine_.case_timeline("ADULTS-1", Actor.engine())
    [joined] = [e for e in timeline if e.event_type == "involvement_joined"]
    assert (joined.actor, joined.element_id) == ("pat", "involve_mash")
    assert joined.details["agency"] == "childrens-social-care"
    assert joined.details["via"] == "process" and "immediate risk" in joined.details["reason"]

"""Urgent alerts (immediate risk, child protection, a professional difference raised) cannot be
silenced: they go by email and in the app straight away whatever a person chose, never wait for
the daily digest, and a backlog of routine notifications cannot hold them up.

Real demo people of real agencies, a real SMTP server on loopback (aiosmtpd), no mocks.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import InvalidDefinition
from notifications.models import NotificationPreference, OutboxNotification
from notifications.outbox import USER, enqueue
from notifications.service import InvalidPreference, Notifications
from webapp import engine_of

from .helpers import bpmn, flow, resource
from .test_notifications import actor, jobs, raise_difference, smtp  # noqa: F401 - fixtures

RAISED = "URGENT: A professional difference has been raised"
RISK = "URGENT: Immediate risk has been raised in a professional difference"
ACT_NOW = "URGENT: A task is waiting for your team"  # MASH "act now" under CP procedures


def notes(app) -> Notifications:
    engine = engine_of(app)
    return Notifications(engine.db, engine.clock)


def prefer(app, username: str, event_type: str, mode: str) -> None:
    """A preference row as an older release (or a hand edit) could have left it."""
    with engine_of(app).db.unit_of_work() as session:
        session.add(NotificationPreference(username=username, event_type=event_type, mode=mode))


def subjects(smtp, username: str) -> list[str]:  # noqa: F811 - the smtp fixture
    return [m["Subject"] for m in smtp.inbox.to(f"{username}@joinedup.test")]


@pytest.mark.parametrize("mode", ["off", "digest"])
def test_a_mash_act_now_alert_reaches_mash_at_once_whatever_they_chose(app, jobs, smtp, mode):  # noqa: F811
    notes(app).set_preferences("mia", {"task_available": mode})  # routine kinds may be silenced
    raise_difference(app, immediate_risk="yes", raised_risk_to="child", raised_risk_who="Ruby")
    report = jobs.deliver()
    assert report.errors == [] and report.digested == 0
    [email] = [m for m in smtp.inbox.to("mia@joinedup.test") if m["Subject"] == ACT_NOW]
    assert email["Importance"] == "high"
    assert "Act now under child protection procedures" in email.get_body(("plain",)).get_content()
    [in_app] = notes(app).recent("mia")
    assert in_app.title == ACT_NOW and in_app.link.startswith("/tasks/")


@pytest.mark.parametrize("mode", ["off", "digest"])
def test_a_difference_raised_ignores_an_off_or_digest_preference_left_in_the_database(
    app,
    jobs,  # noqa: F811
    smtp,  # noqa: F811
    mode,
):
    prefer(app, "amy", "difference_raised", mode)
    prefer(app, "cal", "difference_raised", mode)
    raise_difference(app)
    jobs.deliver()
    for manager in ("amy", "cal"):
        assert subjects(smtp, manager) == [RAISED]
        assert [n.title for n in notes(app).recent(manager)] == [RAISED]
    assert jobs.digest() == 0  # nothing was held back for the summary


def test_a_routine_notification_with_digest_waits_for_the_digest(app, jobs, smtp):  # noqa: F811
    notes(app).set_preferences("pat", {"task_assigned": "digest"})
    raise_difference(app)
    report = jobs.deliver()
    assert report.digested == 2  # pat's tasks: describe the difference, then stage 1
    assert subjects(smtp, "pat") == []
    assert subjects(smtp, "cal") == [RAISED]  # the urgent one did not wait
    assert jobs.digest() == 1
    [digest] = smtp.inbox.to("pat@joinedup.test")
    assert digest["Subject"] == "Your JoinedUp daily summary"
    assert "A task has been assigned to you" in digest.get_body(("plain",)).get_content()


def test_the_settings_page_shows_urgent_alerts_as_always_sent_immediately(app, web):
    cal = web("cal")
    page = cal.get("/notifications/settings").get_data(as_text=True)
    assert page.count("Always sent immediately") == 5
    for urgent in ("difference_raised", "child_protection_action", "pre_birth_referral"):
        assert f'name="{urgent}"' not in page  # no choice offered
    assert 'name="task_available"' in page and 'value="digest"' in page
    for mode in ("digest", "off"):
        refused = cal.post("/notifications/settings", {"difference_raised": mode})
        assert refused.status_code == 422
        assert "always sent straight away" in refused.get_data(as_text=True)
    saved = cal.post("/notifications/settings", {"task_available": "digest"})
    assert saved.status_code == 302
    assert notes(app).preferences("cal")["difference_raised"] == "immediately"
    with engine_of(app).db.reading() as session:
        stored = session.scalars(
            select(NotificationPreference.mode).where(
                NotificationPreference.username == "cal",
                NotificationPreference.event_type == "difference_raised",
            )
        ).all()
    assert stored == ["immediately"]


def test_the_service_refuses_to_delay_an_urgent_alert(app):
    with pytest.raises(InvalidPreference) as caught:
        notes(app).set_preferences("mia", {"child_protection_action": "digest"})
    assert "immediate safety" in caught.value.details["child_protection_action"]


def test_an_urgent_alert_after_500_routine_rows_goes_out_in_the_first_run(app, jobs, smtp, clock):  # noqa: F811
    engine = engine_of(app)
    with engine.db.unit_of_work() as session:
        for number in range(500):
            enqueue(
                session,
                recipients=[(USER, "pat")],
                template="plan_review",
                event_type="plan_review",
                now=clock.now(),
                context={"step": f"Review {number}"},
            )
    clock.advance(minutes=1)
    raise_difference(app, immediate_risk="yes", raised_risk_to="child", raised_risk_who="Ruby")
    first = jobs.delivery.run_once()  # one batch (a scheduler run drains batch after batch)
    assert first.sent == jobs.delivery.batch  # a full batch: the backlog is still there ...
    assert ACT_NOW in subjects(smtp, "mia")  # ... yet the urgent alerts went first
    # both agencies' managers: the difference, and the immediate risk raised with it
    assert subjects(smtp, "amy") == [RAISED, RISK] and subjects(smtp, "cal") == [RAISED, RISK]
    while jobs.deliver().sent:
        pass
    with engine.db.reading() as session:
        rows = session.scalars(
            select(OutboxNotification).where(OutboxNotification.recipient_kind == USER)
        ).all()
    assert {row.status for row in rows} == {"sent"}  # none lost ...
    keys = [m["X-JoinedUp-Notification-Id"] for m in smtp.inbox.messages]
    assert len(keys) == len(rows) == len(set(keys))  # ... none sent twice


def test_a_diagram_can_make_one_notification_urgent_and_a_mistyped_urgency_is_refused(
    app,
    jobs,  # noqa: F811
    smtp,  # noqa: F811
):
    engine = engine_of(app)

    def diagram(urgency: str) -> str:
        tell = (
            '<bpmn:sendTask id="tell" name="Tell the managers"><bpmn:extensionElements>'
            '<camunda:properties><camunda:property name="notify" value="manager"/>'
            '<camunda:property name="template" value="escalated"/>'
            f'<camunda:property name="notify_urgency" value="{urgency}"/>'
            "</camunda:properties></bpmn:extensionElements></bpmn:sendTask>"
        )
        body = '<bpmn:startEvent id="start"/>' + tell + '<bpmn:endEvent id="end"/>'
        text = bpmn("tell", body + flow("start", "tell") + flow("tell", "end"))
        starters = 'isExecutable="true" camunda:candidateStarterGroups="practitioner"'
        return text.replace('isExecutable="true"', starters)

    with pytest.raises(InvalidDefinition) as caught:
        engine.deploy([resource("tell.bpmn", diagram("urgnet"))])
    assert any("must be 'urgent' or 'routine'" in p.message for p in caught.value.problems)
    engine.deploy([resource("tell.bpmn", diagram("${'urgent' if True else 'routine'}"))])
    notes(app).set_preferences("amy", {"escalated": "digest"})  # statutory: a digest is allowed
    engine.start_on_case("tell", "DEMO-001", actor(app, "pat"))
    jobs.deliver()
    assert subjects(smtp, "amy") == ["URGENT: A professional difference has been escalated"]

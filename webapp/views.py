"""Template helpers: dates in UK time, due-date tags, names for codes."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app
from flask_login import current_user

from engine.admin_ops import PROCESS_OWNER_ROLES
from engine.agencies import AGENCIES, ROLES, agency_name
from engine.break_glass.rules import may_use as may_break_glass
from engine.cases import MEMBER_KINDS, VULNERABILITIES
from engine.workdays import UK_TIME

from . import engine_of

DEFINITION_KINDS = {"bpmn": "Process", "dmn": "Decision", "form": "Form"}


def uk_datetime(value: datetime | None) -> str:
    """'23 Nov 2026, 09:00' in UK time."""
    return value.astimezone(UK_TIME).strftime("%-d %b %Y, %H:%M") if value else ""


def uk_date(value: date | datetime | None) -> str:
    """'23 November 2026'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UK_TIME).date()
    return value.strftime("%-d %B %Y")


def due_tag(task) -> dict | None:
    """A GOV.UK tag for a task that is overdue or due today."""
    if task.due_at is None or task.status not in ("open", "claimed"):
        return None
    now = engine_of(current_app).clock.now()
    if task.due_at < now:
        return {"text": "Overdue", "classes": "govuk-tag--red"}
    if task.due_at.astimezone(UK_TIME).date() == now.astimezone(UK_TIME).date():
        return {"text": "Due today", "classes": "govuk-tag--yellow"}
    return None


def init_app(app: Flask) -> None:
    """Filters and globals for every template."""
    app.jinja_env.filters.update(
        uk_datetime=uk_datetime,
        uk_date=uk_date,
        agency_name=agency_name,
        role_name=lambda code: ROLES.get(code, code),
        vulnerability_name=lambda code: VULNERABILITIES.get(code, code),
        member_kind=lambda code: MEMBER_KINDS.get(code, code),
        subject_item=lambda member: {"value": member.id, "text": member.name},
        agency_item=lambda code: {"value": code, "text": agency_name(code)},
        worker_item=lambda user: {
            "value": user.username,
            "text": f"{user.display_name} ({agency_name(user.agency)})",
        },
        definition_kind=lambda kind: DEFINITION_KINDS.get(kind, kind),
        version_item=lambda d: {"value": d.id, "text": f"Version {d.version}"},
    )
    app.jinja_env.globals.update(due_tag=due_tag, AGENCIES=AGENCIES)

    @app.context_processor
    def _navigation() -> dict:
        if not current_user.is_authenticated:
            return {"navigation": []}
        items = [
            ("Inbox", "inbox.index"),
            ("Cases", "cases.index"),
            ("Notifications", "notifications.index"),
        ]
        if current_user.actor.has_role(
            "manager", "senior-manager", "head-of-service", "board-chair"
        ):
            items.append(("Approvals", "inbox.approvals"))
        if current_user.actor.has_role(*PROCESS_OWNER_ROLES):
            items.append(("Processes", "admin.processes"))
        if may_break_glass(current_user.actor):
            items.append(("Break-glass", "break_glass.index"))
        return {"navigation": items}

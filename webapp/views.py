"""Template helpers: dates in UK time, due-date tags, names for codes."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, flash, g
from flask_login import current_user

from engine.admin_ops import PROCESS_OWNER_ROLES
from engine.agencies import AGENCIES, ROLES, agency_name
from engine.assurance.operations import may_see as may_see_assurance
from engine.break_glass.rules import may_use as may_break_glass
from engine.cases import CASE_TYPES, MEMBER_KINDS
from engine.casework.factors import factor_label
from engine.ownership import ADMIN_ROLE
from engine.wording import Words, priority_word
from engine.workdays import UK_TIME, due_in_words

from . import engine_of

DEFINITION_KINDS = {"bpmn": "Process", "dmn": "Decision", "form": "Form"}

# an instance's status as people say it (Camunda Cockpit: "failed" for an instance with an
# incident; "finished" for one that completed)
STATUS_WORDS = {"running": "Running", "completed": "Finished", "cancelled": "Cancelled",
                "error": "Failed"}  # fmt: skip


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


def uk_day(value: datetime | None) -> str:
    """'Fri 4 Dec 2026' in UK time."""
    return value.astimezone(UK_TIME).strftime("%a %-d %b %Y") if value else ""


def stage_text(task) -> str:
    """'Stage 2 of 4: Senior managers — moves to Heads of Service on Fri 4 Dec 2026 if not
    resolved' (an interrupting timer; at the last stage it just "moves on"), or '… — due
    Fri 4 Dec 2026' (the task's due date); empty when the task's process declares no stages."""
    if not task or not task.stage or not task.stage_name:
        return ""
    text = f"Stage {task.stage} of {task.stage_count}: {task.stage_name}"
    if task.status not in ("open", "claimed"):
        return text
    if task.stage_moves_at:
        later = task.stage_names[task.stage] if task.stage < task.stage_count else None
        to = f" to {later}" if later else ""
        return f"{text} — moves{to} on {uk_day(task.stage_moves_at)} if not resolved"
    if task.due_at:
        return f"{text} — due {uk_day(task.due_at)}"
    return text


def stage_json(task) -> dict | None:
    """Where the task's process stands (``stages``/``stage`` properties), or None."""
    if not task.stage or not task.stage_name:
        return None
    return {
        "number": task.stage,
        "name": task.stage_name,
        "count": task.stage_count,
        "names": task.stage_names,
        "moves_at": task.stage_moves_at,
        "text": stage_text(task),
    }


def due_text(value: datetime | None) -> str:
    """'due Tue 29 Dec (5 working days)', 'due today', 'overdue by 2 working days'."""
    if value is None:
        return ""
    engine = engine_of(current_app)
    return due_in_words(value, engine.clock.now(), engine.calendar)


def page_words() -> Words:
    """This request's words for codes (people's names in one query; form labels per process,
    loaded for all the instances a list primes at once)."""
    if "words" not in g:
        g.words = engine_of(current_app).words_for()
    return g.words


def due_day(value: datetime | None) -> str:
    """'Tue 29 Dec (5 working days)', 'today', 'overdue by 2 working days' (no leading 'due')."""
    text = due_text(value)
    return text[len("due ") :] if text.startswith("due ") else text


def flash_next_steps(instance_id: int, actor) -> None:
    """After a step: 'Next: Agree the outcome — with Children's social care managers, due
    Fri 4 Dec (5 working days).', one line per open task (read from the task index)."""
    steps = engine_of(current_app).next_steps(instance_id, actor)
    for step in steps:
        due = f", due {due_day(step.due_at)}" if step.due_at else ""
        yours = " It is in your inbox." if step.yours else ""
        flash(f"Next: {step.name} — with {step.holders}{due}.{yours}")
    if not steps:
        flash("Nobody has a task in this process now.")


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
        uk_day=uk_day,
        due_text=due_text,
        agency_name=agency_name,
        role_name=lambda code: ROLES.get(code, code),
        vulnerability_name=factor_label,
        member_kind=lambda code: MEMBER_KINDS.get(code, code),
        case_type_name=lambda code: CASE_TYPES.get(code, code),
        subject_item=lambda member: {"value": member.id, "text": member.name},
        choice_item=lambda pair: {"value": pair[0], "text": pair[1]},
        agency_item=lambda code: {"value": code, "text": agency_name(code)},
        worker_item=lambda user: {
            "value": user.username,
            "text": f"{user.display_name} ({agency_name(user.agency)})",
        },
        definition_kind=lambda kind: DEFINITION_KINDS.get(kind, kind),
        version_item=lambda d: {"value": d.id, "text": f"Version {d.version}"},
        person_name=lambda username: page_words().person(username),
        group_name=lambda group_id: page_words().group(group_id),
        priority_word=priority_word,
        due_day=due_day,
        status_word=lambda status: STATUS_WORDS.get(status, (status or "").capitalize()),
    )
    app.jinja_env.globals.update(
        due_tag=due_tag,
        stage_text=stage_text,
        words=page_words,
        AGENCIES=AGENCIES,
        case_types=CASE_TYPES,
        member_kinds=MEMBER_KINDS,
    )

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
        if current_user.actor.has_role(ADMIN_ROLE):
            items.append(("People and teams", "people_admin.people"))
            items.append(("Retention", "retention.index"))
        if may_see_assurance(current_user.actor):
            items.append(("Assurance", "assurance.index"))
        return {"navigation": items}

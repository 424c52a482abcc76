"""The notifications page, the unread count in the header, and email preferences."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from notifications.events import (
    ACCOUNT_EVENTS,
    ALWAYS_IMMEDIATELY,
    EVENTS,
    MODES,
    is_statutory,
    is_urgent,
)
from notifications.service import InvalidPreference, Notifications

bp = Blueprint("notifications", __name__)


def notifications_of(app: Flask) -> Notifications:
    return app.extensions["joinedup.notifications"]


def init_app(app: Flask) -> None:
    """The service, and the unread count for the header."""
    from . import engine_of

    engine = engine_of(app)
    app.extensions["joinedup.notifications"] = Notifications(engine.db, engine.clock)

    @app.context_processor
    def _unread() -> dict:
        if not current_user.is_authenticated:
            return {"unread_notifications": 0}
        return {"unread_notifications": notifications_of(app).unread_count(current_user.username)}


@bp.get("/notifications")
@login_required
def index():
    items = notifications_of(current_app).recent(current_user.username)
    return render_template("notifications.html", title="Notifications", items=items)


@bp.post("/notifications/read")
@login_required
def mark_read():
    notifications_of(current_app).mark_all_read(current_user.username)
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    service = notifications_of(current_app)
    errors = {}
    if request.method == "POST":
        choices = {event: request.form.get(event, "immediately") for event in EVENTS}
        try:
            service.set_preferences(current_user.username, choices)
        except InvalidPreference as error:
            errors = error.details
        else:
            flash("Your notification settings have been saved.")
            return redirect(url_for("notifications.settings"))
    return render_template(
        "notification_settings.html",
        title="Notification settings",
        rows=preference_rows(service.preferences(current_user.username)),
        modes=MODES,
        always=ALWAYS_IMMEDIATELY,
        errors=errors,
    ), (422 if errors else 200)


def preference_rows(chosen: dict[str, str]) -> list[dict]:
    """One row per event type, the urgent ones (no choice to make) first."""
    rows = [
        {
            "event": event,
            "title": title,
            "statutory": is_statutory(event),
            "urgent": is_urgent(event),
            "mode": chosen[event],
        }
        for event, (title, _statutory) in EVENTS.items()
        if event not in ACCOUNT_EVENTS  # about their own account: always sent, no choice
    ]
    return sorted(rows, key=lambda row: not row["urgent"])

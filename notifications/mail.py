"""Emails: how a notification reads, where it links, and the SMTP connection that sends it.

An email names the process, the step and the case reference, never the family: the link
leads to the details, behind sign-in.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .events import ACCOUNT_EVENTS, SECRET_CONTEXT, title_of, urgent_title
from .models import OutboxNotification
from .settings import SmtpSettings

TEMPLATES = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=select_autoescape(["html"]),
)


class Mailer:
    """Sends one email over SMTP (host, port, STARTTLS and login from settings)."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    def send(self, message: EmailMessage) -> None:
        settings = self.settings
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:  # the server's certificate and name are checked
                smtp.starttls(context=ssl.create_default_context(cafile=settings.ca_file))
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(message)


def title(row: OutboxNotification) -> str:
    """The notification's title and email subject; an urgent one says so first."""
    urgent = row.urgent and row.event_type not in ACCOUNT_EVENTS  # sent at once, not alarming
    return urgent_title(row.event_type) if urgent else title_of(row.event_type)


def summary(row: OutboxNotification) -> str:
    """One line that names the process and step, never the family."""
    context = row.context or {}
    step = context.get("step") or title_of(row.event_type)
    text = f"{step} – {context.get('process') or 'JoinedUp'}"
    text += f" (case {row.case_ref})" if row.case_ref else ""
    return text + (f", held by {context['holder']}" if context.get("holder") else "")


def link_path(row: OutboxNotification) -> str:
    """Where the notification points in the app."""
    context = row.context or {}
    if context.get(SECRET_CONTEXT):
        return context[SECRET_CONTEXT]
    if context.get("task_id"):
        return f"/tasks/{context['task_id']}"
    if context.get("page") == "case_access" and row.case_ref:
        return f"/cases/{row.case_ref}/access"  # who has seen the case, and why
    if context.get("page") == "incident":  # the owners' page of a failed instance
        if row.instance_id:
            return f"/admin/instances/{row.instance_id}"
        return f"/admin/processes/{context.get('key', '')}"
    if row.instance_id:
        return f"/instances/{row.instance_id}"
    return "/inbox"


def forget_secret(row: OutboxNotification) -> None:
    """Drop a reset link from a row that will not be sent again (only its email needed it)."""
    if SECRET_CONTEXT in (row.context or {}):
        row.context = {k: v for k, v in row.context.items() if k != SECRET_CONTEXT}


def email_message(
    settings: SmtpSettings, to: str, subject: str, template: str, context: dict, key: str
) -> EmailMessage:
    """A plain-text and HTML email whose Message-ID is derived from ``key`` (idempotency)."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, to, subject
    message["Message-ID"] = f"<{key}@{settings.message_domain}>"
    message["X-JoinedUp-Notification-Id"] = key
    message.set_content(TEMPLATES.get_template(f"{template}.txt").render(**context))
    message.add_alternative(
        TEMPLATES.get_template(f"{template}.html").render(**context), subtype="html"
    )
    return message

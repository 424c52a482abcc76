"""Emails: how a notification reads, where it links, and the SMTP connection that sends it.

An email names the process, the step and the case reference, never the family: the link
leads to the details, behind sign-in.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTP, compat32
from email.utils import formataddr, parseaddr
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .events import ACCOUNT_EVENTS, SECRET_CONTEXT, title_of, urgent_title
from .models import InAppNotification, OutboxNotification
from .settings import SmtpSettings

# the server closed an idle session (or a connection reset): worth one try on a fresh session
DROPPED = (smtplib.SMTPServerDisconnected, ConnectionError)
CLOSING = 421
# a message the server refused; any other failure is the session's
# refusals of one message; SMTPNotSupportedError here is an address that needs SMTPUTF8 from a
# server that does not offer it (a server without STARTTLS fails the session: ``_session``)
REFUSED = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)
TEMPLATES = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=select_autoescape(["html"]),
)


def dropped(error: Exception) -> bool:
    """The server closed the session (a 421 reply says it is closing it)."""
    return isinstance(error, DROPPED) or getattr(error, "smtp_code", None) == CLOSING


def session_failed(error: Exception) -> bool:
    """Whether the next email would fail too (the session, not this message, is at fault)."""
    return dropped(error) or not isinstance(error, REFUSED)


class Mailer:
    """Opens SMTP sessions (host, port, STARTTLS and login from settings)."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    def send(self, message: Message) -> None:
        """Send one email on a session of its own."""
        with self.connection() as connection:
            connection.send(message)

    def connection(self) -> MailConnection:
        """A session to send a run of emails over, opened on the first send."""
        return MailConnection(self.settings)


class MailConnection:
    """One SMTP session reused for a run of emails: one TCP/TLS handshake and login instead of
    one per email. A session the server dropped while idle is reopened and the email tried on
    the new one once; any other failure closes it and is the caller's to retry later."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.opened = 0  # sessions opened so far

    def __enter__(self) -> MailConnection:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def send(self, message: Message) -> None:
        reused = self.smtp is not None
        try:
            self._session().send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            if not (reused and dropped(error)):
                raise
            self._session().send_message(message)
        except Exception:  # not the server's doing (a header the library refuses): a fresh
            self.close()  # session for the next email, never one left mid-transaction
            raise

    def _session(self) -> smtplib.SMTP:
        if self.smtp is None:
            settings = self.settings
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            try:
                if settings.starttls:  # the server's certificate and name are checked
                    _starttls(smtp, settings)
                if settings.username:
                    _login(smtp, settings)
            except BaseException:
                smtp.close()
                raise
            self.smtp, self.opened = smtp, self.opened + 1
        return self.smtp

    def close(self) -> None:
        """Say goodbye politely if the server still listens; either way the session is gone."""
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


# A server without STARTTLS or AUTH raises SMTPNotSupportedError, which for a message means one
# refused address (``REFUSED``): here no email can go, so the session fails.
def _starttls(smtp: smtplib.SMTP, settings: SmtpSettings) -> None:
    try:
        smtp.starttls(context=ssl.create_default_context(cafile=settings.ca_file))
    except smtplib.SMTPNotSupportedError:
        raise smtplib.SMTPException(f"{settings.host} does not offer STARTTLS") from None


def _login(smtp: smtplib.SMTP, settings: SmtpSettings) -> None:
    try:
        smtp.login(settings.username, settings.password or "")
    except smtplib.SMTPNotSupportedError:
        raise smtplib.SMTPException(f"{settings.host} does not offer AUTH") from None


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
) -> Message:
    """A plain-text and HTML email whose Message-ID is derived from ``key`` (idempotency).

    Built with the compat32 MIME classes: a third of the CPU of ``EmailMessage``'s header
    registry, which was half of what sending an email cost. An address that is not ASCII
    (``zoë@…``) needs SMTPUTF8, which smtplib asks of the message's policy: such an email
    takes the SMTP policy."""
    international = not (to + settings.sender).isascii()
    message = MIMEMultipart("alternative", policy=SMTP if international else compat32)
    message["From"] = formataddr(parseaddr(settings.sender), charset="utf-8")
    message["To"] = to
    plain = subject.isascii() or international  # the SMTP policy encodes a header itself
    message["Subject"] = subject if plain else Header(subject, "utf-8")
    message["Message-ID"] = f"<{key}@{settings.message_domain}>"
    message["X-JoinedUp-Notification-Id"] = key
    for kind in ("plain", "html"):
        body = TEMPLATES.get_template(f"{template}.{'txt' if kind == 'plain' else kind}")
        message.attach(MIMEText(body.render(**context), kind, "utf-8"))
    return message


def notification_email(
    settings: SmtpSettings, row: OutboxNotification, to: str, name: str
) -> Message:
    """The email for one outbox row to one person (its key: the row, so a resend is known)."""
    context = {
        "title": title(row),
        "user": name,
        "summary": summary(row),
        "link": settings.base_url + link_path(row),
    }
    message = email_message(
        settings, to, context["title"], "email", context, key=f"notification-{row.id}"
    )
    if row.urgent:  # mail clients flag it
        message["Importance"], message["X-Priority"] = "high", "1"
    return message


def in_app_entry(row: OutboxNotification, now: datetime) -> InAppNotification:
    """The row as shown in the app (the bell and the notifications page)."""
    return InAppNotification(
        username=row.recipient,
        outbox_id=row.id,
        title=title(row),
        body=summary(row),
        link=link_path(row),
        event_type=row.event_type,
        created_at=now,
    )

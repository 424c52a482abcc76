"""Where and how to send email, from ``JOINEDUP_SMTP_*`` and ``JOINEDUP_BASE_URL``."""

from __future__ import annotations

import os
from dataclasses import dataclass


class SmtpSettingError(ValueError):
    """A ``JOINEDUP_SMTP_*`` setting that cannot be used; the message names it and what to set."""


@dataclass(frozen=True)
class SmtpSettings:
    """An empty ``host`` turns email off: notifications are then in-app only."""

    host: str = "localhost"
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    ca_file: str | None = None  # the CA bundle to verify the server by (else the system's)
    sender: str = "JoinedUp <no-reply@joinedup.invalid>"
    timeout: float = 10.0
    base_url: str = "http://127.0.0.1:5000"
    message_domain: str = "joinedup.invalid"

    @classmethod
    def from_env(cls) -> SmtpSettings:
        """Settings from the environment, with the defaults above."""
        env = os.environ.get
        return cls(
            host=env("JOINEDUP_SMTP_HOST", cls.host),
            port=_port(env("JOINEDUP_SMTP_PORT") or "", cls.port),
            username=env("JOINEDUP_SMTP_USERNAME") or None,
            password=env("JOINEDUP_SMTP_PASSWORD") or None,
            starttls=env("JOINEDUP_SMTP_STARTTLS", "0") == "1",
            ca_file=env("JOINEDUP_SMTP_CA_FILE") or None,
            sender=env("JOINEDUP_MAIL_FROM", cls.sender),
            base_url=env("JOINEDUP_BASE_URL", cls.base_url).rstrip("/"),
            message_domain=env("JOINEDUP_MESSAGE_DOMAIN", cls.message_domain),
        )


def _port(text: str, default: int) -> int:
    """A TCP port number (``default`` when unset); SmtpSettingError naming the setting if not."""
    text = text.strip()
    if not text:
        return default
    if text.isascii() and text.isdigit() and 0 < int(text) < 65536:
        return int(text)
    raise SmtpSettingError(f"JOINEDUP_SMTP_PORT is '{text}': set it to a port from 1 to 65535")

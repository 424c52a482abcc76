"""STARTTLS to a real SMTP server (aiosmtpd with a certificate made here): the connection is
upgraded before logging in, and a server whose certificate is not trusted is refused."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from notifications.mail import Mailer
from notifications.settings import SmtpSettings

from .test_notifications import Inbox, free_port

OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"


class Accounts:
    """Accepts one account, and records whether the session was encrypted when it logged in."""

    def __init__(self):
        self.logins: list[tuple[str, bool]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"mail-secret"
        if ok:
            self.logins.append((auth_data.login.decode(), session.ssl is not None))
        return AuthResult(success=ok)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 and its key (the test's own CA)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            OPENSSL,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],  # fmt: skip
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(certificate):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox, accounts = Inbox(), Accounts()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=context,
        require_starttls=True,
        authenticator=accounts,
        auth_require_tls=True,
    )
    controller.start()
    yield controller, inbox, accounts
    controller.stop()


def message() -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "joinedup@example.test", "sam@example.test", "Hi"
    mail.set_content("A task is waiting for you.")
    return mail


def settings(port: int, ca_file=None) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=port,
        starttls=True,
        username="joinedup",
        password="mail-secret",  # noqa: S106 - the test server's account
        ca_file=str(ca_file) if ca_file else None,
        timeout=5,
    )


def test_starttls_encrypts_before_logging_in_to_a_trusted_server(tls_server, certificate):
    controller, inbox, accounts = tls_server
    Mailer(settings(controller.port, ca_file=certificate[0])).send(message())
    assert [m["To"] for m in inbox.messages] == ["sam@example.test"]
    assert accounts.logins == [("joinedup", True)]


def test_a_server_whose_certificate_is_not_trusted_gets_no_password_and_no_mail(tls_server):
    controller, inbox, accounts = tls_server
    with pytest.raises(ssl.SSLCertVerificationError):
        Mailer(settings(controller.port)).send(message())
    assert inbox.messages == [] and accounts.logins == []


def test_the_ca_file_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("JOINEDUP_SMTP_STARTTLS", "1")
    monkeypatch.setenv("JOINEDUP_SMTP_CA_FILE", "/etc/joinedup/smtp-ca.pem")
    loaded = SmtpSettings.from_env()
    assert (loaded.starttls, loaded.ca_file) == (True, "/etc/joinedup/smtp-ca.pem")

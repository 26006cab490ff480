"""Email over SMTP (the standard library's smtplib): invitations, for now.

``AUTHORWORKS_SERVER_SMTP_URL`` names the relay: ``smtp://host:port`` (plain, for a local
relay), ``smtp+starttls://user:pass@host:587`` (upgraded with STARTTLS) or
``smtps://user:pass@host:465`` (TLS from the start). User and password are URL-encoded.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

_DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class MailError(Exception):
    """No email went out; the message says why in words for the person who sent it."""


@dataclass(frozen=True)
class SmtpTarget:
    scheme: str
    host: str
    port: int
    username: str
    password: str


def parse_smtp_url(url: str) -> SmtpTarget:
    """The relay named by ``url``; ValueError naming what is wrong with it."""
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS:
        raise ValueError(
            f"AUTHORWORKS_SERVER_SMTP_URL: unknown scheme {parts.scheme!r} "
            "(use smtp://, smtp+starttls:// or smtps://)"
        )
    if not parts.hostname:
        raise ValueError("AUTHORWORKS_SERVER_SMTP_URL: no host (smtp://host:port)")
    try:
        port = parts.port or _DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:
        raise ValueError(f"AUTHORWORKS_SERVER_SMTP_URL: {exc}") from exc
    return SmtpTarget(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


class Mailer:
    """Sends one message at a time to the configured relay (or says none is configured)."""

    def __init__(
        self, smtp_url: str, mail_from: str, *, timeout: float = 15.0, ca_file: str = ""
    ) -> None:
        self.target = parse_smtp_url(smtp_url) if smtp_url else None
        self.mail_from = mail_from
        self.timeout = timeout
        # Certificates to trust for the relay besides the system's (a relay of one's own).
        self.ca_file = ca_file or None

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    @property
    def configured(self) -> bool:
        return self.target is not None

    def send(self, *, to: str, subject: str, body: str) -> None:
        """Send a plain-text email; MailError when it did not go out."""
        target = self.target
        if target is None:
            raise MailError("no email was sent: this server has no SMTP relay configured")
        message = EmailMessage()
        message["From"] = self.mail_from
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=target.host)
        message.set_content(body)
        try:
            if target.scheme == "smtps":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    target.host,
                    target.port,
                    timeout=self.timeout,
                    context=self._tls(),
                )
            else:
                client = smtplib.SMTP(target.host, target.port, timeout=self.timeout)
            with client:
                if target.scheme == "smtp+starttls":
                    client.starttls(context=self._tls())
                if target.username:
                    client.login(target.username, target.password)
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            # The reason, not the relay's password or the whole conversation.
            raise MailError(f"no email was sent: the mail relay failed ({exc})") from exc

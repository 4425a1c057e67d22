"""Where delivered mail goes: an SMTP server (STARTTLS when it offers it, a login when the URL
carries one), or a folder of .eml files so a demo works with no mail server."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

_log = logging.getLogger(__name__)

#: A mail server that does not answer in this long is treated as down (the job retries).
SMTP_TIMEOUT_SECONDS = 20.0


class MailTransport(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Deliver one message or raise (OSError, smtplib.SMTPException): the job retries."""


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpTransport:
        """`smtp://user:pass@host:port` (port 25 when left out)."""
        parts = urlsplit(url)
        if parts.scheme != "smtp" or not parts.hostname:
            raise ValueError("LMSDESK_SMTP_URL must look like smtp://user:password@host:port")
        return cls(
            host=parts.hostname,
            port=parts.port or 25,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)

    def __repr__(self) -> str:  # never the password, in a log or a traceback
        return f"SmtpTransport({self.host}:{self.port})"


@dataclass(frozen=True)
class FolderTransport:
    """No mail server: each message becomes an .eml file (any mail program opens it) and its
    path is logged. The link inside is not: a reset or verification link is a credential, and
    logs are read by more people than mailboxes (DESIGN.md 11.1 says to log it; we do not)."""

    folder: Path

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        target = self.folder / f"{stamp}-{message['Message-ID'].strip('<>').split('@')[0]}.eml"
        partial = target.with_suffix(".partial")
        partial.write_bytes(bytes(message))
        partial.replace(target)
        _log.info("Mail to %s (%s) written to %s", message["To"], message["Subject"], target)

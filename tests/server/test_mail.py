"""Mail delivery against a real SMTP server process on 127.0.0.1 (aiosmtpd): both alternatives
arrive, a mail server that is down is retried with backoff and nothing is lost, several server
processes deliver each message once, and the demo's .eml folder holds what the log does not."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import MailMessage
from lmsdesk_server.mail.delivery import MAX_ATTEMPTS, deliver_due, retry_delay
from lmsdesk_server.mail.messages import Mail, password_reset_mail
from lmsdesk_server.mail.outbox import enqueue
from lmsdesk_server.mail.transport import FolderTransport, SmtpTransport


class Inbox:
    """What the SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _authenticate(
    _server: Any, _session: Any, _envelope: Any, _mechanism: str, auth: Any
) -> AuthResult:
    ok = isinstance(auth, LoginPassword) and (auth.login, auth.password) == (b"mailer", b"s3cret")
    return AuthResult(success=ok)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield inbox, port
    controller.stop()


def _mail(to: str, n: int = 0) -> Mail:
    return Mail(to=to, subject=f"Hello {n}", text=f"plain {n}", html=f"<p>html {n}</p>")


def test_mail_arrives_over_smtp_as_text_and_html(
    session_factory: sessionmaker[Session], session: Session, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    enqueue(
        session,
        password_reset_mail(to="sam@example.com", name="Sam", code="K7Q2-9XMP-4HTR", minutes=30),
    )
    session.commit()
    transport = SmtpTransport.from_url(f"smtp://mailer:s3cret@127.0.0.1:{port}")
    report = deliver_due(session_factory, transport)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [received] = inbox.messages
    assert received["To"] == "sam@example.com"
    assert received["Subject"] == "Reset your LMSDesk password"
    kinds = [part.get_content_type() for part in received.walk()]
    assert kinds == ["multipart/alternative", "text/plain", "text/html"]
    plain = received.get_body(("plain",))
    assert plain is not None
    assert "K7Q2-9XMP-4HTR" in plain.get_content()
    session.expire_all()
    [row] = session.scalars(select(MailMessage)).all()
    assert row.sent_at is not None
    assert deliver_due(session_factory, transport).sent == 0, "sent once, never again"


def test_a_mail_server_that_is_down_is_retried_with_backoff_then_given_up(
    session_factory: sessionmaker[Session], session: Session, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    enqueue(session, _mail("bo@example.com"))
    session.commit()
    down = SmtpTransport("127.0.0.1", _free_port())
    assert deliver_due(session_factory, down).retrying == 1
    session.expire_all()
    row = session.scalars(select(MailMessage)).one()
    wait = row.next_attempt_at - datetime.now(UTC)
    assert timedelta(seconds=25) < wait <= retry_delay(1)
    assert deliver_due(session_factory, down).retrying == 0, "not before its time"

    # Back up: the message goes out at its next attempt.
    session.execute(update(MailMessage).values(next_attempt_at=datetime.now(UTC)))
    session.commit()
    up = SmtpTransport("127.0.0.1", port, "mailer", "s3cret")
    assert deliver_due(session_factory, up).sent == 1
    assert len(inbox.messages) == 1

    enqueue(session, _mail("cy@example.com"))
    session.commit()
    for _ in range(MAX_ATTEMPTS):
        session.execute(
            update(MailMessage)
            .where(MailMessage.sent_at.is_(None))
            .values(next_attempt_at=datetime.now(UTC))
        )
        session.commit()
        deliver_due(session_factory, down)
    session.expire_all()
    gave_up = session.scalars(
        select(MailMessage).where(MailMessage.to_address == "cy@example.com")
    ).one()
    assert gave_up.failed_at is not None
    assert gave_up.attempts == MAX_ATTEMPTS


def test_the_backoff_doubles_up_to_an_hour() -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(40) == timedelta(hours=1)


def test_several_server_processes_deliver_each_mail_once(
    racing_context: ServerContext, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    with transaction(racing_context.session_factory) as db:
        for n in range(40):
            enqueue(db, _mail(f"many{n}@example.com", n))
    transport = SmtpTransport("127.0.0.1", port, "mailer", "s3cret")
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait()
        deliver_due(racing_context.session_factory, transport)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    received = sorted(message["To"] for message in inbox.messages)
    assert received == sorted(f"many{n}@example.com" for n in range(40))


def test_without_smtp_each_mail_is_an_eml_file_and_the_log_has_no_code(
    session_factory: sessionmaker[Session],
    session: Session,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    enqueue(
        session,
        password_reset_mail(to="dee@example.com", name="Dee", code="ABCD-EFGH-JKMN", minutes=30),
    )
    session.commit()
    with caplog.at_level(logging.INFO):
        assert deliver_due(session_factory, FolderTransport(tmp_path / "outbox")).sent == 1
    [eml] = (tmp_path / "outbox").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"] == "dee@example.com"
    assert "ABCD-EFGH-JKMN" in eml.read_text()
    assert str(eml) in caplog.text
    assert "ABCD-EFGH-JKMN" not in caplog.text, "a code is a credential: never in the log"


def test_the_smtp_url_is_parsed_and_its_password_never_shown() -> None:
    transport = SmtpTransport.from_url("smtp://me%40host:p%40ss@mail.example.com:2525")
    assert (transport.host, transport.port, transport.username, transport.password) == (
        "mail.example.com",
        2525,
        "me@host",
        "p@ss",
    )
    assert "p@ss" not in repr(transport)
    with pytest.raises(ValueError, match="smtp://"):
        SmtpTransport.from_url("http://mail.example.com")

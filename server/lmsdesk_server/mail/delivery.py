"""Delivering the outbox: each due message by exactly one server process (FOR UPDATE SKIP
LOCKED), one transaction per message, so a crash mid-way loses nothing and sends nothing twice
that the database saw as sent. A mail server that is down is retried with exponential backoff;
after the last attempt the message is marked failed (and stays in the table to look at)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from smtplib import SMTPException

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lmsdesk_server.db.models import MailMessage
from lmsdesk_server.mail.messages import DEFAULT_SENDER, Mail, as_email
from lmsdesk_server.mail.transport import MailTransport

_log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... at most an hour: about a day of trying in all."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 16)), LONGEST_WAIT)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due(
    session_factory: sessionmaker[Session],
    transport: MailTransport,
    *,
    sender: str = DEFAULT_SENDER,
    limit: int = 50,
) -> DeliveryReport:
    sent = retrying = failed = 0
    for _ in range(limit):
        with session_factory() as session, session.begin():
            now = datetime.now(UTC)
            row = session.scalars(
                select(MailMessage)
                .where(
                    MailMessage.sent_at.is_(None),
                    MailMessage.failed_at.is_(None),
                    MailMessage.next_attempt_at <= now,
                )
                .order_by(MailMessage.next_attempt_at)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                break
            mail = Mail(row.to_address, row.subject, row.text_body, row.html_body)
            message = as_email(mail, sender=sender, message_id=f"<{row.id}@lmsdesk.invalid>")
            try:
                transport.send(message)
            except (OSError, SMTPException) as exc:
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if row.attempts >= MAX_ATTEMPTS:
                    row.failed_at = now
                    failed += 1
                    _log.error(
                        "Gave up on mail %s after %d attempts: %s",
                        row.id,
                        row.attempts,
                        row.last_error,
                    )
                else:
                    row.next_attempt_at = now + retry_delay(row.attempts)
                    retrying += 1
                    _log.warning(
                        "Mail %s not sent (%s); retrying at %s",
                        row.id,
                        row.last_error,
                        row.next_attempt_at,
                    )
                continue
            row.attempts += 1
            row.sent_at = now
            sent += 1
    return DeliveryReport(sent, retrying, failed)

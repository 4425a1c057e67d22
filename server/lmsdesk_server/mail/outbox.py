"""Queueing mail: a row in the outbox, in the caller's transaction (a request rolled back sends
nothing; one committed sends its mail even if the server stops right after)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lmsdesk_server.db.models import MailMessage
from lmsdesk_server.mail.messages import Mail


def enqueue(session: Session, mail: Mail) -> MailMessage:
    row = MailMessage(
        to_address=mail.to, subject=mail.subject, text_body=mail.text, html_body=mail.html
    )
    session.add(row)
    session.flush()
    return row

"""The outbox of mail: written in the transaction that causes a message, delivered by a
background job (lmsdesk_server.mail.delivery), retried with backoff while the server is down."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk_server.db.base import Base, now_default, uuid_pk


class MailMessage(Base):
    __tablename__ = "mail_outbox"
    __table_args__ = (
        # The job's one query: what is due and neither sent nor given up.
        Index(
            "ix_mail_outbox_due",
            "next_attempt_at",
            postgresql_where=text("sent_at IS NULL AND failed_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = now_default()
    next_attempt_at: Mapped[datetime] = now_default()
    attempts: Mapped[int] = mapped_column(server_default="0")
    last_error: Mapped[str] = mapped_column(Text, server_default="")
    sent_at: Mapped[datetime | None]
    #: Given up after the last attempt (an address the mail server refuses for good).
    failed_at: Mapped[datetime | None]

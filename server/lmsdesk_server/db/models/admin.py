"""The audit log of admin actions: who did what to which user, order, category or course, and
why. Append-only: a database trigger refuses UPDATE and DELETE, whatever code (or person with
psql) tries, as for moderation reviews."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk_server.db.base import Base, now_default, uuid_pk


class AdminAction(Base):
    __tablename__ = "admin_audit"
    __table_args__ = (
        Index("ix_admin_audit_actor_created", "actor_id", "created_at"),
        Index("ix_admin_audit_action_created", "action", "created_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    target_kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    #: One line a person reads: "Suspended sam@example.com".
    summary: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, server_default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    created_at: Mapped[datetime] = now_default()

"""Orders (never deleted) and the webhook ledger."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.contracts.enums import OrderStatus, PaymentProvider
from lmsdesk_server.db.base import Base, Synced, now_default, status_enum, sync_index, uuid_pk


class Order(Synced, Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("amount_cents >= 0", name="amount_non_negative"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_iso"),
        Index("ix_orders_student_id_created_at", "student_id", "created_at"),
        sync_index("orders"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id"), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    provider: Mapped[PaymentProvider] = mapped_column(
        status_enum(PaymentProvider, "payment_provider")
    )
    provider_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    provider_payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    status: Mapped[OrderStatus] = mapped_column(
        status_enum(OrderStatus, "order_status"), server_default=OrderStatus.PENDING.value
    )
    created_at: Mapped[datetime] = now_default()
    completed_at: Mapped[datetime | None]
    refunded_at: Mapped[datetime | None]


class PaymentEvent(Base):
    """Every webhook delivery accepted, keyed by the provider's event id: the idempotency ledger."""

    __tablename__ = "payment_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    provider: Mapped[PaymentProvider] = mapped_column(
        status_enum(PaymentProvider, "payment_provider")
    )
    event_id: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(120))
    payload: Mapped[Any] = mapped_column(JSONB)
    received_at: Mapped[datetime] = now_default()
    processed_at: Mapped[datetime | None]
    processing_error: Mapped[str | None] = mapped_column(Text)

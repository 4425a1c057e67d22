"""Orders (never deleted), the webhook ledger, the audit trail of every webhook delivery, and the
sessions of the built-in test payment provider."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.contracts.enums import OrderStatus, PaymentProvider
from lmsdesk_server.db.base import Base, Synced, now_default, status_enum, sync_index, uuid_pk


class DeliveryOutcome(enum.StrEnum):
    """What became of one request to the payment webhook (server-side audit only; written
    once, never changed)."""

    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    REJECTED = "rejected"
    FAILED = "failed"


class Order(Synced, Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("amount_cents >= 0", name="amount_non_negative"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_iso"),
        Index("ix_orders_student_id_created_at", "student_id", "created_at"),
        # The daily metrics job reads a range of days of payments and of refunds.
        Index("ix_orders_completed_at", "completed_at"),
        Index("ix_orders_refunded_at", "refunded_at"),
        sync_index("orders"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id"), index=True)
    #: The total charged (DESIGN.md's total_cents): subtotal_cents - discount_cents.
    amount_cents: Mapped[int]
    subtotal_cents: Mapped[int] = mapped_column(server_default="0")
    discount_cents: Mapped[int] = mapped_column(server_default="0")
    coupon_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("coupons.id"))
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
    #: The cohort a seat is held in while the checkout is open (taken back if it is not paid).
    cohort_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL")
    )


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
    # The payment a charge or dispute event concerns: a refund that arrives before its order knows
    # its payment intent is found here when the order is fulfilled (DESIGN.md section 6).
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), index=True)
    # Stripe's `created` of the event (seconds), for reading the ledger in the order of events.
    event_created: Mapped[int] = mapped_column(BigInteger, server_default="0")
    payload: Mapped[Any] = mapped_column(JSONB)
    received_at: Mapped[datetime] = now_default()
    processed_at: Mapped[datetime | None]
    processing_error: Mapped[str | None] = mapped_column(Text)


class WebhookDelivery(Base):
    """One row per request to the webhook endpoint, valid or not: the audit trail. The body of an
    unverified request is not kept (only its size and hash): it is attacker-controlled."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[uuid.UUID] = uuid_pk()
    provider: Mapped[PaymentProvider] = mapped_column(
        status_enum(PaymentProvider, "payment_provider")
    )
    received_at: Mapped[datetime] = now_default()
    signature_valid: Mapped[bool] = mapped_column(Boolean)
    event_id: Mapped[str | None] = mapped_column(String(255), index=True)
    event_type: Mapped[str | None] = mapped_column(String(120))
    outcome: Mapped[DeliveryOutcome] = mapped_column(
        status_enum(DeliveryOutcome, "delivery_outcome")
    )
    detail: Mapped[str] = mapped_column(Text, server_default="")
    body_size: Mapped[int]
    body_sha256: Mapped[str] = mapped_column(String(64))


class TestCheckoutSession(Base):
    """A checkout session of the built-in test provider, shaped like Stripe's: what the provider
    itself knows (the webhook re-reads it on fulfilment, as it re-reads a Stripe session)."""

    __tablename__ = "test_checkout_sessions"
    # Stripe's session states: open -> complete | expired; payment unpaid -> paid.
    __table_args__ = (
        CheckConstraint("status IN ('open', 'complete', 'expired')", name="session_status"),
        CheckConstraint("payment_status IN ('unpaid', 'paid')", name="payment_status"),
    )
    __test__ = False  # not a pytest test class, despite the name

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    #: None for a subscription's checkout (its metadata names the subscription).
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id"), unique=True)
    client_reference_id: Mapped[str] = mapped_column(String(255))
    amount_total: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), server_default="open")
    payment_status: Mapped[str] = mapped_column(String(24), server_default="unpaid")
    payment_intent: Mapped[str | None] = mapped_column(String(255))
    metadata_: Mapped[Any] = mapped_column("metadata", JSONB)
    #: Refunds made of this payment: [{"id", "key", "amount"}] (the key makes a retry a no-op).
    refunds: Mapped[Any] = mapped_column(JSONB, server_default="[]")
    created_at: Mapped[datetime] = now_default()
    expires_at: Mapped[datetime]

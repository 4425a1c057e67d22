"""The storefront's tables (DESIGN.md section 11.5): the items of an order, coupons and their
redemptions, and each student's cart."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.contracts.enums import PaymentProvider as ProviderName
from lmsdesk.contracts.pricing import CouponIssuer, CouponKind
from lmsdesk.contracts.subscriptions import Plan, SubscriptionStatus
from lmsdesk_server.db.base import Base, Synced, now_default, status_enum, sync_index, uuid_pk


class RedemptionStatus(enum.StrEnum):
    """held (a checkout is open) -> redeemed (paid) | released (not paid); a payment that wins
    after the release redeems it again: money taken always counts."""

    HELD = "held"
    REDEEMED = "redeemed"
    RELEASED = "released"


class OrderItem(Synced, Base):
    """One course of an order, with what was charged for it: a refund of this item revokes only
    this course. Lives in the buyer's partition, beside the order."""

    __tablename__ = "order_items"
    __table_args__ = (
        UniqueConstraint("order_id", "course_id"),
        CheckConstraint("discount_cents >= 0 AND discount_cents <= price_cents", name="discount"),
        CheckConstraint("amount_cents = price_cents - discount_cents", name="amount"),
        sync_index("order_items"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), index=True)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id"), index=True)
    #: Its place in the order (as the cart listed it).
    position: Mapped[int] = mapped_column(server_default="0")
    #: The title when bought (a receipt says what was bought, whatever the course is renamed to).
    course_title: Mapped[str] = mapped_column(String(200))
    #: The regular price, the price it sold at (a sale), the coupon's share, what was charged.
    list_price_cents: Mapped[int]
    price_cents: Mapped[int]
    discount_cents: Mapped[int] = mapped_column(server_default="0")
    amount_cents: Mapped[int]
    refunded_at: Mapped[datetime | None]


class Coupon(Base):
    __tablename__ = "coupons"
    __table_args__ = (
        CheckConstraint("code = upper(code)", name="code_upper"),
        CheckConstraint(
            "(kind = 'percent' AND percent_off BETWEEN 1 AND 100 AND amount_off_cents IS NULL)"
            " OR (kind = 'amount' AND amount_off_cents > 0 AND currency IS NOT NULL"
            " AND percent_off IS NULL)",
            name="kind_values",
        ),
        CheckConstraint("max_redemptions IS NULL OR max_redemptions > 0", name="max_positive"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[CouponKind] = mapped_column(status_enum(CouponKind, "coupon_kind"))
    issuer: Mapped[CouponIssuer] = mapped_column(status_enum(CouponIssuer, "coupon_issuer"))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    percent_off: Mapped[int | None]
    amount_off_cents: Mapped[int | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    #: Empty: every course the issuer may discount (an admin any, an instructor their own).
    course_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)), server_default="{}"
    )
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    max_redemptions: Mapped[int | None]
    once_per_user: Mapped[bool] = mapped_column(server_default="true")
    created_at: Mapped[datetime] = now_default()


class CouponRedemption(Base):
    """One per order that used a coupon: the count of redemptions is the count of these rows
    held or redeemed, taken under the coupon's row lock."""

    __tablename__ = "coupon_redemptions"
    __table_args__ = (
        Index("ix_coupon_redemptions_coupon_id_student_id", "coupon_id", "student_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    coupon_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("coupons.id"))
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id"), unique=True)
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    status: Mapped[RedemptionStatus] = mapped_column(
        status_enum(RedemptionStatus, "redemption_status")
    )
    discount_cents: Mapped[int]
    created_at: Mapped[datetime] = now_default()
    updated_at: Mapped[datetime] = now_default()


class CartItem(Synced, Base):
    """A course in a student's cart (synced: the cart is the same on every device, offline too)."""

    __tablename__ = "cart_items"
    __table_args__ = (sync_index("cart_items"),)

    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = now_default()


class Subscription(Synced, Base):
    """A student's all-access plan, as the provider's events last described it (the newest
    event wins: `last_event_at`). In the student's partition: the app shows it offline."""

    __tablename__ = "subscriptions"
    __table_args__ = (sync_index("subscriptions"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    plan: Mapped[Plan] = mapped_column(status_enum(Plan, "subscription_plan"))
    status: Mapped[SubscriptionStatus] = mapped_column(
        status_enum(SubscriptionStatus, "subscription_status")
    )
    provider: Mapped[ProviderName] = mapped_column(status_enum(ProviderName, "payment_provider"))
    provider_subscription_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    provider_customer_id: Mapped[str | None] = mapped_column(String(255))
    current_period_end: Mapped[datetime | None]
    cancel_at_period_end: Mapped[bool] = mapped_column(server_default="false")
    grace_until: Mapped[datetime | None]
    #: The provider's `created` of the newest event applied (older ones change nothing).
    last_event_at: Mapped[int] = mapped_column(BigInteger, server_default="0")
    created_at: Mapped[datetime] = now_default()
    ended_at: Mapped[datetime | None]

"""Buying and enrolling (DESIGN.md section 6): checkout sessions, orders, enrollments."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from lmsdesk.contracts.common import WireModel
from lmsdesk.contracts.enums import (
    EnrollmentSource,
    EnrollmentStatus,
    OrderStatus,
    PaymentProvider,
)


def money_text(cents: int, currency: str) -> str:
    """A price as both sides write it to people: "Free", or "19.99 USD"."""
    return "Free" if cents == 0 else f"{cents / 100:,.2f} {currency}"


# Orders still waiting for the provider; every other status is final for the client's polling.
OPEN_ORDER_STATUSES = frozenset({OrderStatus.PENDING})


class CourseRef(WireModel):
    """The body of POST /checkout/sessions and POST /enrollments/free. The price is never sent:
    the server takes it from the database."""

    course_id: uuid.UUID


class JoinRef(CourseRef):
    """POST /checkout/sessions and POST /enrollments/free: the course, and the cohort to join
    when the course runs in cohorts (DESIGN.md 11.4)."""

    cohort_id: uuid.UUID | None = None


class CheckoutSession(WireModel):
    order_id: uuid.UUID
    session_id: str
    # Where the student pays: Stripe's hosted page, or the server's own page for the test provider.
    url: str
    expires_at: datetime


class OrderItemView(WireModel):
    course_id: uuid.UUID
    course_title: str
    list_price_cents: int
    price_cents: int
    discount_cents: int
    amount_cents: int
    #: When this course's part of the payment was refunded (its access went with it).
    refunded_at: datetime | None = None


class OrderView(WireModel):
    id: uuid.UUID
    #: The first course (the only one of a first-release order) and words for them all.
    course_id: uuid.UUID
    course_title: str
    #: The total charged (DESIGN.md's total_cents).
    amount_cents: int
    currency: str
    provider: PaymentProvider
    status: OrderStatus
    created_at: datetime
    completed_at: datetime | None
    refunded_at: datetime | None
    # True once the order's enrollment is active: the client can stop polling and open the course.
    enrollment_active: bool
    items: list[OrderItemView] = Field(default_factory=list)
    subtotal_cents: int = 0
    discount_cents: int = 0
    coupon_code: str | None = None


class EnrollmentView(WireModel):
    id: uuid.UUID
    course_id: uuid.UUID
    course_title: str
    status: EnrollmentStatus
    source: EnrollmentSource
    order_id: uuid.UUID | None
    price_paid_cents: int
    currency: str
    enrolled_at: datetime
    revoked_at: datetime | None
    cohort_id: uuid.UUID | None = None

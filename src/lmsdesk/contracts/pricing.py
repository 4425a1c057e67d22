"""Prices the storefront charges (DESIGN.md section 11.5): sale prices with an end time, coupons,
the cart, and the breakdown of an order before it is paid.

The server always computes what is charged; the app shows the same sale price offline because
`effective_price` is this one function on both sides.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, Field, model_validator

from lmsdesk.contracts.common import WireModel

#: What one checkout may hold (a cart is capped at the same).
MAX_ITEMS = 20
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,39}$")


def effective_price(
    price_cents: int, sale_price_cents: int | None, sale_ends_at: datetime | None, now: datetime
) -> int:
    """The price a course sells at now: its sale price until the sale ends, else its price."""
    on_sale = sale_price_cents is not None and sale_ends_at is not None and now < sale_ends_at
    return sale_price_cents if on_sale and sale_price_cents is not None else price_cents


def _code(value: str) -> str:
    """Codes are case-insensitive for people (typed "welcome20"), kept upper case."""
    upper = value.strip().upper()
    if not _CODE.fullmatch(upper):
        raise ValueError("a code is 3 to 40 letters, digits, '-' or '_'")
    return upper


CouponCode = Annotated[str, Field(max_length=60), AfterValidator(_code)]


class CouponKind(StrEnum):
    PERCENT = "percent"
    AMOUNT = "amount"


class CouponIssuer(StrEnum):
    ADMIN = "admin"
    INSTRUCTOR = "instructor"


class CouponBody(WireModel):
    """POST /authoring/coupons and POST /admin/coupons. `course_ids` empty: every course the
    issuer may discount (an admin: any; an instructor: their own)."""

    code: CouponCode
    kind: CouponKind
    percent_off: int | None = Field(default=None, ge=1, le=100)
    amount_off_cents: int | None = Field(default=None, ge=1, le=100_000_000)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    course_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    max_redemptions: int | None = Field(default=None, ge=1, le=10_000_000)
    once_per_user: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind is CouponKind.PERCENT and (
            self.percent_off is None or self.amount_off_cents is not None
        ):
            raise ValueError("a percent coupon has percent_off (1-100) and no amount_off_cents")
        if self.kind is CouponKind.AMOUNT and (
            self.amount_off_cents is None or self.currency is None or self.percent_off is not None
        ):
            raise ValueError("an amount coupon has amount_off_cents and currency, no percent_off")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if len(set(self.course_ids)) != len(self.course_ids):
            raise ValueError("course_ids must not repeat")
        return self


class CouponView(WireModel):
    id: uuid.UUID
    code: str
    kind: CouponKind
    issuer: CouponIssuer
    percent_off: int | None
    amount_off_cents: int | None
    currency: str | None
    course_ids: list[uuid.UUID]
    starts_at: datetime | None
    ends_at: datetime | None
    max_redemptions: int | None
    once_per_user: bool
    #: Paid orders that used it, and checkouts holding it now.
    redeemed: int
    held: int
    created_at: datetime


class SaleBody(WireModel):
    """PUT /authoring/courses/{id}/sale: sell below the price until `ends_at`."""

    sale_price_cents: int = Field(ge=0, le=100_000_000)
    ends_at: datetime


class SetSaleArgs(WireModel):
    course_id: uuid.UUID
    #: None ends the sale now.
    sale_price_cents: int | None = Field(default=None, ge=0, le=100_000_000)
    ends_at: datetime | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> Self:
        if (self.sale_price_cents is None) != (self.ends_at is None):
            raise ValueError("a sale has both a price and an end time (or neither, to end it)")
        return self


class CartArgs(WireModel):
    course_id: uuid.UUID


class PricedItem(WireModel):
    course_id: uuid.UUID
    course_title: str
    #: The course's regular price, the price it sells at now (a sale), the coupon's share.
    list_price_cents: int
    price_cents: int
    discount_cents: int
    amount_cents: int
    sale_ends_at: datetime | None = None


class Quote(WireModel):
    """What a checkout of these courses would charge now (GET /coupons/{code}/quote, GET /cart)."""

    items: list[PricedItem]
    currency: str
    subtotal_cents: int
    discount_cents: int
    total_cents: int
    coupon_code: str | None = None
    #: Why the coupon takes nothing off some items (other instructor's course), in words.
    coupon_note: str = ""


class CartLine(WireModel):
    course_id: uuid.UUID
    added_at: datetime


class CartView(WireModel):
    items: list[CartLine]
    #: Priced without a coupon; None when the cart is empty or mixes currencies.
    quote: Quote | None
    problem: str = ""


def _unique(ids: list[uuid.UUID]) -> list[uuid.UUID]:
    if len(set(ids)) != len(ids):
        raise ValueError("course_ids must not repeat")
    return ids


CourseIds = Annotated[
    list[uuid.UUID], Field(min_length=1, max_length=MAX_ITEMS), AfterValidator(_unique)
]


class CheckoutBody(WireModel):
    """POST /checkout/sessions: one order with one item per course. `{course_id}` alone (the
    first release's body) still works. The price is never sent: the server computes it."""

    course_id: uuid.UUID | None = None
    course_ids: CourseIds | None = None
    coupon_code: CouponCode | None = None
    cohort_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        if (self.course_id is None) == (self.course_ids is None):
            raise ValueError("send course_id or course_ids (one of them)")
        if self.cohort_id is not None and len(self.courses) != 1:
            raise ValueError("a cohort is chosen when buying its one course")
        return self

    @property
    def courses(self) -> list[uuid.UUID]:
        return list(self.course_ids) if self.course_ids else [self.course_id]  # type: ignore[list-item]

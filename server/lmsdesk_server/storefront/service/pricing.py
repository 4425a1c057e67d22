"""What a checkout charges (DESIGN.md section 11.5): each course at its price now (a sale while
it lasts), then a coupon's discount shared over the courses it applies to. The one place prices
are computed: the quote, the cart and the checkout all call `quote`.

A coupon's share of an order is kept per item, so a refund of one item returns what was paid
for it. Shares are whole cents and add up exactly to the discount (largest remainder).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from lmsdesk.contracts.commerce import money_text
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus
from lmsdesk.contracts.pricing import CouponIssuer, CouponKind, PricedItem, Quote, effective_price
from lmsdesk_server.actor import Actor
from lmsdesk_server.db.models import Coupon, Course
from lmsdesk_server.errors import ApiError
from lmsdesk_server.storefront.repository.offers import OfferRepository
from lmsdesk_server.storefront.service import coupons


@dataclass(frozen=True)
class Priced:
    quote: Quote
    courses: list[Course]
    coupon: Coupon | None


def in_catalog(
    repo: OfferRepository, course_ids: list[uuid.UUID], *, lock: bool = False
) -> list[Course]:
    courses = repo.courses(course_ids, lock=lock)
    found = {c.id for c in courses if c.status is CourseStatus.APPROVED and c.deleted_at is None}
    missing = [i for i in course_ids if i not in found]
    if missing:
        raise ApiError(404, "course_not_found", "A course in this order is not in the catalog.")
    return courses


def quote(courses: list[Course], coupon: Coupon | None, now: datetime) -> Quote:
    """The breakdown for these courses (in this order) with this coupon (already found usable)."""
    currencies = {c.currency for c in courses}
    if len(currencies) > 1:
        raise ApiError(
            409,
            "mixed_currencies",
            "These courses are priced in different currencies ("
            + ", ".join(sorted(currencies))
            + "): buy them in separate orders.",
        )
    currency = courses[0].currency
    prices = [
        effective_price(c.price_cents, c.sale_price_cents, c.sale_ends_at, now) for c in courses
    ]
    eligible = [coupon is not None and applies_to(coupon, c) for c in courses]
    shares = [0] * len(courses)
    note = ""
    if coupon is not None:
        if not any(eligible) or (coupon.kind is CouponKind.AMOUNT and coupon.currency != currency):
            raise ApiError(
                409,
                "coupon_not_applicable",
                f"{coupon.code} does not apply to "
                + ("this course." if len(courses) == 1 else "any of these courses."),
            )
        shares = _shares(coupon, prices, eligible)
        if not all(eligible):
            left_out = [c.title for c, e in zip(courses, eligible, strict=True) if not e]
            note = f"{coupon.code} does not apply to: " + ", ".join(left_out) + "."
    items = [
        PricedItem(
            course_id=c.id,
            course_title=c.title,
            list_price_cents=c.price_cents,
            price_cents=price,
            discount_cents=share,
            amount_cents=price - share,
            sale_ends_at=c.sale_ends_at if price != c.price_cents else None,
        )
        for c, price, share in zip(courses, prices, shares, strict=True)
    ]
    subtotal = sum(prices)
    discount = sum(shares)
    return Quote(
        items=items,
        currency=currency,
        subtotal_cents=subtotal,
        discount_cents=discount,
        total_cents=subtotal - discount,
        coupon_code=coupon.code if coupon else None,
        coupon_note=note,
    )


def applies_to(coupon: Coupon, course: Course) -> bool:
    if coupon.issuer is CouponIssuer.INSTRUCTOR and course.instructor_id != coupon.created_by:
        return False
    return not coupon.course_ids or course.id in coupon.course_ids


def describe(coupon: Coupon) -> str:
    if coupon.kind is CouponKind.PERCENT:
        return f"{coupon.percent_off} % off"
    return f"{money_text(coupon.amount_off_cents or 0, coupon.currency or '')} off"


def _shares(coupon: Coupon, prices: list[int], eligible: list[bool]) -> list[int]:
    if coupon.kind is CouponKind.PERCENT:
        percent = coupon.percent_off or 0
        # Half a cent and up rounds up, in integers (as Python and PostgreSQL would agree).
        return [
            min(price, (price * percent + 50) // 100) if ok else 0
            for price, ok in zip(prices, eligible, strict=True)
        ]
    base = sum(p for p, ok in zip(prices, eligible, strict=True) if ok)
    off = min(coupon.amount_off_cents or 0, base)
    if base == 0:
        return [0] * len(prices)
    exact = [off * p if ok else 0 for p, ok in zip(prices, eligible, strict=True)]
    shares = [e // base for e in exact]
    # The cents lost to flooring go to the largest remainders, earliest first on a tie.
    order = sorted(range(len(prices)), key=lambda i: (-(exact[i] % base), i))
    for i in order[: off - sum(shares)]:
        shares[i] += 1
    return shares


def quote_for(
    session: Session, actor: Actor, code: str, course_ids: list[uuid.UUID], now: datetime
) -> Quote:
    """GET /coupons/{code}/quote: the breakdown a checkout would charge this student now."""
    if not actor.has(Role.STUDENT):
        raise ApiError(403, "students_only", "Only a student account can buy courses.")
    if len(set(course_ids)) != len(course_ids):
        raise ApiError(422, "repeated_course", "A course is named twice.")
    repo = OfferRepository(session)
    courses = in_catalog(repo, course_ids)
    coupon = coupons.usable(repo, code, actor.id, now)
    return quote(courses, coupon, now)

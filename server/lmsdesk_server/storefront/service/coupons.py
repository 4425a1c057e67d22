"""Coupons (DESIGN.md section 11.5): made by instructors for their own courses and by admins for
any; percent or amount off, a window, a cap on redemptions, once per student.

A redemption is counted by its row: held while the order's checkout is open, redeemed when paid,
released when the order fails, expires or is cancelled. Rows are written under the coupon's row
lock, so concurrent checkouts never exceed the cap; one row per order (unique), so a storm of
webhooks redeems it once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus
from lmsdesk.contracts.pricing import CouponBody, CouponIssuer, CouponView
from lmsdesk_server.actor import Actor
from lmsdesk_server.db.models import Coupon, CouponRedemption, Order, RedemptionStatus
from lmsdesk_server.errors import ApiError
from lmsdesk_server.storefront.repository.offers import OfferRepository


def create(session: Session, actor: Actor, body: CouponBody, issuer: CouponIssuer) -> CouponView:
    repo = OfferRepository(session)
    _require_issuer(actor, issuer)
    courses = repo.courses(body.course_ids)
    if len(courses) != len(body.course_ids) or any(c.revision_of or c.deleted_at for c in courses):
        raise ApiError(404, "course_not_found", "A course named by the coupon does not exist.")
    if issuer is CouponIssuer.INSTRUCTOR:
        if any(c.instructor_id != actor.id for c in courses):
            raise ApiError(
                403, "not_your_course", "An instructor's coupon is for their own courses only."
            )
        if not body.course_ids and not any(
            c.status is CourseStatus.APPROVED for c in repo.courses_of(actor.id)
        ):
            raise ApiError(
                409, "no_courses", "You have no published course for a coupon to discount yet."
            )
    values = {
        "id": uuid.uuid4(),
        "code": body.code,
        "kind": body.kind,
        "issuer": issuer,
        "created_by": actor.id,
        "percent_off": body.percent_off,
        "amount_off_cents": body.amount_off_cents,
        "currency": body.currency,
        "course_ids": list(body.course_ids),
        "starts_at": body.starts_at,
        "ends_at": body.ends_at,
        "max_redemptions": body.max_redemptions,
        "once_per_user": body.once_per_user,
        "created_at": datetime.now(UTC),
    }
    # Two requests with one new code at once: the unique index lets the first in, not both.
    coupon = repo.insert_coupon(values)
    if coupon is None:
        raise ApiError(409, "code_taken", f"The code {body.code} is already in use.")
    return view(repo, coupon)


def listed(session: Session, actor: Actor, issuer: CouponIssuer) -> list[CouponView]:
    _require_issuer(actor, issuer)
    repo = OfferRepository(session)
    creator = None if issuer is CouponIssuer.ADMIN else actor.id
    return [view(repo, c) for c in repo.coupons_by(creator)]


def usable(
    repo: OfferRepository, code: str, student_id: uuid.UUID, now: datetime, *, lock: bool = False
) -> Coupon:
    """The coupon by this code if this student may use it now; else a clear refusal. With
    `lock`, the coupon row stays locked to the end of the transaction (a checkout)."""
    coupon = repo.coupon_by_code(code, lock=lock)
    if coupon is None:
        raise ApiError(404, "coupon_not_found", f"There is no coupon {code.upper()}.")
    if coupon.starts_at is not None and now < coupon.starts_at:
        raise ApiError(
            409,
            "coupon_not_started",
            f"{coupon.code} starts on {coupon.starts_at:%d %b %Y %H:%M} UTC.",
        )
    if coupon.ends_at is not None and now >= coupon.ends_at:
        raise ApiError(409, "coupon_expired", f"{coupon.code} ended on {coupon.ends_at:%d %b %Y}.")
    if (
        coupon.max_redemptions is not None
        and repo.counted_redemptions(coupon.id) >= coupon.max_redemptions
    ):
        raise ApiError(409, "coupon_used_up", f"{coupon.code} has been used as often as it can be.")
    if coupon.once_per_user and repo.counted_redemptions(coupon.id, student_id) > 0:
        raise ApiError(
            409,
            "coupon_already_used",
            f"You have used {coupon.code} already (an unpaid checkout holds it until it is "
            "cancelled or times out).",
        )
    return coupon


def hold(session: Session, coupon: Coupon, order: Order) -> None:
    """The order's checkout holds one redemption (under the coupon's lock, taken by `usable`)."""
    session.add(
        CouponRedemption(
            coupon_id=coupon.id,
            order_id=order.id,
            student_id=order.student_id,
            status=RedemptionStatus.HELD,
            discount_cents=order.discount_cents,
        )
    )


def follow_order(session: Session, order: Order, *, paid: bool) -> None:
    """The order was paid (redeemed, whatever happened to the hold before: money taken always
    counts) or will not be (released)."""
    if order.coupon_id is None:
        return
    redemption = OfferRepository(session).redemption_of_order(order.id)
    if redemption is None:
        return
    target = RedemptionStatus.REDEEMED if paid else RedemptionStatus.RELEASED
    if redemption.status is RedemptionStatus.REDEEMED and not paid:
        return  # a paid order's redemption stays counted (a refund does not give it back)
    if redemption.status is not target:
        redemption.status = target
        redemption.updated_at = datetime.now(UTC)


def view(repo: OfferRepository, coupon: Coupon) -> CouponView:
    counts = repo.redemption_counts(coupon.id)
    return CouponView(
        id=coupon.id,
        code=coupon.code,
        kind=coupon.kind,
        issuer=coupon.issuer,
        percent_off=coupon.percent_off,
        amount_off_cents=coupon.amount_off_cents,
        currency=coupon.currency,
        course_ids=list(coupon.course_ids),
        starts_at=coupon.starts_at,
        ends_at=coupon.ends_at,
        max_redemptions=coupon.max_redemptions,
        once_per_user=coupon.once_per_user,
        redeemed=counts.get(RedemptionStatus.REDEEMED, 0),
        held=counts.get(RedemptionStatus.HELD, 0),
        created_at=coupon.created_at,
    )


def _require_issuer(actor: Actor, issuer: CouponIssuer) -> None:
    if issuer is CouponIssuer.ADMIN and not actor.has(Role.ADMIN):
        raise ApiError(403, "admins_only", "Only an admin can make a coupon for any course.")
    if issuer is CouponIssuer.INSTRUCTOR and not actor.has(Role.INSTRUCTOR):
        raise ApiError(403, "instructors_only", "Only an instructor can make a course coupon.")

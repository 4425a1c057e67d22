"""All SQL of prices, coupons, their redemptions and the cart."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from lmsdesk_server.db.models import CartItem, Coupon, CouponRedemption, Course, RedemptionStatus
from lmsdesk_server.db.repository import Repository

_COUNTED = (RedemptionStatus.HELD, RedemptionStatus.REDEEMED)


class OfferRepository(Repository):
    def courses(self, course_ids: Sequence[uuid.UUID], *, lock: bool = False) -> list[Course]:
        """The courses in the order asked for (missing ones left out). Locked when the sale
        price read must hold until the order is written."""
        stmt = select(Course).where(Course.id.in_(list(course_ids)))
        if lock:
            stmt = stmt.order_by(Course.id).with_for_update()
        found = {c.id: c for c in self.session.scalars(stmt)}
        return [found[i] for i in course_ids if i in found]

    def coupon_by_code(self, code: str, *, lock: bool = False) -> Coupon | None:
        stmt = select(Coupon).where(Coupon.code == code.upper())
        if lock:
            stmt = stmt.with_for_update()
        return self.session.scalar(stmt)

    def coupons_by(self, creator: uuid.UUID | None) -> list[Coupon]:
        """Coupons an instructor made (or every coupon, for None), newest first."""
        stmt = select(Coupon).order_by(Coupon.created_at.desc(), Coupon.code)
        if creator is not None:
            stmt = stmt.where(Coupon.created_by == creator)
        return list(self.session.scalars(stmt.limit(500)))

    def redemption_counts(self, coupon_id: uuid.UUID) -> dict[RedemptionStatus, int]:
        rows = self.session.execute(
            select(CouponRedemption.status, func.count())
            .where(CouponRedemption.coupon_id == coupon_id)
            .group_by(CouponRedemption.status)
        )
        return {RedemptionStatus(status): int(count) for status, count in rows}

    def counted_redemptions(self, coupon_id: uuid.UUID, student_id: uuid.UUID | None = None) -> int:
        """Redemptions held by open checkouts or paid for (of one student, when named)."""
        stmt = select(func.count()).where(
            CouponRedemption.coupon_id == coupon_id, CouponRedemption.status.in_(_COUNTED)
        )
        if student_id is not None:
            stmt = stmt.where(CouponRedemption.student_id == student_id)
        return int(self.session.scalar(stmt) or 0)

    def redemption_of_order(self, order_id: uuid.UUID) -> CouponRedemption | None:
        return self.session.scalar(
            select(CouponRedemption).where(CouponRedemption.order_id == order_id).with_for_update()
        )

    def cart(self, student_id: uuid.UUID) -> list[CartItem]:
        stmt = (
            select(CartItem)
            .where(CartItem.student_id == student_id)
            .order_by(CartItem.added_at, CartItem.course_id)
        )
        return list(self.session.scalars(stmt))

    def cart_item(self, student_id: uuid.UUID, course_id: uuid.UUID) -> CartItem | None:
        return self.session.get(CartItem, (student_id, course_id))

    def courses_of(self, instructor_id: uuid.UUID) -> list[Course]:
        stmt = select(Course).where(
            Course.instructor_id == instructor_id,
            Course.revision_of.is_(None),
            Course.deleted_at.is_(None),
        )
        return list(self.session.scalars(stmt))

    def insert_coupon(self, values: dict[str, Any]) -> Coupon | None:
        """The new coupon, or None when its code is taken (also by a concurrent insert)."""
        stmt = (
            insert(Coupon)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["code"])
            .returning(Coupon.id)
        )
        new_id = self.session.execute(stmt).scalar()
        return None if new_id is None else self.session.get(Coupon, new_id)

"""The demo's storefront (DESIGN.md 11.5), so sale prices and coupons show on first run: a
course on sale (renewed when its sale has ended, each time the demo is seeded), the admin's
WELCOME20 (20 % off any course) and the instructor's SQLITE5 (5.00 USD off Practical SQLite).

Part of the shared test world too: tests of checkout find the same offers a new user does.
Idempotent: fixed ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from lmsdesk.contracts.pricing import CouponIssuer, CouponKind
from lmsdesk_server.db.models import Coupon, Course, User
from lmsdesk_server.db.partitions import stamp
from lmsdesk_server.demo.content import DEMO_COUPONS, DEMO_COURSES


class StorefrontSeeder:
    def __init__(
        self, session: Session, note: Callable[[str], None], demo_id: Callable[[str], uuid.UUID]
    ) -> None:
        self._s = session
        self._note = note
        self._id = demo_id

    def run(self, admin: User, instructor: User) -> None:
        now = datetime.now(UTC)
        for spec in DEMO_COURSES:
            sale = spec.get("sale")
            course = self._s.get(Course, self._id(f"course:{spec['slug']}"))
            if sale is None or course is None:
                continue
            if course.sale_ends_at is None or course.sale_ends_at <= now:
                course.sale_price_cents = sale["price_cents"]
                course.sale_ends_at = now + timedelta(days=sale["days"])
                stamp(self._s, course, course.sync_partition)
                self._note(f"sale on {spec['slug']} until {course.sale_ends_at:%d %b %Y}")
        for code, issuer, percent, amount, slugs, cap in DEMO_COUPONS:
            coupon_id = self._id(f"coupon:{code}")
            if self._s.get(Coupon, coupon_id) is not None:
                continue
            self._s.add(
                Coupon(
                    id=coupon_id,
                    code=code,
                    kind=CouponKind.PERCENT if percent else CouponKind.AMOUNT,
                    issuer=CouponIssuer(issuer),
                    created_by=(admin if issuer == "admin" else instructor).id,
                    percent_off=percent,
                    amount_off_cents=amount,
                    currency="USD" if amount else None,
                    course_ids=[self._id(f"course:{slug}") for slug in slugs],
                    max_redemptions=cap,
                    once_per_user=True,
                    created_at=now,
                )
            )
            self._note(f"coupon {code}")
        self._s.flush()

"""An instructor's offers (DESIGN.md section 11.5): a sale on one of their published courses
(queued like any change, so it works offline and reaches the catalog at the next sync) and
their coupons (made and listed on the server: a code must be unique, so only online).
Blocking: call on a background lane.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.commerce import money_text
from lmsdesk.contracts.enums import CourseStatus
from lmsdesk.contracts.pricing import CouponBody, CouponView, SetSaleArgs, effective_price
from lmsdesk.local_db.models.mirror import Course
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import SessionService
from lmsdesk.sync.api_client import ApiClient, ApiRejected, ServerUnreachable
from lmsdesk.sync.auth_session import SessionEnded

T = TypeVar("T")

#: The server refuses longer sales (a sale is an event, not a second price).
LONGEST_SALE = timedelta(days=366)


class OfferError(UserFacingError):
    """An offer could not be made; `message` is written for the instructor."""


@dataclass(frozen=True)
class SaleCourse:
    id: uuid.UUID
    title: str
    price_cents: int
    currency: str
    sale_price_cents: int | None
    sale_ends_at: datetime | None

    @property
    def on_sale(self) -> bool:
        now = datetime.now(UTC)
        return effective_price(self.price_cents, self.sale_price_cents, self.sale_ends_at, now) != (
            self.price_cents
        )

    @property
    def state_text(self) -> str:
        price = money_text(self.price_cents, self.currency)
        if not self.on_sale or self.sale_ends_at is None or self.sale_price_cents is None:
            return f"Sells at {price}."
        sale = money_text(self.sale_price_cents, self.currency)
        until = f"{self.sale_ends_at.astimezone():%d %b %Y %H:%M}"
        return f"On sale at {sale} (instead of {price}) until {until}."


class OffersService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def published(self) -> list[SaleCourse]:
        """The instructor's paid courses in the catalog, as last synced."""
        current = self._session.current
        if current is None:
            return []
        with self._session.require_store().reading() as session:
            rows = session.scalars(
                select(Course)
                .where(
                    Course.instructor_id == current.profile.user_id,
                    Course.status == CourseStatus.APPROVED,
                    Course.revision_of.is_(None),
                    Course.price_cents > 0,
                )
                .order_by(Course.title)
            )
            return [
                SaleCourse(
                    c.id, c.title, c.price_cents, c.currency, c.sale_price_cents, c.sale_ends_at
                )
                for c in rows
            ]

    def set_sale(self, course: SaleCourse, sale_price_cents: int, ends_at: datetime) -> None:
        """Checked here as the server checks it, so a queued sale is not refused later."""
        if sale_price_cents >= course.price_cents:
            price = money_text(course.price_cents, course.currency)
            raise OfferError(f"A sale price is below the price ({price}).")
        now = datetime.now(UTC)
        if ends_at <= now or ends_at > now + LONGEST_SALE:
            raise OfferError("A sale ends in the future, within a year.")
        args = SetSaleArgs(course_id=course.id, sale_price_cents=sale_price_cents, ends_at=ends_at)
        self._session.require_engine().record(m.SET_SALE, args)

    def end_sale(self, course: SaleCourse) -> None:
        self._session.require_engine().record(m.SET_SALE, SetSaleArgs(course_id=course.id))

    def coupons(self) -> list[CouponView]:
        return self._online(lambda api, t: api.my_coupons(t))

    def create_coupon(self, body: CouponBody) -> CouponView:
        return self._online(lambda api, t: api.create_coupon(t, body))

    def _online(self, request: Callable[[ApiClient, str], T]) -> T:
        try:
            return self._session.api_call(request)
        except ServerUnreachable as exc:
            raise OfferError(
                "Coupons live on the server (a code must be unique): connect to see or make them."
            ) from exc
        except ApiRejected as exc:
            raise OfferError(exc.message) from exc
        except SessionEnded as exc:
            raise OfferError("Your sign-in has ended. Sign in again, then try once more.") from exc

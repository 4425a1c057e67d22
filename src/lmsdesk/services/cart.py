"""The cart (DESIGN.md section 11.5) from the client's side: what is in it and what each course
sells at now, read from the local store (offline too); adding and removing queue as changes
that sync to the student's other computers; a coupon is checked by the server (online only).
Blocking: call on a background lane.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.commerce import money_text
from lmsdesk.contracts.enums import CourseStatus, EnrollmentStatus
from lmsdesk.contracts.pricing import MAX_ITEMS, CartArgs, Quote, effective_price
from lmsdesk.local_db.models.mirror import CartItem, Course, Enrollment
from lmsdesk.services.purchases import PurchaseError
from lmsdesk.services.session import SessionService
from lmsdesk.sync.api_client import ApiRejected, ServerUnreachable
from lmsdesk.sync.auth_session import SessionEnded


@dataclass(frozen=True)
class CartEntry:
    course_id: uuid.UUID
    title: str
    instructor: str
    list_price_cents: int
    price_cents: int
    currency: str
    sale_ends_at: datetime | None
    #: Why it cannot be bought now (left the catalog, enrolled meanwhile); "" when it can.
    problem: str = ""

    @property
    def on_sale(self) -> bool:
        return self.price_cents != self.list_price_cents

    @property
    def price_text(self) -> str:
        return money_text(self.price_cents, self.currency)

    @property
    def list_price_text(self) -> str:
        return money_text(self.list_price_cents, self.currency)


@dataclass(frozen=True)
class CartTotals:
    entries: list[CartEntry]

    @property
    def buyable(self) -> list[CartEntry]:
        return [e for e in self.entries if not e.problem]

    @property
    def currency(self) -> str:
        return self.buyable[0].currency if self.buyable else ""

    @property
    def subtotal_cents(self) -> int:
        return sum(e.price_cents for e in self.buyable)

    @property
    def mixed_currencies(self) -> bool:
        return len({e.currency for e in self.buyable}) > 1


class CartService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def totals(self) -> CartTotals:
        """The cart as last synced (with this computer's unsent changes), priced now."""
        store, current = self._session.store, self._session.current
        user = current.profile.user_id if current else None
        if store is None or user is None:
            return CartTotals([])
        now = datetime.now(UTC)
        with store.reading() as session:
            rows = session.execute(
                select(CartItem, Course)
                .outerjoin(Course, Course.id == CartItem.course_id)
                .where(CartItem.student_id == user)
                .order_by(CartItem.added_at, CartItem.course_id)
            ).all()
            enrolled = set(
                session.scalars(
                    select(Enrollment.course_id).where(
                        Enrollment.student_id == user,
                        Enrollment.status == EnrollmentStatus.ACTIVE,
                    )
                )
            )
        entries = []
        for item, found in rows:
            course: Course | None = found  # an outer join: gone from the mirror
            if course is None:
                entries.append(
                    CartEntry(item.course_id, "(no longer listed)", "", 0, 0, "", None, "gone")
                )
                continue
            price = effective_price(
                course.price_cents, course.sale_price_cents, course.sale_ends_at, now
            )
            problem = ""
            if course.status is not CourseStatus.APPROVED or course.deleted_at is not None:
                problem = "No longer in the catalog: remove it to check out."
            elif course.id in enrolled:
                problem = "You are enrolled in this course now."
            entries.append(
                CartEntry(
                    course_id=course.id,
                    title=course.title,
                    instructor=course.instructor_name,
                    list_price_cents=course.price_cents,
                    price_cents=price,
                    currency=course.currency,
                    sale_ends_at=course.sale_ends_at if price != course.price_cents else None,
                    problem=problem,
                )
            )
        return CartTotals(entries)

    def add(self, course_id: uuid.UUID) -> None:
        if len(self.totals().entries) >= MAX_ITEMS:
            raise PurchaseError(
                f"The cart holds {MAX_ITEMS} courses at most: check these out first."
            )
        self._session.require_engine().record(m.ADD_TO_CART, CartArgs(course_id=course_id))

    def remove(self, course_id: uuid.UUID) -> None:
        self._session.require_engine().record(m.REMOVE_FROM_CART, CartArgs(course_id=course_id))

    def quote(self, code: str, course_ids: list[uuid.UUID]) -> Quote:
        """What the server would charge with this coupon now. Offline: PurchaseError."""
        try:
            return self._session.api_call(lambda api, t: api.quote(t, code.strip(), course_ids))
        except ServerUnreachable as exc:
            raise PurchaseError("Coupons are checked by the server: connect to apply one.") from exc
        except ApiRejected as exc:
            raise PurchaseError(exc.message) from exc
        except SessionEnded as exc:
            raise PurchaseError(
                "Your sign-in has ended. Sign in again, then try once more."
            ) from exc

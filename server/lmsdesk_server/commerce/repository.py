"""All SQL about orders, enrollments and the webhook ledger."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from lmsdesk.contracts.enums import OrderStatus, PaymentProvider
from lmsdesk_server.db.models import (
    Coupon,
    Course,
    Enrollment,
    Order,
    OrderItem,
    PaymentEvent,
    WebhookDelivery,
)
from lmsdesk_server.db.repository import Repository
from lmsdesk_server.payments.stripe_events import CHARGE_EVENTS


class CommerceRepository(Repository):
    def lock_payment(self, payment_intent: str) -> None:
        """Serialise every transaction about one payment until this one ends: a completion and a
        refund of the same payment, run at once, each read the ledger and the order before the
        other committed and both missed the other's write (DESIGN.md section 6). Taken before
        any read; later statements of this transaction see whatever the holder before it
        committed (READ COMMITTED takes a new snapshot per statement)."""
        key = func.hashtextextended(f"payment:{payment_intent}", 0)
        self.session.execute(select(func.pg_advisory_xact_lock(key)))

    def completed_orders_with_charge_events(self) -> Sequence[Order]:
        """Paid orders whose payment has refund or dispute events in the ledger: the ones whose
        state the reconciliation job checks against those events."""
        has_events = (
            select(PaymentEvent.id)
            .where(
                PaymentEvent.payment_intent_id == Order.provider_payment_intent_id,
                PaymentEvent.event_type.in_(CHARGE_EVENTS),
            )
            .exists()
        )
        stmt = select(Order).where(Order.status == OrderStatus.COMPLETED, has_events)
        return list(self.session.scalars(stmt))

    def stale_pending_orders(self, created_before: datetime) -> Sequence[Order]:
        stmt = select(Order).where(
            Order.status == OrderStatus.PENDING,
            Order.created_at < created_before,
            Order.provider_session_id.is_not(None),
        )
        return list(self.session.scalars(stmt.order_by(Order.created_at).limit(500)))

    def course(self, course_id: uuid.UUID) -> Course | None:
        return self.session.get(Course, course_id)

    def order(self, order_id: uuid.UUID, *, lock: bool = False) -> Order | None:
        return self.session.get(Order, order_id, with_for_update=lock)

    def order_by_session(self, session_id: str, *, lock: bool = False) -> Order | None:
        stmt = select(Order).where(Order.provider_session_id == session_id)
        if lock:
            stmt = stmt.with_for_update()
        return self.session.scalar(stmt)

    def order_by_payment_intent(self, payment_intent: str, *, lock: bool = False) -> Order | None:
        stmt = select(Order).where(Order.provider_payment_intent_id == payment_intent)
        if lock:
            stmt = stmt.with_for_update()
        return self.session.scalar(stmt)

    def open_order(self, student_id: uuid.UUID, course_id: uuid.UUID) -> Order | None:
        """The student's newest pending order for this course, if any."""
        stmt = (
            select(Order)
            .where(
                Order.student_id == student_id,
                Order.course_id == course_id,
                Order.status == OrderStatus.PENDING,
            )
            .order_by(Order.created_at.desc())
            .limit(1)
            .with_for_update()
        )
        return self.session.scalar(stmt)

    def orders_of(self, student_id: uuid.UUID) -> Sequence[tuple[Order, str]]:
        stmt = (
            select(Order, Course.title)
            .join(Course, Course.id == Order.course_id)
            .where(Order.student_id == student_id)
            .order_by(Order.created_at.desc(), Order.id)
        )
        return [(o, t) for o, t in self.session.execute(stmt)]

    def enrollment(
        self, student_id: uuid.UUID, course_id: uuid.UUID, *, lock: bool = False
    ) -> Enrollment | None:
        stmt = select(Enrollment).where(
            Enrollment.student_id == student_id, Enrollment.course_id == course_id
        )
        if lock:
            stmt = stmt.with_for_update()
        return self.session.scalar(stmt)

    def enrollment_of_order(
        self, order_id: uuid.UUID, course_id: uuid.UUID | None = None
    ) -> Enrollment | None:
        """The enrollment an order (or one course of it) granted, locked."""
        stmt = select(Enrollment).where(Enrollment.order_id == order_id)
        if course_id is not None:
            stmt = stmt.where(Enrollment.course_id == course_id)
        return self.session.scalar(stmt.with_for_update())

    def items_of(self, order_id: uuid.UUID, *, lock: bool = False) -> list[OrderItem]:
        stmt = (
            select(OrderItem)
            .where(OrderItem.order_id == order_id)
            .order_by(OrderItem.position, OrderItem.id)
        )
        if lock:
            stmt = stmt.with_for_update()
        return list(self.session.scalars(stmt))

    def items_of_orders(self, order_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[OrderItem]]:
        found: dict[uuid.UUID, list[OrderItem]] = {i: [] for i in order_ids}
        stmt = select(OrderItem).where(OrderItem.order_id.in_(list(order_ids)))
        for item in self.session.scalars(stmt.order_by(OrderItem.position, OrderItem.id)):
            found[item.order_id].append(item)
        return found

    def enrollments_of(self, student_id: uuid.UUID) -> Sequence[tuple[Enrollment, str]]:
        stmt = (
            select(Enrollment, Course.title)
            .join(Course, Course.id == Enrollment.course_id)
            .where(Enrollment.student_id == student_id)
            .order_by(Enrollment.enrolled_at.desc(), Enrollment.id)
        )
        return [(e, t) for e, t in self.session.execute(stmt)]

    def record_event(
        self,
        *,
        provider: PaymentProvider,
        event_id: str,
        event_type: str,
        event_created: int,
        payment_intent_id: str | None,
        payload: object,
    ) -> PaymentEvent | None:
        """Insert into the ledger; None when this event id was recorded before (a duplicate).
        The insert waits on a concurrent delivery of the same event until that one commits."""
        stmt = (
            insert(PaymentEvent)
            .values(
                id=uuid.uuid4(),
                provider=provider,
                event_id=event_id,
                event_type=event_type,
                event_created=event_created,
                payment_intent_id=payment_intent_id,
                payload=payload,
            )
            .on_conflict_do_nothing(index_elements=["provider", "event_id"])
            .returning(PaymentEvent.id)
        )
        new_id = self.session.execute(stmt).scalar()
        return None if new_id is None else self.session.get(PaymentEvent, new_id)

    def charge_events(self, payment_intent: str) -> Sequence[PaymentEvent]:
        """Every refund and dispute event recorded for this payment, oldest first."""
        stmt = (
            select(PaymentEvent)
            .where(
                PaymentEvent.payment_intent_id == payment_intent,
                PaymentEvent.event_type.in_(CHARGE_EVENTS),
            )
            .order_by(PaymentEvent.event_created, PaymentEvent.received_at)
        )
        return list(self.session.scalars(stmt))

    def add_delivery(self, delivery: WebhookDelivery) -> None:
        self.session.add(delivery)

    def coupon_codes(self, coupon_ids: set[uuid.UUID]) -> dict[uuid.UUID | None, str]:
        if not coupon_ids:
            return {}
        rows = self.session.execute(select(Coupon.id, Coupon.code).where(Coupon.id.in_(coupon_ids)))
        return {coupon_id: code for coupon_id, code in rows}  # noqa: C416 - rows are Row objects

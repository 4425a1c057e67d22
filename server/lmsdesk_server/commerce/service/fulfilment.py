"""What a verified payment does: complete the order, grant the enrollment, and apply whatever
refunds and disputes the ledger already holds for that payment (events arrive in any order)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import EnrollmentSource
from lmsdesk.contracts.enums import EnrollmentStatus as E
from lmsdesk.contracts.enums import OrderStatus as O
from lmsdesk_server.commerce.repository import CommerceRepository
from lmsdesk_server.commerce.service.states import can_move_order, move_enrollment, move_order
from lmsdesk_server.db.models import Enrollment, Order, OrderItem
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.payments.provider import SessionSnapshot
from lmsdesk_server.payments.stripe_events import (
    CHARGE_REFUNDED,
    DISPUTE_CLOSED,
    DISPUTE_CREATED,
    REFUND_EVENTS,
)
from lmsdesk_server.schedule.service import seats
from lmsdesk_server.storefront.service import cart, coupons

# A dispute closed with these statuses leaves the money with us; any other close returned it.
_DISPUTE_WON = frozenset({"won", "warning_closed"})
# A refund's statuses, strongest last: a refund that failed or was cancelled never succeeds
# later, so whatever order its events arrive in, the strongest status seen is where it is.
_REFUND_RANK = {"requires_action": 0, "pending": 1, "succeeded": 2, "failed": 3, "canceled": 3}


class FulfilmentProblem(Exception):
    """A verified event that must not take effect (wrong order, amount mismatch): recorded in
    the ledger's processing_error for a person to look at."""


@dataclass
class ChargeState:
    """Refunds and disputes of one payment, derived from the whole set of its events, so the
    result does not depend on the order they arrived in."""

    refunded: bool = False
    disputes: dict[str, str] = field(default_factory=dict)  # dispute id -> open | won | lost
    #: refund id -> (status, the order item its metadata names)
    refunds: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def from_events(cls, events: list[tuple[str, dict[str, Any]]]) -> ChargeState:
        state = cls()
        for event_type, obj in events:
            if event_type == CHARGE_REFUNDED and obj.get("refunded") is True:
                # `refunded` is true only for a full refund; a partial one keeps access
                # (unless its refund names an order item: that item's course goes).
                state.refunded = True
            elif event_type in REFUND_EVENTS:
                state._refund_seen(obj)
            elif event_type == DISPUTE_CREATED:
                state.disputes.setdefault(str(obj.get("id")), "open")
            elif event_type == DISPUTE_CLOSED:
                won = obj.get("status") in _DISPUTE_WON
                state.disputes[str(obj.get("id"))] = "won" if won else "lost"
        return state

    def _refund_seen(self, obj: dict[str, Any]) -> None:
        status = str(obj.get("status") or "")
        item = str((obj.get("metadata") or {}).get("order_item_id") or "")
        refund_id = str(obj.get("id"))
        before = self.refunds.get(refund_id)
        if before is None or _REFUND_RANK.get(status, -1) > _REFUND_RANK.get(before[0], -1):
            self.refunds[refund_id] = (status, item or (before[1] if before else ""))

    @property
    def refunded_items(self) -> set[str]:
        """Order items whose refund went through (a pending one keeps access until it has:
        the money is not back yet, and it may still fail)."""
        return {item for status, item in self.refunds.values() if item and status == "succeeded"}

    @property
    def money_returned(self) -> bool:
        return self.refunded or "lost" in self.disputes.values()

    @property
    def disputed(self) -> bool:
        return "open" in self.disputes.values()


class Fulfilment:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._repo = CommerceRepository(session)

    def fulfil(self, snapshot: SessionSnapshot) -> str:
        """Apply a paid session re-read from the provider. Returns what happened, in words."""
        if snapshot.payment_intent:
            # Also taken by the webhook before it records the event; here for the
            # reconciliation job, which fulfils outside any webhook.
            self._repo.lock_payment(snapshot.payment_intent)
        order = self._order_for(snapshot)
        if snapshot.payment_intent and order.provider_payment_intent_id is None:
            order.provider_payment_intent_id = snapshot.payment_intent
        if not snapshot.paid:
            return "Session complete, payment not yet confirmed (asynchronous method)."
        if (snapshot.amount_total, snapshot.currency) != (order.amount_cents, order.currency):
            raise FulfilmentProblem(
                f"Amount mismatch: the session charged {snapshot.amount_total} "
                f"{snapshot.currency}, the order is for {order.amount_cents} {order.currency}."
            )
        if order.status is O.COMPLETED or order.status is O.REFUNDED:
            self.settle(order)
            return f"Order already {order.status}."
        if not can_move_order(order.status, O.COMPLETED):
            raise FulfilmentProblem(f"A {order.status} order cannot complete.")
        move_order(order, O.COMPLETED)
        note = self.grant(order)
        self.settle(order)
        return note

    def settle(self, order: Order) -> None:
        """Bring a paid order, its items and their enrollments in line with every refund and
        dispute recorded for its payment."""
        if order.status not in (O.COMPLETED, O.REFUNDED) or not order.provider_payment_intent_id:
            return
        events = [
            (e.event_type, e.payload["data"]["object"])
            for e in self._repo.charge_events(order.provider_payment_intent_id)
        ]
        state = ChargeState.from_events(events)
        items = self._repo.items_of(order.id, lock=True)
        returned = {str(i.id) for i in items} if state.money_returned else state.refunded_items
        now = datetime.now(UTC)
        lines: list[tuple[uuid.UUID, OrderItem | None]] = [(i.course_id, i) for i in items]
        for course_id, item in lines or [(order.course_id, None)]:
            enrollment = self._repo.enrollment_of_order(order.id, course_id)
            gone = state.money_returned if item is None else str(item.id) in returned
            if gone and item is not None and item.refunded_at is None:
                item.refunded_at = now
                stamp(self._session, item, user_partition(order.student_id))
            if not gone and item is not None and item.refunded_at is not None:
                # Its refund failed after it had gone through (refund.failed): access is back.
                item.refunded_at = None
                stamp(self._session, item, user_partition(order.student_id))
                if enrollment is not None and enrollment.status is E.REFUNDED:
                    move_enrollment(enrollment, E.ACTIVE)
            if enrollment is None or enrollment.status not in (E.ACTIVE, E.SUSPENDED):
                continue
            if gone:
                # A dispute lost takes the money back without a refund: revoked, not refunded.
                refunded = state.refunded or (
                    item is not None and str(item.id) in state.refunded_items
                )
                move_enrollment(enrollment, E.REFUNDED if refunded else E.REVOKED)
            else:
                move_enrollment(enrollment, E.SUSPENDED if state.disputed else E.ACTIVE)
        if state.money_returned or (items and all(i.refunded_at is not None for i in items)):
            move_order(order, O.REFUNDED)

    def _order_for(self, snapshot: SessionSnapshot) -> Order:
        try:
            order_id = uuid.UUID(snapshot.metadata.get("order_id", ""))
        except ValueError:
            raise FulfilmentProblem("The session names no order.") from None
        order = self._repo.order(order_id, lock=True)
        if order is None or order.provider_session_id != snapshot.session_id:
            raise FulfilmentProblem(f"Session {snapshot.session_id} does not match an order.")
        if snapshot.client_reference_id != str(order.student_id):
            raise FulfilmentProblem("The session was paid for another student.")
        return order

    def grant(self, order: Order) -> str:
        """Each course of a completed order: enrolled (or re-activated), at what its item cost."""
        items = self._repo.items_of(order.id)
        lines = [(i.course_id, i.amount_cents) for i in items if i.refunded_at is None] or [
            (order.course_id, order.amount_cents)
        ]
        notes = [self._grant_one(order, course_id, paid) for course_id, paid in lines]
        cart.drop_bought(self._session, order.student_id, [c for c, _ in lines])
        if order.coupon_id is not None:
            coupons.follow_order(self._session, order, paid=True)
        return " ".join(dict.fromkeys(notes))

    def _grant_one(self, order: Order, course_id: uuid.UUID, paid_cents: int) -> str:
        enrollment = self._repo.enrollment(order.student_id, course_id, lock=True)
        if enrollment is None:
            enrollment = Enrollment(
                student_id=order.student_id,
                course_id=course_id,
                status=E.ACTIVE,
                source=EnrollmentSource.PURCHASE,
                order_id=order.id,
                price_paid_cents=paid_cents,
                currency=order.currency,
                enrolled_at=datetime.now(UTC),
                cohort_id=order.cohort_id,  # the seat the checkout held
            )
            self._session.add(enrollment)
            stamp(self._session, enrollment, user_partition(order.student_id))
            self._session.flush()
            seats.recount(self._session, order.cohort_id)
            return "Order completed; enrollment granted."
        if enrollment.status is E.ACTIVE:
            # Access was already there (another order, a free or admin grant): nothing to grant,
            # but the payment needs a person's attention.
            return (
                f"Order completed; the student was already enrolled (order {enrollment.order_id})."
            )
        if enrollment.status is E.SUSPENDED:
            return "Order completed; the enrollment stays suspended by an open dispute."
        enrollment.source = EnrollmentSource.PURCHASE
        enrollment.order_id = order.id
        enrollment.price_paid_cents = paid_cents
        enrollment.currency = order.currency
        enrollment.enrolled_at = datetime.now(UTC)
        enrollment.cohort_id = order.cohort_id
        move_enrollment(enrollment, E.ACTIVE)
        return "Order completed; enrollment re-activated."

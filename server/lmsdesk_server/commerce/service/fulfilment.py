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
from lmsdesk_server.db.models import Enrollment, Order
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.payments.provider import SessionSnapshot
from lmsdesk_server.payments.stripe_events import CHARGE_REFUNDED, DISPUTE_CLOSED, DISPUTE_CREATED
from lmsdesk_server.schedule.service import seats

# A dispute closed with these statuses leaves the money with us; any other close returned it.
_DISPUTE_WON = frozenset({"won", "warning_closed"})


class FulfilmentProblem(Exception):
    """A verified event that must not take effect (wrong order, amount mismatch): recorded in
    the ledger's processing_error for a person to look at."""


@dataclass
class ChargeState:
    """Refunds and disputes of one payment, derived from the whole set of its events, so the
    result does not depend on the order they arrived in."""

    refunded: bool = False
    disputes: dict[str, str] = field(default_factory=dict)  # dispute id -> open | won | lost

    @classmethod
    def from_events(cls, events: list[tuple[str, dict[str, Any]]]) -> ChargeState:
        state = cls()
        for event_type, obj in events:
            if event_type == CHARGE_REFUNDED and obj.get("refunded") is True:
                # `refunded` is true only for a full refund; a partial one keeps access.
                state.refunded = True
            elif event_type == DISPUTE_CREATED:
                state.disputes.setdefault(str(obj.get("id")), "open")
            elif event_type == DISPUTE_CLOSED:
                won = obj.get("status") in _DISPUTE_WON
                state.disputes[str(obj.get("id"))] = "won" if won else "lost"
        return state

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
        note = self._grant(order)
        self.settle(order)
        return note

    def settle(self, order: Order) -> None:
        """Bring a paid order and its enrollment in line with every refund and dispute recorded
        for its payment."""
        if order.status not in (O.COMPLETED, O.REFUNDED) or not order.provider_payment_intent_id:
            return
        events = [
            (e.event_type, e.payload["data"]["object"])
            for e in self._repo.charge_events(order.provider_payment_intent_id)
        ]
        state = ChargeState.from_events(events)
        enrollment = self._repo.enrollment_of_order(order.id)
        if state.money_returned:
            move_order(order, O.REFUNDED)
            if enrollment is not None and enrollment.status in (E.ACTIVE, E.SUSPENDED):
                move_enrollment(enrollment, E.REFUNDED if state.refunded else E.REVOKED)
        elif enrollment is not None and enrollment.status in (E.ACTIVE, E.SUSPENDED):
            move_enrollment(enrollment, E.SUSPENDED if state.disputed else E.ACTIVE)

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

    def _grant(self, order: Order) -> str:
        enrollment = self._repo.enrollment(order.student_id, order.course_id, lock=True)
        if enrollment is None:
            enrollment = Enrollment(
                student_id=order.student_id,
                course_id=order.course_id,
                status=E.ACTIVE,
                source=EnrollmentSource.PURCHASE,
                order_id=order.id,
                price_paid_cents=order.amount_cents,
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
        enrollment.price_paid_cents = order.amount_cents
        enrollment.currency = order.currency
        enrollment.enrolled_at = datetime.now(UTC)
        enrollment.cohort_id = order.cohort_id
        move_enrollment(enrollment, E.ACTIVE)
        return "Order completed; enrollment re-activated."

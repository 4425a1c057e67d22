"""A payment's completion and its refund or dispute, delivered at nearly the same moment, on a
real PostgreSQL where both transactions really run at once (DESIGN.md section 6: whatever the
interleaving, the final state is the one the events imply)."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import EnrollmentStatus, OrderStatus
from lmsdesk.contracts.pricing import CheckoutBody
from lmsdesk_server.actor import Actor
from lmsdesk_server.commerce.service.checkout import CheckoutService
from lmsdesk_server.commerce.service.webhooks import PaymentWebhooks, WebhookAnswer
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import Enrollment, Order, User, UserRole
from lmsdesk_server.payments import stripe_events as ev
from tests.server.payments.helpers import paid_at_provider, session_object_of
from tests.server.sync.helpers import PAID
from tests.support.server_keys import TEST_WEBHOOK_SECRET

#: Microsecond offsets of the second delivery against the first: both orders, and overlaps
#: from "at once" to "a few statements apart".
OFFSETS_US = [-4000, -2000, -1000, -500, -200, 0, 0, 200, 500, 1000, 2000, 4000]


@dataclass
class PaidOrder:
    order_id: uuid.UUID
    student_id: uuid.UUID
    completion: dict[str, Any]
    charge_event: dict[str, Any]


def _paid_order(context: ServerContext, charge_event_type: str) -> PaidOrder:
    """A fresh student's order whose session is paid at the provider, with the two events the
    provider would send about it."""
    with transaction(context.session_factory) as db:
        student = User(
            email=f"racer-{uuid.uuid4().hex[:10]}@example.com",
            password_hash="x",
            full_name="Racer",
            email_verified_at=datetime.now(UTC),  # buying needs it
        )
        db.add(student)
        db.flush()
        db.add(UserRole(user_id=student.id, role=Role.STUDENT))
    actor = Actor(id=student.id, email=student.email, roles=frozenset({Role.STUDENT}))
    checkout = CheckoutService(
        context.session_factory, context.payments, "http://testserver", context.return_links
    )
    started = checkout.start(actor, CheckoutBody(course_id=PAID))
    with transaction(context.session_factory) as db:
        row = paid_at_provider(db, started.session_id)
        session_object = session_object_of(row)
        if charge_event_type == ev.CHARGE_REFUNDED:
            obj = ev.charge(
                payment_intent=row.payment_intent,
                amount=row.amount_total,
                currency=row.currency,
                amount_refunded=row.amount_total,
            )
        else:
            obj = ev.dispute(
                payment_intent=row.payment_intent,
                amount=row.amount_total,
                currency=row.currency,
                status="needs_response",
            )
    return PaidOrder(
        started.order_id,
        student.id,
        ev.event(ev.SESSION_COMPLETED, session_object),
        ev.event(charge_event_type, obj),
    )


def _deliver_both(context: ServerContext, paid: PaidOrder, offset_us: int) -> list[WebhookAnswer]:
    webhooks = PaymentWebhooks(context.session_factory, context.payments, TEST_WEBHOOK_SECRET)
    start = threading.Barrier(2)
    answers: list[WebhookAnswer] = []

    def deliver(event: dict[str, Any], delay_us: int) -> None:
        body = ev.encode(event)
        signature = ev.signature_header(body, TEST_WEBHOOK_SECRET)
        start.wait()
        if delay_us > 0:
            time.sleep(delay_us / 1e6)
        answers.append(webhooks.receive(body, signature))

    threads = [
        threading.Thread(target=deliver, args=(paid.completion, max(0, -offset_us))),
        threading.Thread(target=deliver, args=(paid.charge_event, max(0, offset_us))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers


def _outcome(
    context: ServerContext, paid: PaidOrder
) -> tuple[OrderStatus, EnrollmentStatus | None]:
    with transaction(context.session_factory) as db:
        order = db.get(Order, paid.order_id)
        assert order is not None
        enrollment = db.query(Enrollment).filter_by(student_id=paid.student_id).one_or_none()
        return order.status, enrollment.status if enrollment else None


@pytest.mark.parametrize(
    ("charge_event", "expected", "races"),
    [
        (ev.CHARGE_REFUNDED, (OrderStatus.REFUNDED, EnrollmentStatus.REFUNDED), 144),
        (ev.DISPUTE_CREATED, (OrderStatus.COMPLETED, EnrollmentStatus.SUSPENDED), 72),
    ],
)
def test_a_completion_racing_its_refund_or_dispute_always_ends_as_the_events_imply(
    racing_context: ServerContext,
    charge_event: str,
    expected: tuple[OrderStatus, EnrollmentStatus],
    races: int,
) -> None:
    wrong: list[tuple[int, tuple[OrderStatus, EnrollmentStatus | None]]] = []
    for race in range(races):
        paid = _paid_order(racing_context, charge_event)
        offset = OFFSETS_US[race % len(OFFSETS_US)]
        answers = _deliver_both(racing_context, paid, offset)
        assert sorted(a.status_code for a in answers) == [200, 200], answers
        outcome = _outcome(racing_context, paid)
        if outcome != expected:
            wrong.append((offset, outcome))
    assert wrong == [], f"{len(wrong)} of {races} races ended wrong: {wrong[:10]}"

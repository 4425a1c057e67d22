"""A student at the shop: checkout through the API, events shaped and signed as Stripe's."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lmsdesk_server.db.models import (
    Enrollment,
    Order,
    PaymentEvent,
    TestCheckoutSession,
    WebhookDelivery,
)
from lmsdesk_server.payments import stripe_events as ev
from tests.factories import DEFAULT_PASSWORD
from tests.support.server_keys import TEST_WEBHOOK_SECRET

API = "/api/v1"
WEBHOOK = f"{API}/webhooks/stripe"


def login(client: TestClient, email: str) -> dict[str, str]:
    response = client.post(f"{API}/auth/login", json={"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def post_event(
    client: TestClient,
    event: dict[str, Any],
    *,
    secret: str = TEST_WEBHOOK_SECRET,
    timestamp: int | None = None,
) -> httpx.Response:
    body = ev.encode(event)
    header = ev.signature_header(body, secret, timestamp=timestamp)
    headers = {"Stripe-Signature": header, "Content-Type": "application/json"}
    return client.post(WEBHOOK, content=body, headers=headers)


@dataclass
class Purchase:
    """One order with its test-provider session, and the events Stripe could send about it."""

    order_id: uuid.UUID
    session_id: str
    url: str

    def session_object(self, session: Session, **changes: Any) -> dict[str, Any]:
        row = session.get(TestCheckoutSession, self.session_id)
        assert row is not None
        session.refresh(row)
        return {**session_object_of(row), **changes}

    def mark_paid(self, session: Session) -> str:
        """What Stripe records when the student pays (before any event is delivered)."""
        row = session.get(TestCheckoutSession, self.session_id)
        assert row is not None
        row.status, row.payment_status = "complete", "paid"
        row.payment_intent = row.payment_intent or ev.new_id("pi")
        session.flush()
        return row.payment_intent

    def completed(self, session: Session) -> dict[str, Any]:
        return ev.event(ev.SESSION_COMPLETED, self.session_object(session))

    def async_succeeded(self, session: Session) -> dict[str, Any]:
        return ev.event(ev.SESSION_ASYNC_SUCCEEDED, self.session_object(session))

    def async_failed(self, session: Session) -> dict[str, Any]:
        return ev.event(ev.SESSION_ASYNC_FAILED, self.session_object(session))

    def expired(self, session: Session) -> dict[str, Any]:
        return ev.event(ev.SESSION_EXPIRED, self.session_object(session, status="expired"))

    def refunded(self, session: Session, *, amount_refunded: int = 1999) -> dict[str, Any]:
        pi = self.mark_paid(session)
        charge = ev.charge(
            payment_intent=pi, amount=1999, currency="usd", amount_refunded=amount_refunded
        )
        return ev.event(ev.CHARGE_REFUNDED, charge)

    def dispute(
        self, session: Session, event_type: str, status: str, dispute_id: str = "dp_test_1"
    ) -> dict[str, Any]:
        pi = self.mark_paid(session)
        obj = ev.dispute(
            payment_intent=pi, amount=1999, currency="usd", status=status, dispute_id=dispute_id
        )
        return ev.event(event_type, obj)


def start_purchase(client: TestClient, headers: dict[str, str], course_id: uuid.UUID) -> Purchase:
    response = client.post(
        f"{API}/checkout/sessions", json={"course_id": str(course_id)}, headers=headers
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return Purchase(uuid.UUID(body["order_id"]), body["session_id"], body["url"])


def order(session: Session, order_id: uuid.UUID) -> Order:
    row = session.get(Order, order_id)
    assert row is not None
    session.refresh(row)
    return row


def enrollments(session: Session, student_id: uuid.UUID) -> list[Enrollment]:
    session.expire_all()
    return list(session.scalars(select(Enrollment).where(Enrollment.student_id == student_id)))


def ledger_size(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(PaymentEvent)) or 0)


def deliveries(session: Session) -> list[WebhookDelivery]:
    session.expire_all()
    return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.received_at)))


def stale_timestamp() -> int:
    return int(time.time()) - 301


def session_object_of(row: TestCheckoutSession) -> dict[str, Any]:
    """The checkout session as the provider's events show it."""
    return ev.checkout_session(
        session_id=row.id,
        amount_total=row.amount_total,
        currency=row.currency,
        status=row.status,
        payment_status=row.payment_status,
        payment_intent=row.payment_intent,
        client_reference_id=row.client_reference_id,
        metadata=dict(row.metadata_),
        expires_at=int(row.expires_at.timestamp()),
    )


def paid_at_provider(db: Session, session_id: str) -> TestCheckoutSession:
    """What the provider records when the student pays (before any event is delivered)."""
    row = db.get(TestCheckoutSession, session_id)
    assert row is not None
    row.status, row.payment_status, row.payment_intent = "complete", "paid", ev.new_id("pi")
    return row

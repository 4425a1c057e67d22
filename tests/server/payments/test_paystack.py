"""Paystack as the third provider (DESIGN.md 11.5) against a stand-in shaped as its API and
webhooks: a transaction initialized with our reference, verified by reference before anything
is granted, webhooks verified by HMAC-SHA512; duplicates, forged signatures and events out of
order change nothing they should not; a refund of one course names its item."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import EnrollmentStatus, OrderStatus, PaymentProvider
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.models import User, WebhookDelivery
from lmsdesk_server.main import create_app
from lmsdesk_server.payments.paystack_provider import PaystackProvider
from tests.server.admin.helpers import ADMIN_API
from tests.server.payments.helpers import API, enrollments, ledger_size, login, order
from tests.server.storefront.helpers import SALE
from tests.server.sync.helpers import PAID
from tests.support.fake_paystack import SECRET_KEY, FakePaystack, event

WEBHOOK = f"{API}/webhooks/paystack"


@pytest.fixture
def paystack() -> Iterator[FakePaystack]:
    fake = FakePaystack()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def shop(context: ServerContext, paystack: FakePaystack) -> Iterator[TestClient]:
    provider = PaystackProvider(SECRET_KEY, api_base=paystack.url)
    with TestClient(create_app(dataclasses.replace(context, payments=provider))) as client:
        yield client


def _post(client: TestClient, signed: tuple[bytes, str]) -> int:
    body, signature = signed
    headers = {"x-paystack-signature": signature, "Content-Type": "application/json"}
    return client.post(WEBHOOK, content=body, headers=headers).status_code


def _buy(client: TestClient, student: User, courses: list[uuid.UUID]) -> tuple[uuid.UUID, str]:
    answer = client.post(
        f"{API}/checkout/sessions",
        json={"course_ids": [str(c) for c in courses]},
        headers=login(client, student.email),
    )
    assert answer.status_code == 201, answer.text
    return uuid.UUID(answer.json()["order_id"]), answer.json()["session_id"]


def _access(session: Session, student: User) -> dict[uuid.UUID, EnrollmentStatus]:
    return {e.course_id: e.status for e in enrollments(session, student.id)}


def test_a_transaction_is_initialized_verified_and_fulfilled_once(
    shop: TestClient, paystack: FakePaystack, session: Session, student: User
) -> None:
    order_id, reference = _buy(shop, student, [PAID])
    [initialize] = paystack.requests
    assert (initialize.method, initialize.path) == ("POST", "/transaction/initialize")
    assert initialize.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert initialize.body["amount"] == 1999  # the subunit, from the database
    assert initialize.body["currency"] == "USD"
    assert initialize.body["reference"] == reference == f"lmsdesk-{order_id}"
    assert initialize.body["metadata"]["order_id"] == str(order_id)
    assert "/checkout/success?order=" in initialize.body["callback_url"]
    assert order(session, order_id).provider is PaymentProvider.PAYSTACK

    charge = paystack.pay(reference)
    assert _post(shop, charge) == 200
    assert [r.path for r in paystack.requests][-1] == f"/transaction/verify/{reference}"
    assert order(session, order_id).status is OrderStatus.COMPLETED
    assert _access(session, student) == {PAID: EnrollmentStatus.ACTIVE}
    size = ledger_size(session)
    for _ in range(3):  # Paystack retries: the same event again changes nothing
        assert _post(shop, charge) == 200
    assert ledger_size(session) == size
    assert _access(session, student) == {PAID: EnrollmentStatus.ACTIVE}


def test_a_forged_or_unverified_payment_grants_nothing(
    shop: TestClient, paystack: FakePaystack, session: Session, student: User
) -> None:
    order_id, reference = _buy(shop, student, [PAID])
    body, _ = paystack.pay(reference)
    forged = (body, event("charge.success", {}, key="sk_test_not_ours")[1])
    assert _post(shop, forged) == 400
    assert _post(shop, (body, "")) == 400
    tampered = body.replace(b'"amount":1999', b'"amount":1')
    assert _post(shop, (tampered, event("x", {})[1])) == 400
    assert order(session, order_id).status is OrderStatus.PENDING
    assert ledger_size(session) == 0
    session.expire_all()
    rejected = session.query(WebhookDelivery).filter_by(signature_valid=False).count()
    assert rejected == 3

    # Signed, but Paystack itself says the payment failed: the event is not believed.
    paystack.transactions[reference]["status"] = "failed"
    signed = event("charge.success", {**paystack.transactions[reference], "status": "success"})
    assert _post(shop, signed) == 200
    assert order(session, order_id).status is OrderStatus.PENDING
    assert _access(session, student) == {}


def test_one_course_refunded_and_events_in_any_order(
    shop: TestClient,
    paystack: FakePaystack,
    session: Session,
    student: User,
    admin_headers: dict[str, str],
) -> None:
    order_id, reference = _buy(shop, student, [PAID, SALE])
    charge = paystack.pay(reference)
    assert _post(shop, charge) == 200
    answer = shop.post(
        f"{ADMIN_API}/orders/{order_id}/refund",
        json={"reason": "wrong course", "course_id": str(SALE)},
        headers=admin_headers,
    )
    assert answer.status_code == 200, answer.text
    [refund] = paystack.refunds
    assert refund["amount"] == 1499
    assert refund["merchant_note"].endswith(":" + refund["merchant_note"].rsplit(":", 1)[-1])
    again = shop.post(  # asked again before Paystack has confirmed the first
        f"{ADMIN_API}/orders/{order_id}/refund",
        json={"reason": "wrong course", "course_id": str(SALE)},
        headers=admin_headers,
    )
    assert again.status_code == 409, again.text
    assert again.json()["error"]["code"] == "refund_pending"  # not refunded yet: never twice
    assert len(paystack.refunds) == 1
    pending = paystack.process_refund(refund["id"], "pending")
    processed = paystack.process_refund(refund["id"], "processed")
    for signed in (processed, pending, processed):  # late, early, duplicate
        assert _post(shop, signed) == 200
    assert _access(session, student) == {
        PAID: EnrollmentStatus.ACTIVE,
        SALE: EnrollmentStatus.REFUNDED,
    }
    assert order(session, order_id).status is OrderStatus.COMPLETED


def test_a_whole_refund_seen_before_the_payment_wins_after_it(
    shop: TestClient,
    paystack: FakePaystack,
    session: Session,
    student: User,
) -> None:
    order_id, reference = _buy(shop, student, [PAID])
    charge = paystack.pay(reference)
    provider = PaystackProvider(SECRET_KEY, api_base=paystack.url)
    made = provider.refund(reference, None, idempotency_key="k1")
    assert provider.refund(reference, None, idempotency_key="k1").refund_id == made.refund_id
    processed = paystack.process_refund(int(made.refund_id))
    assert _post(shop, processed) == 200  # before the payment's own event
    assert _access(session, student) == {}
    assert _post(shop, charge) == 200
    assert order(session, order_id).status is OrderStatus.REFUNDED
    assert _access(session, student) == {PAID: EnrollmentStatus.REFUNDED}

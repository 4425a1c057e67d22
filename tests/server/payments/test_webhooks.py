"""The webhook: verified, recorded once, applied once, in any order (DESIGN.md section 6)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import EnrollmentStatus, OrderStatus
from lmsdesk_server.db.models import Certificate, PaymentEvent, User
from lmsdesk_server.db.models.commerce import DeliveryOutcome
from lmsdesk_server.payments import stripe_events as ev
from tests.server.payments.helpers import (
    Purchase,
    deliveries,
    enrollments,
    ledger_size,
    order,
    post_event,
    stale_timestamp,
    start_purchase,
)
from tests.server.sync.helpers import PAID

Shop = tuple[TestClient, Session, Purchase, User]


@pytest.fixture
def shop(client: TestClient, session: Session, headers: dict[str, str], student: User) -> Shop:
    return client, session, start_purchase(client, headers, PAID), student


def _status(shop: Shop) -> tuple[OrderStatus, list[EnrollmentStatus]]:
    _, session, purchase, student = shop
    return order(session, purchase.order_id).status, [
        e.status for e in enrollments(session, student.id)
    ]


def test_completed_and_paid_grants_the_course(shop: Shop) -> None:
    client, session, purchase, _ = shop
    purchase.mark_paid(session)
    response = post_event(client, purchase.completed(session))
    assert response.status_code == 200
    assert _status(shop) == (OrderStatus.COMPLETED, [EnrollmentStatus.ACTIVE])
    assert order(session, purchase.order_id).provider_payment_intent_id is not None


def test_completed_but_unpaid_waits_for_the_async_payment(shop: Shop) -> None:
    client, session, purchase, _ = shop
    post_event(client, purchase.completed(session))  # bank transfer still running
    assert _status(shop) == (OrderStatus.PENDING, [])

    purchase.mark_paid(session)
    post_event(client, purchase.async_succeeded(session))
    assert _status(shop) == (OrderStatus.COMPLETED, [EnrollmentStatus.ACTIVE])


def test_async_failure_fails_the_order(shop: Shop) -> None:
    client, session, purchase, _ = shop
    post_event(client, purchase.async_failed(session))
    assert _status(shop) == (OrderStatus.FAILED, [])


def test_expiry_expires_the_order(shop: Shop) -> None:
    client, session, purchase, _ = shop
    post_event(client, purchase.expired(session))
    assert _status(shop) == (OrderStatus.EXPIRED, [])


def test_a_full_refund_revokes_and_a_partial_one_does_not(shop: Shop) -> None:
    client, session, purchase, _ = shop
    purchase.mark_paid(session)
    post_event(client, purchase.completed(session))
    post_event(client, purchase.refunded(session, amount_refunded=500))
    assert _status(shop) == (OrderStatus.COMPLETED, [EnrollmentStatus.ACTIVE])

    post_event(client, purchase.refunded(session))
    assert _status(shop) == (OrderStatus.REFUNDED, [EnrollmentStatus.REFUNDED])
    row = order(session, purchase.order_id)
    assert row.refunded_at is not None


@pytest.mark.parametrize(
    ("closed_as", "expected"),
    [
        ("won", (OrderStatus.COMPLETED, [EnrollmentStatus.ACTIVE])),
        ("lost", (OrderStatus.REFUNDED, [EnrollmentStatus.REVOKED])),
    ],
)
def test_a_dispute_suspends_then_restores_or_revokes(
    shop: Shop, closed_as: str, expected: tuple[OrderStatus, list[EnrollmentStatus]]
) -> None:
    client, session, purchase, _ = shop
    purchase.mark_paid(session)
    post_event(client, purchase.completed(session))
    post_event(client, purchase.dispute(session, ev.DISPUTE_CREATED, "needs_response"))
    assert _status(shop) == (OrderStatus.COMPLETED, [EnrollmentStatus.SUSPENDED])

    post_event(client, purchase.dispute(session, ev.DISPUTE_CLOSED, closed_as))
    assert _status(shop) == expected


def test_a_dispute_closed_before_its_creation_arrives_stays_closed(shop: Shop) -> None:
    client, session, purchase, _ = shop
    purchase.mark_paid(session)
    post_event(client, purchase.completed(session))
    post_event(client, purchase.dispute(session, ev.DISPUTE_CLOSED, "won"))
    post_event(client, purchase.dispute(session, ev.DISPUTE_CREATED, "needs_response"))
    assert _status(shop) == (OrderStatus.COMPLETED, [EnrollmentStatus.ACTIVE])


def test_ten_deliveries_of_one_event_enroll_once_and_are_all_recorded(shop: Shop) -> None:
    client, session, purchase, _ = shop
    purchase.mark_paid(session)
    event = purchase.completed(session)
    for _ in range(10):
        assert post_event(client, event).status_code == 200

    assert _status(shop) == (OrderStatus.COMPLETED, [EnrollmentStatus.ACTIVE])
    assert ledger_size(session) == 1
    outcomes = sorted(d.outcome for d in deliveries(session))
    assert outcomes == [DeliveryOutcome.DUPLICATE] * 9 + [DeliveryOutcome.PROCESSED]


EventMaker = Callable[[Purchase, Session], dict[str, Any]]
_SEQUENCE: dict[str, EventMaker] = {
    "completed": lambda p, s: p.completed(s),
    "async_succeeded": lambda p, s: p.async_succeeded(s),
    "refunded": lambda p, s: p.refunded(s),
    "expired": lambda p, s: p.expired(s),
}


def test_every_order_of_completed_async_refunded_expired_ends_refunded_once(
    client: TestClient, session: Session, headers: dict[str, str], student: User
) -> None:
    # One paid order per permutation; a refund anywhere in the sequence wins, and there is
    # never more than one enrollment for the course.
    for permutation in itertools.permutations(_SEQUENCE):
        purchase = start_purchase(client, headers, PAID)
        purchase.mark_paid(session)
        for name in permutation:
            assert post_event(client, _SEQUENCE[name](purchase, session)).status_code == 200
        shop = (client, session, purchase, student)
        assert _status(shop) == (OrderStatus.REFUNDED, [EnrollmentStatus.REFUNDED]), permutation


def test_a_refund_seen_before_its_completion_is_not_undone(shop: Shop) -> None:
    client, session, purchase, _ = shop
    post_event(client, purchase.refunded(session))  # the order does not know its payment yet
    assert _status(shop) == (OrderStatus.PENDING, [])

    post_event(client, purchase.completed(session))
    status, enrolled = _status(shop)
    assert status is OrderStatus.REFUNDED
    assert EnrollmentStatus.ACTIVE not in enrolled


def _nothing_changed(shop: Shop) -> None:
    assert _status(shop) == (OrderStatus.PENDING, [])
    assert ledger_size(shop[1]) == 0


def test_a_bad_signature_is_refused_and_changes_nothing(shop: Shop) -> None:
    client, session, purchase, _ = shop
    purchase.mark_paid(session)
    response = post_event(client, purchase.completed(session), secret="whsec_attacker")
    assert response.status_code == 400
    _nothing_changed(shop)
    [delivery] = deliveries(session)
    assert (delivery.outcome, delivery.signature_valid) == (DeliveryOutcome.REJECTED, False)
    assert delivery.event_id is None  # an unverified body is not trusted, not even its id


def test_a_tampered_body_is_refused(shop: Shop) -> None:
    client, session, purchase, _ = shop
    purchase.mark_paid(session)
    body = ev.encode(purchase.completed(session))
    header = ev.signature_header(body, "whsec_test_0123456789abcdef")
    tampered = body.replace(b'"livemode":false', b'"livemode":false ')
    response = client.post(
        "/api/v1/webhooks/stripe", content=tampered, headers={"Stripe-Signature": header}
    )
    assert response.status_code == 400
    _nothing_changed(shop)


def test_a_missing_signature_is_refused(shop: Shop) -> None:
    client, session, purchase, _ = shop
    response = client.post(
        "/api/v1/webhooks/stripe", content=ev.encode(purchase.completed(session))
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "webhook_rejected"
    _nothing_changed(shop)


def test_a_stale_timestamp_is_refused(shop: Shop) -> None:
    client, session, purchase, _ = shop
    purchase.mark_paid(session)
    response = post_event(client, purchase.completed(session), timestamp=stale_timestamp())
    assert response.status_code == 400
    _nothing_changed(shop)


def test_a_live_mode_event_on_a_test_server_is_refused(shop: Shop) -> None:
    client, session, purchase, _ = shop
    purchase.mark_paid(session)
    event = purchase.completed(session)
    event["livemode"] = True
    assert post_event(client, event).status_code == 400
    _nothing_changed(shop)


def test_an_amount_mismatch_grants_nothing_and_is_recorded(shop: Shop) -> None:
    client, session, purchase, _ = shop
    purchase.mark_paid(session)
    order(session, purchase.order_id).amount_cents = 2999  # the session charged 1999
    session.flush()
    assert post_event(client, purchase.completed(session)).status_code == 200
    assert _status(shop) == (OrderStatus.PENDING, [])
    [ledger] = session.scalars(select(PaymentEvent)).all()
    assert ledger.processing_error is not None
    assert "Amount mismatch" in ledger.processing_error


def test_an_unknown_event_type_is_acknowledged_and_ignored(shop: Shop) -> None:
    client, session, _purchase, _ = shop
    response = post_event(
        client, ev.event("customer.created", {"id": "cus_1", "object": "customer"})
    )
    assert response.status_code == 200
    _nothing_changed(shop)
    [delivery] = deliveries(session)
    assert delivery.outcome is DeliveryOutcome.IGNORED


def test_a_session_naming_another_order_is_not_fulfilled(shop: Shop) -> None:
    client, session, purchase, _ = shop
    purchase.mark_paid(session)
    event = purchase.completed(session)
    event["data"]["object"]["id"] = "cs_test_forged"
    # The provider has no such session: asking again cannot help, so the delivery is
    # acknowledged (no retry storm) and kept on record as ignored.
    response = post_event(client, event)
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    _nothing_changed(shop)
    [delivery] = deliveries(session)
    assert delivery.outcome is DeliveryOutcome.IGNORED
    assert "cs_test_forged" in delivery.detail


def _post_signed(client: TestClient, body: bytes) -> Any:
    header = ev.signature_header(body, "whsec_test_0123456789abcdef")
    return client.post(
        "/api/v1/webhooks/stripe", content=body, headers={"Stripe-Signature": header}
    )


@pytest.mark.parametrize("body", [b"[]", b"[1, 2]", b"42", b"null", b'"text"', b"{}"])
def test_a_signed_body_that_is_not_an_event_object_is_a_400(shop: Shop, body: bytes) -> None:
    client, session, _purchase, _ = shop
    response = _post_signed(client, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "webhook_rejected"
    _nothing_changed(shop)
    assert deliveries(session)[-1].outcome is DeliveryOutcome.REJECTED


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("created", 1e30),
        ("created", 10**30),
        ("created", -5),
        ("created", "yesterday"),
        ("id", ""),
        ("id", "evt\u0000x"),
        ("type", 7),
        ("livemode", "no"),
    ],
)
def test_a_signed_event_with_fields_out_of_bounds_is_a_400(
    shop: Shop, field: str, value: object
) -> None:
    client, session, purchase, _ = shop
    purchase.mark_paid(session)
    event = purchase.completed(session)
    event[field] = value
    response = _post_signed(client, json.dumps(event).encode())
    assert response.status_code == 400, response.text
    _nothing_changed(shop)


@pytest.mark.parametrize("obj", [[], [1], "cs_test", None, 5])
def test_a_signed_event_whose_object_is_not_an_object_is_a_400(shop: Shop, obj: object) -> None:
    client, session, purchase, _ = shop
    purchase.mark_paid(session)
    event = purchase.completed(session)
    event["data"]["object"] = obj
    assert _post_signed(client, json.dumps(event).encode()).status_code == 400
    _nothing_changed(shop)


def test_text_postgresql_cannot_store_in_a_signed_event_is_a_400(shop: Shop) -> None:
    client, session, purchase, _ = shop
    purchase.mark_paid(session)
    event = purchase.completed(session)
    event["data"]["object"]["metadata"]["note"] = "a\u0000b"
    assert _post_signed(client, json.dumps(event).encode()).status_code == 400
    _nothing_changed(shop)


def test_a_refund_revokes_the_certificate_the_course_earned(shop: Shop) -> None:
    client, session, purchase, student = shop
    purchase.mark_paid(session)
    post_event(client, purchase.completed(session))
    session.add(
        Certificate(
            student_id=student.id,
            course_id=PAID,
            certificate_number="LMS-T-1",
            signature="sig",
            sync_partition="x",
            sync_version=0,
        )
    )
    session.flush()
    post_event(client, purchase.refunded(session))
    session.expire_all()
    certificate = session.scalars(select(Certificate)).one()
    assert certificate.revoked_at is not None
    assert certificate.sync_partition == f"user:{student.id}", "the revocation syncs down"

"""A refund of one course of a multi-course order returns what was paid for that course and
revokes only its access (DESIGN.md 11.5); the refund's own events name the order item, and
whatever order the events arrive in, the end state is the one they imply."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import EnrollmentStatus, OrderStatus
from lmsdesk_server.db.models import OrderItem, User
from lmsdesk_server.payments import stripe_events as ev
from tests.server.admin.helpers import ADMIN_API
from tests.server.payments.helpers import API, Purchase, enrollments, order, post_event
from tests.server.storefront.helpers import SALE, checkout, error, pay
from tests.server.sync.helpers import PAID

pytestmark = pytest.mark.usefixtures("seeded")


def _access(session: Session, student: User) -> dict[uuid.UUID, EnrollmentStatus]:
    return {e.course_id: e.status for e in enrollments(session, student.id)}


def _refund(
    client: TestClient, headers: dict[str, str], order_id: str, course: uuid.UUID
) -> object:
    body = {"reason": "bought by mistake", "course_id": str(course)}
    return client.post(f"{ADMIN_API}/orders/{order_id}/refund", json=body, headers=headers)


def test_refunding_one_course_revokes_only_that_course(
    client: TestClient,
    session: Session,
    student: User,
    headers: dict[str, str],
    admin_headers: dict[str, str],
) -> None:
    started = checkout(client, headers, [PAID, SALE], "WELCOME20").json()
    pay(client, started["session_id"])
    order_id = started["order_id"]
    one = _refund(client, admin_headers, order_id, SALE)
    assert one.status_code == 200, one.text  # type: ignore[attr-defined]
    assert one.json()["amount_cents"] == 1199  # type: ignore[attr-defined]  # after the coupon
    # refund.created and charge.refunded (not in full) arrived inline.
    assert _access(session, student) == {
        PAID: EnrollmentStatus.ACTIVE,
        SALE: EnrollmentStatus.REFUNDED,
    }
    assert order(session, uuid.UUID(order_id)).status is OrderStatus.COMPLETED
    view = client.get(f"{API}/orders/{order_id}", headers=headers).json()
    assert [(i["course_id"], i["refunded_at"] is not None) for i in view["items"]] == [
        (str(PAID), False),
        (str(SALE), True),
    ]
    assert view["enrollment_active"] is True  # what is left of the order is still there
    twice = _refund(client, admin_headers, order_id, SALE)
    assert error(twice) == (409, "already_refunded")
    wrong = client.post(
        f"{ADMIN_API}/orders/{order_id}/refund",
        json={"reason": "bought by mistake", "course_id": str(PAID), "amount_cents": 1},
        headers=admin_headers,
    )
    assert error(wrong) == (422, "not_the_item_amount")
    rest = _refund(client, admin_headers, order_id, PAID)
    assert rest.status_code == 200  # type: ignore[attr-defined]
    assert order(session, uuid.UUID(order_id)).status is OrderStatus.REFUNDED
    assert set(_access(session, student).values()) == {EnrollmentStatus.REFUNDED}


def _item(session: Session, order_id: uuid.UUID, course: uuid.UUID) -> OrderItem:
    session.expire_all()
    return session.scalars(
        select(OrderItem).where(OrderItem.order_id == order_id, OrderItem.course_id == course)
    ).one()


def _refund_event(
    purchase: Purchase, session: Session, item: OrderItem, status: str, refund_id: str
) -> dict[str, object]:
    payment = purchase.mark_paid(session)
    obj = ev.refund(
        refund_id=refund_id,
        payment_intent=payment,
        amount=item.amount_cents,
        currency="usd",
        status=status,
        metadata={"order_item_id": str(item.id)},
    )
    kind = ev.REFUND_FAILED if status == "failed" else ev.REFUND_CREATED
    return ev.event(kind, obj)


def test_an_item_refund_seen_before_the_payment_is_applied_when_it_completes(
    client: TestClient, session: Session, student: User, headers: dict[str, str]
) -> None:
    started = checkout(client, headers, [PAID, SALE]).json()
    purchase = Purchase(uuid.UUID(started["order_id"]), started["session_id"], started["url"])
    item = _item(session, purchase.order_id, SALE)
    early = _refund_event(purchase, session, item, "succeeded", "re_test_early")
    assert post_event(client, early).status_code == 200
    assert _access(session, student) == {}  # nothing paid yet
    assert post_event(client, purchase.completed(session)).status_code == 200
    assert _access(session, student) == {
        PAID: EnrollmentStatus.ACTIVE,
        SALE: EnrollmentStatus.REFUNDED,
    }
    assert _item(session, purchase.order_id, SALE).refunded_at is not None


@pytest.mark.parametrize("failed_first", [True, False])
def test_a_failed_refund_gives_nothing_back_whatever_order_its_events_come_in(
    client: TestClient,
    session: Session,
    student: User,
    headers: dict[str, str],
    failed_first: bool,
) -> None:
    started = checkout(client, headers, [PAID, SALE]).json()
    purchase = Purchase(uuid.UUID(started["order_id"]), started["session_id"], started["url"])
    item = _item(session, purchase.order_id, SALE)
    # Pending, then failed: the money never came back (and a pending refund keeps access).
    created = _refund_event(purchase, session, item, "pending", "re_test_flaky")
    failed = _refund_event(purchase, session, item, "failed", "re_test_flaky")
    assert post_event(client, purchase.completed(session)).status_code == 200
    for event in (failed, created) if failed_first else (created, failed):
        assert post_event(client, event).status_code == 200
    assert _access(session, student) == {
        PAID: EnrollmentStatus.ACTIVE,
        SALE: EnrollmentStatus.ACTIVE,
    }
    assert _item(session, purchase.order_id, SALE).refunded_at is None


def test_a_refund_that_fails_after_it_went_through_gives_access_back(
    client: TestClient, session: Session, student: User, headers: dict[str, str]
) -> None:
    started = checkout(client, headers, [PAID, SALE]).json()
    purchase = Purchase(uuid.UUID(started["order_id"]), started["session_id"], started["url"])
    item = _item(session, purchase.order_id, SALE)
    purchase.mark_paid(session)
    assert post_event(client, purchase.completed(session)).status_code == 200
    went = _refund_event(purchase, session, item, "succeeded", "re_test_bounced")
    assert post_event(client, went).status_code == 200
    assert _access(session, student)[SALE] is EnrollmentStatus.REFUNDED
    bounced = _refund_event(purchase, session, item, "failed", "re_test_bounced")
    assert post_event(client, bounced).status_code == 200
    assert _access(session, student)[SALE] is EnrollmentStatus.ACTIVE
    assert _item(session, purchase.order_id, SALE).refunded_at is None

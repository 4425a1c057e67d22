"""Granting a course without payment and refunding an order from the console (DESIGN.md 11.1),
on real PostgreSQL with the test provider shaped as Stripe: the refund goes through the
provider's API with the decision's id as the idempotency key, and access changes when the
provider's charge.refunded event arrives."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import EnrollmentStatus, OrderStatus
from lmsdesk_server.db.models import TestCheckoutSession, User
from tests.server.accounts.test_endpoints import error_code
from tests.server.admin.helpers import ADMIN_API, audit_actions, buy
from tests.server.payments.helpers import enrollments, order
from tests.server.sync.helpers import DRAFT, PAID, DeviceFactory, rows

pytestmark = pytest.mark.usefixtures("seeded")


def _grant(
    client: TestClient, headers: dict[str, str], user: User, course: uuid.UUID = PAID
) -> object:
    return client.post(
        f"{ADMIN_API}/enrollments",
        json={"user_id": str(user.id), "course_id": str(course), "reason": "scholarship"},
        headers=headers,
    )


def test_a_granted_course_reaches_the_student_at_their_next_sync(
    client: TestClient,
    student: User,
    admin_headers: dict[str, str],
    device_for: DeviceFactory,
) -> None:
    device = device_for(student)
    device.pull_all()
    answer = _grant(client, admin_headers, student)
    assert answer.status_code == 201, answer.text  # type: ignore[attr-defined]
    body = answer.json()  # type: ignore[attr-defined]
    assert (body["course_id"], body["status"], body["source"]) == (
        str(PAID),
        "active",
        "admin_grant",
    )
    synced = rows(device.pull_all(), "enrollments")
    assert [r["course_id"] for r in synced.values()] == [str(PAID)]
    [entry] = audit_actions(client, admin_headers, "enrollment.grant")
    assert entry["reason"] == "scholarship"
    assert student.email in entry["summary"]

    twice = _grant(client, admin_headers, student)
    assert (twice.status_code, error_code(twice)) == (409, "already_enrolled")  # type: ignore[attr-defined]
    unpublished = _grant(client, admin_headers, student, DRAFT)
    assert (unpublished.status_code, error_code(unpublished)) == (409, "not_published")  # type: ignore[attr-defined]
    nobody = client.post(
        f"{ADMIN_API}/enrollments",
        json={"user_id": str(uuid.uuid4()), "course_id": str(PAID), "reason": "x" * 5},
        headers=admin_headers,
    )
    assert nobody.status_code == 404
    no_reason = client.post(
        f"{ADMIN_API}/enrollments",
        json={"user_id": str(student.id), "course_id": str(PAID), "reason": ""},
        headers=admin_headers,
    )
    assert no_reason.status_code == 422


def _refund(
    client: TestClient, headers: dict[str, str], order_id: uuid.UUID, amount: int | None = None
) -> object:
    body: dict[str, object] = {"reason": "asked within 30 days"}
    if amount is not None:
        body["amount_cents"] = amount
    return client.post(f"{ADMIN_API}/orders/{order_id}/refund", json=body, headers=headers)


def test_a_full_refund_goes_through_the_provider_and_ends_access(
    client: TestClient,
    session: Session,
    student: User,
    admin_headers: dict[str, str],
) -> None:
    order_id = buy(client, student)
    assert [e.status for e in enrollments(session, student.id)] == [EnrollmentStatus.ACTIVE]
    answer = _refund(client, admin_headers, order_id)
    assert answer.status_code == 200, answer.text  # type: ignore[attr-defined]
    body = answer.json()  # type: ignore[attr-defined]
    assert body["amount_cents"] == order(session, order_id).amount_cents
    assert body["refund_id"].startswith("re_")
    # The provider's charge.refunded arrived (inline here) and did what a dashboard refund does.
    assert order(session, order_id).status is OrderStatus.REFUNDED
    assert [e.status for e in enrollments(session, student.id)] == [EnrollmentStatus.REFUNDED]
    [entry] = audit_actions(client, admin_headers, "order.refund")
    assert entry["details"]["refund_id"] == body["refund_id"]

    again = _refund(client, admin_headers, order_id)
    assert (again.status_code, error_code(again)) == (409, "refund_refused")  # type: ignore[attr-defined]
    assert "refunded in full" in again.json()["error"]["message"]  # type: ignore[attr-defined]
    assert len(audit_actions(client, admin_headers, "order.refund")) == 1


def test_a_partial_refund_keeps_access_and_never_exceeds_the_payment(
    client: TestClient,
    session: Session,
    student: User,
    admin_headers: dict[str, str],
) -> None:
    order_id = buy(client, student)
    paid = order(session, order_id).amount_cents
    too_much = _refund(client, admin_headers, order_id, paid + 1)
    assert (too_much.status_code, error_code(too_much)) == (422, "too_much")  # type: ignore[attr-defined]

    part = _refund(client, admin_headers, order_id, 500)
    assert part.status_code == 200, part.text  # type: ignore[attr-defined]
    assert order(session, order_id).status is OrderStatus.COMPLETED
    assert [e.status for e in enrollments(session, student.id)] == [EnrollmentStatus.ACTIVE]
    beyond = _refund(client, admin_headers, order_id, paid - 400)  # only paid - 500 is left
    assert (beyond.status_code, error_code(beyond)) == (409, "refund_refused")  # type: ignore[attr-defined]
    rest = _refund(client, admin_headers, order_id)
    assert rest.status_code == 200
    assert rest.json()["amount_cents"] == paid - 500
    assert order(session, order_id).status is OrderStatus.REFUNDED
    ledger = session.get(TestCheckoutSession, order(session, order_id).provider_session_id)
    assert ledger is not None
    assert sum(r["amount"] for r in ledger.refunds) == paid, "never more than was paid"


def test_a_replayed_offline_refund_refunds_nothing_twice(
    client: TestClient,
    session: Session,
    student: User,
    admin: User,
    device_for: DeviceFactory,
) -> None:
    order_id = buy(client, student)
    device = device_for(admin)
    refund = device.mutation(
        m.ADMIN_REFUND, action_id=uuid.uuid4(), order_id=order_id, amount_cents=300, reason="late"
    )
    [first] = device.push(refund)["results"]
    assert first["status"] == "applied", first
    # The answer was lost; the outbox sends the same decision again under a new mutation id.
    resent = dict(refund, mutation_id=str(uuid.uuid4()), seq=refund["seq"] + 1)
    [second] = device.push(resent)["results"]
    assert second["status"] == "applied"
    ledger = session.get(TestCheckoutSession, order(session, order_id).provider_session_id)
    assert ledger is not None
    session.refresh(ledger)
    assert [r["amount"] for r in ledger.refunds] == [300], "one refund at the provider"


def test_only_a_paid_order_can_be_refunded(
    client: TestClient, student: User, admin_headers: dict[str, str]
) -> None:
    from tests.server.payments.helpers import login, start_purchase

    pending = start_purchase(client, login(client, student.email), PAID)
    answer = _refund(client, admin_headers, pending.order_id)
    assert (answer.status_code, error_code(answer)) == (409, "not_paid")  # type: ignore[attr-defined]
    missing = _refund(client, admin_headers, uuid.uuid4())
    assert missing.status_code == 404  # type: ignore[attr-defined]
    assert audit_actions(client, admin_headers, "order") == []

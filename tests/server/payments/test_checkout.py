"""Starting, paying, cancelling and reading a purchase through the API and the test provider's
checkout page; free enrollment."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import EnrollmentStatus, OrderStatus
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.models import Order, PaymentEvent, TestCheckoutSession, User
from lmsdesk_server.payments.provider import ProviderUnavailable
from tests.factories import make_user
from tests.server.payments.helpers import API, enrollments, login, order, start_purchase
from tests.server.sync.helpers import DRAFT, FREE, PAID, PENDING


def test_checkout_takes_the_price_from_the_database_and_opens_the_test_page(
    client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    purchase = start_purchase(client, headers, PAID)

    row = order(session, purchase.order_id)
    assert (row.status, row.amount_cents, row.currency) == (OrderStatus.PENDING, 1999, "USD")
    assert row.provider_session_id == purchase.session_id
    assert purchase.url == f"http://testserver/checkout/test/{purchase.session_id}"

    page = client.get(f"/checkout/test/{purchase.session_id}")
    assert page.status_code == 200
    assert "Practical SQLite" in page.text
    assert "$19.99" in page.text
    # Two separate forms: Pay and Cancel.
    assert len(re.findall(r"<form method='post'", page.text)) == 2
    assert f"/checkout/test/{purchase.session_id}/pay" in page.text
    assert f"/checkout/test/{purchase.session_id}/cancel" in page.text


def test_a_price_sent_by_the_client_is_refused(
    client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    response = client.post(
        f"{API}/checkout/sessions", headers=headers, json={"course_id": str(PAID), "price_cents": 1}
    )
    assert response.status_code == 422
    assert session.scalars(select(Order)).all() == []


def test_paying_on_the_test_page_completes_the_order_and_enrolls_once(
    client: TestClient,
    session: Session,
    headers: dict[str, str],
    student: User,
    context: ServerContext,
) -> None:
    purchase = start_purchase(client, headers, PAID)

    paid = client.post(f"/checkout/test/{purchase.session_id}/pay", follow_redirects=False)
    assert paid.status_code == 303
    signature = context.return_links.signature(purchase.order_id)
    assert (
        paid.headers["location"] == f"/checkout/success?order={purchase.order_id}&sig={signature}"
    )
    # A double click pays nothing twice.
    client.post(f"/checkout/test/{purchase.session_id}/pay", follow_redirects=False)

    view = client.get(f"{API}/orders/{purchase.order_id}", headers=headers).json()
    assert view["status"] == "completed"
    assert view["enrollment_active"] is True
    [enrollment] = enrollments(session, student.id)
    assert (enrollment.status, enrollment.order_id) == (EnrollmentStatus.ACTIVE, purchase.order_id)
    assert enrollment.price_paid_cents == 1999
    assert session.scalars(select(PaymentEvent.event_type)).all() == ["checkout.session.completed"]
    success = client.get(paid.headers["location"])
    assert "Payment received" in success.text
    assert "Practical SQLite" in success.text
    assert (
        "already enrolled"
        in client.post(
            f"{API}/checkout/sessions", json={"course_id": str(PAID)}, headers=headers
        ).json()["error"]["message"]
    )


def test_cancel_closes_the_session_and_a_later_pay_does_nothing(
    client: TestClient, session: Session, headers: dict[str, str], student: User
) -> None:
    purchase = start_purchase(client, headers, PAID)

    cancelled = client.post(f"/checkout/test/{purchase.session_id}/cancel", follow_redirects=True)
    assert "Checkout cancelled" in cancelled.text
    assert "Nothing was charged" in cancelled.text

    assert order(session, purchase.order_id).status is OrderStatus.CANCELLED
    # The provider's expired event arrived and changed nothing more.
    assert session.scalars(select(PaymentEvent.event_type)).all() == ["checkout.session.expired"]
    client.post(f"/checkout/test/{purchase.session_id}/pay")
    assert order(session, purchase.order_id).status is OrderStatus.CANCELLED
    assert enrollments(session, student.id) == []
    assert "has closed" in client.get(f"/checkout/test/{purchase.session_id}").text


def test_the_app_can_cancel_its_own_order_but_not_a_completed_one(
    client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    purchase = start_purchase(client, headers, PAID)
    response = client.post(f"{API}/orders/{purchase.order_id}/cancel", headers=headers)
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    row = session.get(TestCheckoutSession, purchase.session_id)
    assert row is not None
    assert row.status == "expired"

    second = start_purchase(client, headers, PAID)
    client.post(f"/checkout/test/{second.session_id}/pay")
    response = client.post(f"{API}/orders/{second.order_id}/cancel", headers=headers)
    assert response.json()["status"] == "completed"


def test_orders_are_private_and_listed_newest_first(
    client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    first = start_purchase(client, headers, PAID)
    second = start_purchase(client, headers, PAID)
    session.get(Order, first.order_id).created_at -= timedelta(minutes=1)  # type: ignore[union-attr]
    session.flush()

    listed = client.get(f"{API}/orders", headers=headers).json()
    assert [o["id"] for o in listed] == [str(second.order_id), str(first.order_id)]
    assert listed[0]["course_title"] == "Practical SQLite"

    other = make_user(session, roles=(Role.STUDENT,))
    other_headers = login(client, other.email)
    assert client.get(f"{API}/orders/{first.order_id}", headers=other_headers).status_code == 404
    assert (
        client.post(f"{API}/orders/{first.order_id}/cancel", headers=other_headers).status_code
        == 404
    )
    assert order(session, first.order_id).status is OrderStatus.PENDING
    assert client.get(f"{API}/orders", headers=other_headers).json() == []


def test_free_courses_enroll_without_checkout_and_paid_ones_do_not(
    client: TestClient, session: Session, headers: dict[str, str], student: User
) -> None:
    refused = client.post(f"{API}/enrollments/free", json={"course_id": str(PAID)}, headers=headers)
    assert refused.status_code == 402
    assert "19.99 USD" in refused.json()["error"]["message"]
    assert enrollments(session, student.id) == []

    for _ in range(2):
        response = client.post(
            f"{API}/enrollments/free", json={"course_id": str(FREE)}, headers=headers
        )
        assert response.status_code == 201
        assert response.json()["status"] == "active"
    assert len(enrollments(session, student.id)) == 1
    listed = client.get(f"{API}/enrollments", headers=headers).json()
    assert [(e["course_title"], e["source"]) for e in listed] == [
        ("Offline-First Apps: The Basics", "free")
    ]
    free_checkout = client.post(
        f"{API}/checkout/sessions", json={"course_id": str(FREE)}, headers=headers
    )
    assert free_checkout.status_code == 409
    assert free_checkout.json()["error"]["code"] == "free_course"


@pytest.mark.parametrize("course_id", [PENDING, DRAFT, uuid.uuid4()])
def test_only_catalog_courses_can_be_bought(
    client: TestClient, session: Session, headers: dict[str, str], course_id: uuid.UUID
) -> None:
    response = client.post(
        f"{API}/checkout/sessions", json={"course_id": str(course_id)}, headers=headers
    )
    assert response.status_code == 404
    assert session.scalars(select(Order)).all() == []


@pytest.mark.usefixtures("student")
def test_only_students_buy(client: TestClient, session: Session) -> None:
    instructor = make_user(session, roles=(Role.INSTRUCTOR,))
    response = client.post(
        f"{API}/checkout/sessions",
        json={"course_id": str(PAID)},
        headers=login(client, instructor.email),
    )
    assert response.status_code == 403
    assert client.post(f"{API}/checkout/sessions", json={"course_id": str(PAID)}).status_code == 401


def test_a_provider_failure_leaves_a_failed_order_and_a_clear_message(
    client: TestClient,
    session: Session,
    headers: dict[str, str],
    context: ServerContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(_request: object) -> None:
        raise ProviderUnavailable("Stripe could not start the checkout.")

    monkeypatch.setattr(context.payments, "create_session", refuse)
    response = client.post(
        f"{API}/checkout/sessions", json={"course_id": str(PAID)}, headers=headers
    )
    assert response.status_code == 502
    assert "Nothing was charged" in response.json()["error"]["message"]
    [row] = session.scalars(select(Order)).all()
    assert row.status is OrderStatus.FAILED


def test_reading_a_stale_pending_order_asks_the_provider_when_the_webhook_was_lost(
    client: TestClient, session: Session, headers: dict[str, str], student: User
) -> None:
    purchase = start_purchase(client, headers, PAID)
    purchase.mark_paid(session)  # paid at the provider; the webhook never arrived
    row = order(session, purchase.order_id)
    assert client.get(f"{API}/orders/{purchase.order_id}", headers=headers).json()["status"] == (
        "pending"
    )
    row.created_at = datetime.now(UTC) - timedelta(hours=1)
    session.flush()

    view = client.get(f"{API}/orders/{purchase.order_id}", headers=headers).json()
    assert view["status"] == "completed"
    assert view["enrollment_active"] is True
    assert len(enrollments(session, student.id)) == 1


@pytest.mark.parametrize("sig", [None, "", "forged", "é" * 43])
def test_return_pages_without_the_links_signature_show_and_change_nothing(
    client: TestClient, session: Session, headers: dict[str, str], sig: str | None
) -> None:
    purchase = start_purchase(client, headers, PAID)
    query = {"order": str(purchase.order_id)} | ({} if sig is None else {"sig": sig})
    cancel = client.get("/checkout/cancel", params=query)
    assert cancel.status_code == 404
    assert "not valid" in cancel.text
    assert order(session, purchase.order_id).status is OrderStatus.PENDING
    success = client.get("/checkout/success", params=query)
    assert success.status_code == 404
    assert "Practical SQLite" not in success.text


def test_a_signature_for_one_order_opens_no_other(
    client: TestClient, session: Session, headers: dict[str, str], context: ServerContext
) -> None:
    mine = start_purchase(client, headers, PAID)
    client.post(f"{API}/orders/{mine.order_id}/cancel", headers=headers)
    theirs = start_purchase(client, headers, PAID)
    borrowed = context.return_links.signature(mine.order_id)
    response = client.get(
        "/checkout/cancel", params={"order": str(theirs.order_id), "sig": borrowed}
    )
    assert response.status_code == 404
    assert order(session, theirs.order_id).status is OrderStatus.PENDING
    signed = client.get(context.return_links.cancel_url("", theirs.order_id))
    assert "Checkout cancelled" in signed.text
    assert order(session, theirs.order_id).status is OrderStatus.CANCELLED

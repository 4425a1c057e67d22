"""The stripe provider through the real `stripe` library against a fake of Stripe's HTTP API:
what it sends, and that the webhook trusts the re-read session, not the event payload."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import EnrollmentStatus, OrderStatus
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.models import User
from lmsdesk_server.main import create_app
from lmsdesk_server.payments import stripe_events as ev
from lmsdesk_server.payments.stripe_provider import StripeProvider
from lmsdesk_server.security.return_links import ReturnLinks, return_link_key
from tests.server.payments.helpers import API, enrollments, login, order, post_event
from tests.server.sync.helpers import PAID
from tests.support.fake_stripe import FakeStripe
from tests.support.server_keys import TEST_JWT_SECRET


@pytest.fixture
def fake_stripe() -> Iterator[FakeStripe]:
    fake = FakeStripe()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe_client(context: ServerContext, fake_stripe: FakeStripe) -> Iterator[TestClient]:
    provider = StripeProvider("sk_test_fake_0123456789", api_base=fake_stripe.url)
    with TestClient(create_app(dataclasses.replace(context, payments=provider))) as client:
        yield client


def _buy(client: TestClient, student: User) -> tuple[uuid.UUID, str, dict[str, str]]:
    headers = login(client, student.email)
    response = client.post(
        f"{API}/checkout/sessions", json={"course_id": str(PAID)}, headers=headers
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return uuid.UUID(body["order_id"]), body["session_id"], headers


def test_the_session_is_created_as_design_section_6_says(
    stripe_client: TestClient, fake_stripe: FakeStripe, student: User
) -> None:
    order_id, session_id, _ = _buy(stripe_client, student)

    [create] = fake_stripe.requests
    assert (create.method, create.path) == ("POST", "/v1/checkout/sessions")
    assert create.headers["Authorization"] == "Bearer sk_test_fake_0123456789"
    assert create.headers["Idempotency-Key"] == f"lmsdesk-checkout-{order_id}"
    form = create.form
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][unit_amount]"] == "1999"  # from the database
    assert form["line_items[0][price_data][currency]"] == "usd"
    assert form["line_items[0][price_data][product_data][name]"] == "Practical SQLite"
    assert form["client_reference_id"] == str(student.id)
    assert form["metadata[order_id]"] == str(order_id)
    assert form["metadata[student_id]"] == str(student.id)
    assert form["metadata[course_id]"] == str(PAID)
    assert form["metadata[course_version]"] == "1"
    assert 29 * 60 <= int(form["expires_at"]) - time.time() <= 30 * 60
    # The return links carry the order's signature: a bare order id opens nothing.
    signature = ReturnLinks(return_link_key(TEST_JWT_SECRET)).signature(order_id)
    base = "http://127.0.0.1:8765/checkout"
    assert form["success_url"] == f"{base}/success?order={order_id}&sig={signature}"
    assert form["cancel_url"] == f"{base}/cancel?order={order_id}&sig={signature}"
    assert session_id.startswith("cs_test_")


def test_fulfilment_re_reads_the_session_from_stripe(
    stripe_client: TestClient, fake_stripe: FakeStripe, session: Session, student: User
) -> None:
    order_id, session_id, _ = _buy(stripe_client, student)
    paid = fake_stripe.pay(session_id)

    response = post_event(stripe_client, ev.event(ev.SESSION_COMPLETED, paid))
    assert response.status_code == 200
    assert fake_stripe.requests[-1].method == "GET"
    assert fake_stripe.requests[-1].path == f"/v1/checkout/sessions/{session_id}"
    assert order(session, order_id).status is OrderStatus.COMPLETED
    assert [e.status for e in enrollments(session, student.id)] == [EnrollmentStatus.ACTIVE]


def test_an_event_claiming_payment_is_not_believed_when_stripe_says_unpaid(
    stripe_client: TestClient, fake_stripe: FakeStripe, session: Session, student: User
) -> None:
    order_id, session_id, _ = _buy(stripe_client, student)
    claimed = dict(fake_stripe.sessions[session_id], status="complete", payment_status="paid")

    assert post_event(stripe_client, ev.event(ev.SESSION_COMPLETED, claimed)).status_code == 200
    assert order(session, order_id).status is OrderStatus.PENDING
    assert enrollments(session, student.id) == []


def test_an_amount_changed_at_stripe_is_not_fulfilled(
    stripe_client: TestClient, fake_stripe: FakeStripe, session: Session, student: User
) -> None:
    order_id, session_id, _ = _buy(stripe_client, student)
    paid = fake_stripe.pay(session_id)
    fake_stripe.sessions[session_id]["amount_total"] = 1  # what Stripe actually charged

    assert post_event(stripe_client, ev.event(ev.SESSION_COMPLETED, paid)).status_code == 200
    assert order(session, order_id).status is OrderStatus.PENDING
    assert enrollments(session, student.id) == []


def test_cancel_expires_the_session_at_stripe(
    stripe_client: TestClient, fake_stripe: FakeStripe, student: User
) -> None:
    order_id, session_id, headers = _buy(stripe_client, student)
    response = stripe_client.post(f"{API}/orders/{order_id}/cancel", headers=headers)
    assert response.json()["status"] == "cancelled"
    assert fake_stripe.requests[-1].path == f"/v1/checkout/sessions/{session_id}/expire"
    assert fake_stripe.sessions[session_id]["status"] == "expired"


def test_stripe_unreachable_fails_the_order_with_a_clear_message(
    context: ServerContext, student: User
) -> None:
    provider = StripeProvider("sk_test_fake", api_base="http://127.0.0.1:9")
    app = create_app(dataclasses.replace(context, payments=provider))
    with TestClient(app) as client:
        response = client.post(
            f"{API}/checkout/sessions",
            json={"course_id": str(PAID)},
            headers=login(client, student.email),
        )
    assert response.status_code == 502
    assert "Nothing was charged" in response.json()["error"]["message"]


def test_a_live_key_accepts_only_live_events() -> None:
    assert StripeProvider("sk_live_abc").livemode is True
    assert StripeProvider("rk_live_abc").livemode is True
    assert StripeProvider("sk_test_abc").livemode is False


def test_a_stripe_key_without_a_webhook_secret_refuses_to_start(tmp_path: object) -> None:
    from pydantic import SecretStr

    from lmsdesk_server.config import ServerSettings

    settings = ServerSettings(stripe_secret_key=SecretStr("sk_test_x"), server_data_dir=tmp_path)
    with pytest.raises(ValueError, match="LMSDESK_STRIPE_WEBHOOK_SECRET"):
        ServerContext.build(settings, "postgresql+psycopg://nobody@/none")

"""The reconciliation job heals orders whose state disagrees with their payment's events: a
refund that a race lost before payments were serialised, a checkout whose webhook never came."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import EnrollmentStatus, OrderStatus
from lmsdesk_server.commerce.service.reconciliation import reconcile_orders
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.models import User
from tests.server.payments.helpers import enrollments, order, post_event, start_purchase
from tests.server.sync.helpers import PAID


def test_a_paid_order_whose_refund_was_lost_is_refunded_by_the_job(
    client: TestClient,
    session: Session,
    headers: dict[str, str],
    student: User,
    context: ServerContext,
) -> None:
    purchase = start_purchase(client, headers, PAID)
    purchase.mark_paid(session)
    post_event(client, purchase.completed(session))
    post_event(client, purchase.refunded(session))
    # What the old race left behind: the refund in the ledger, the order still paid for.
    row = order(session, purchase.order_id)
    row.status, row.refunded_at = OrderStatus.COMPLETED, None
    session.flush()
    [enrollment] = enrollments(session, student.id)
    enrollment.status, enrollment.revoked_at = EnrollmentStatus.ACTIVE, None
    session.flush()

    report = reconcile_orders(context.session_factory, context.payments)
    assert report.settled == 1
    assert order(session, purchase.order_id).status is OrderStatus.REFUNDED
    assert [e.status for e in enrollments(session, student.id)] == [EnrollmentStatus.REFUNDED]
    # Running it again changes nothing.
    assert reconcile_orders(context.session_factory, context.payments).settled == 0


def test_a_paid_checkout_whose_webhook_never_came_is_fulfilled_by_the_job(
    client: TestClient,
    session: Session,
    headers: dict[str, str],
    student: User,
    context: ServerContext,
) -> None:
    purchase = start_purchase(client, headers, PAID)
    purchase.mark_paid(session)  # paid at the provider; the webhook was lost
    report = reconcile_orders(
        context.session_factory, context.payments, now=datetime.now(UTC) + timedelta(hours=1)
    )
    assert report.pending_checked == 1
    assert order(session, purchase.order_id).status is OrderStatus.COMPLETED
    assert [e.status for e in enrollments(session, student.id)] == [EnrollmentStatus.ACTIVE]


def test_a_checkout_the_provider_never_heard_of_expires(
    client: TestClient, session: Session, headers: dict[str, str], context: ServerContext
) -> None:
    purchase = start_purchase(client, headers, PAID)
    order(session, purchase.order_id).provider_session_id = "cs_test_gone"
    session.flush()
    reconcile_orders(
        context.session_factory, context.payments, now=datetime.now(UTC) + timedelta(hours=1)
    )
    assert order(session, purchase.order_id).status is OrderStatus.EXPIRED

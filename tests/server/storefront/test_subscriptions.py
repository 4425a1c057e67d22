"""The all-access plan (DESIGN.md 11.5) on the test provider shaped as Stripe Billing: every
approved course while active, kept through past_due for a grace period, ended at the period's
end after a cancellation; events in any order; only the plan's own enrollments ever end."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import CourseStatus, EnrollmentStatus
from lmsdesk.contracts.subscriptions import SubscriptionStatus
from lmsdesk_server.db.models import Course, Subscription, TestCheckoutSession, User
from lmsdesk_server.payments import stripe_events as ev
from lmsdesk_server.storefront.service import subscriptions
from tests.server.payments.helpers import API, enrollments, post_event
from tests.server.storefront.helpers import SALE, error
from tests.server.sync.helpers import DRAFT, FREE, PAID, DeviceFactory, enroll, rows

pytestmark = pytest.mark.usefixtures("seeded")


def _access(session: Session, student: User) -> dict[uuid.UUID, tuple[EnrollmentStatus, str]]:
    return {e.course_id: (e.status, e.source.value) for e in enrollments(session, student.id)}


def _subscribe(client: TestClient, headers: dict[str, str], plan: str = "monthly") -> str:
    started = client.post(f"{API}/checkout/subscriptions", json={"plan": plan}, headers=headers)
    assert started.status_code == 201, started.text
    session_id = started.json()["url"].rsplit("/", 1)[-1]
    paid = client.post(f"/checkout/test/{session_id}/pay", follow_redirects=False)
    assert paid.headers["location"] == "/subscriptions/welcome"
    return session_id


def _row(session: Session, student: User) -> Subscription:
    session.expire_all()
    return session.scalars(select(Subscription).where(Subscription.student_id == student.id)).one()


def _portal(client: TestClient, headers: dict[str, str], action: str) -> None:
    url = client.post(f"{API}/subscription/portal", headers=headers).json()["url"]
    path = url.split("//", 1)[1].split("/", 1)[1]
    done = client.post(f"/{path}/{action}")
    assert done.status_code == 200, done.text


def test_a_plan_gives_every_paid_course_and_ends_only_its_own(
    client: TestClient,
    session: Session,
    student: User,
    headers: dict[str, str],
    device_for: DeviceFactory,
) -> None:
    enroll(session, student, PAID)  # had before (a grant): the plan never touches it
    _subscribe(client, headers)
    plan = _row(session, student)
    assert plan.status is SubscriptionStatus.ACTIVE
    assert plan.current_period_end is not None
    assert plan.current_period_end > datetime.now(UTC) + timedelta(days=28)
    assert _access(session, student) == {
        PAID: (EnrollmentStatus.ACTIVE, "free"),
        SALE: (EnrollmentStatus.ACTIVE, "subscription"),
    }  # free courses need no plan; drafts are not in the catalog
    view = client.get(f"{API}/subscription", headers=headers).json()
    assert (view["status"], view["has_access"], view["plan"]) == ("active", True, "monthly")
    synced = rows(device_for(student).pull_all(), "subscriptions")
    assert [r["status"] for r in synced.values()] == ["active"]
    again = client.post(f"{API}/checkout/subscriptions", json={"plan": "yearly"}, headers=headers)
    assert error(again) == (409, "already_subscribed")

    _portal(client, headers, "cancel_at_period_end")  # kept to the period's end
    assert _row(session, student).cancel_at_period_end is True
    assert _access(session, student)[SALE] == (EnrollmentStatus.ACTIVE, "subscription")
    _portal(client, headers, "cancel_now")  # Stripe deletes it at the period's end
    assert _row(session, student).status is SubscriptionStatus.CANCELED
    assert _access(session, student) == {
        PAID: (EnrollmentStatus.ACTIVE, "free"),
        SALE: (EnrollmentStatus.REVOKED, "subscription"),
    }
    assert client.get(f"{API}/subscription", headers=headers).json()["has_access"] is False


def test_a_failed_renewal_keeps_access_for_the_grace_period(
    client: TestClient, session: Session, student: User, headers: dict[str, str]
) -> None:
    _subscribe(client, headers, "yearly")
    _portal(client, headers, "fail_renewal")
    plan = _row(session, student)
    assert plan.status is SubscriptionStatus.PAST_DUE
    assert plan.grace_until is not None
    assert plan.grace_until > datetime.now(UTC) + timedelta(days=6)
    assert _access(session, student)[SALE][0] is EnrollmentStatus.ACTIVE
    plan.grace_until = datetime.now(UTC) - timedelta(seconds=1)  # a week later
    session.flush()
    subscriptions.settle(session, plan, datetime.now(UTC))
    assert _access(session, student)[SALE][0] is EnrollmentStatus.REVOKED
    # The provider's retry succeeds: access is back.
    _event(client, session, student, ev.INVOICE_PAID)
    assert _row(session, student).status is SubscriptionStatus.ACTIVE
    assert _access(session, student)[SALE] == (EnrollmentStatus.ACTIVE, "subscription")


def test_events_in_any_order_end_as_the_newest_says(
    client: TestClient, session: Session, student: User, headers: dict[str, str]
) -> None:
    _subscribe(client, headers)
    later = int(datetime.now(UTC).timestamp()) + 60
    _event(client, session, student, ev.SUBSCRIPTION_DELETED, created=later)
    # An update Stripe sent before the deletion arrives after it: nothing comes back.
    _event(client, session, student, ev.SUBSCRIPTION_UPDATED, created=later - 30)
    _event(client, session, student, ev.INVOICE_PAID, created=later + 30)
    assert _row(session, student).status is SubscriptionStatus.CANCELED
    assert _access(session, student)[SALE][0] is EnrollmentStatus.REVOKED


def test_a_course_approved_later_reaches_subscribers(
    client: TestClient, session: Session, student: User, headers: dict[str, str]
) -> None:
    _subscribe(client, headers)
    course = session.get(Course, DRAFT)
    assert course is not None
    course.status = CourseStatus.APPROVED
    session.flush()
    subscriptions.settle(session, _row(session, student), datetime.now(UTC))
    assert _access(session, student)[DRAFT] == (EnrollmentStatus.ACTIVE, "subscription")
    assert FREE not in _access(session, student)


def test_only_students_subscribe(client: TestClient, admin_headers: dict[str, str]) -> None:
    refused = client.post(
        f"{API}/checkout/subscriptions", json={"plan": "monthly"}, headers=admin_headers
    )
    assert error(refused) == (403, "students_only")
    assert client.get(f"{API}/subscription", headers=admin_headers).json() is None
    nothing = client.post(f"{API}/subscription/portal", headers=admin_headers)
    assert error(nothing) == (404, "no_subscription")
    bad = client.post(
        f"{API}/checkout/subscriptions", json={"plan": "weekly"}, headers=admin_headers
    )
    assert bad.status_code == 422


def _event(
    client: TestClient,
    session: Session,
    student: User,
    kind: str,
    *,
    created: int | None = None,
) -> None:
    """A Stripe-shaped event about the student's subscription, signed, as Stripe sends it."""
    row = session.scalars(
        select(TestCheckoutSession).where(
            TestCheckoutSession.client_reference_id == str(student.id)
        )
    ).one()
    session.refresh(row)
    meta: dict[str, Any] = dict(row.metadata_)
    key = {"lmsdesk_subscription_id": meta["lmsdesk_subscription_id"]}
    if kind == ev.INVOICE_PAID:
        obj = ev.invoice(
            subscription_id=meta["subscription"],
            customer=meta["customer"],
            amount=row.amount_total,
            currency=row.currency,
            period_end=int(meta["period_end"]),
            metadata=key,
        )
    else:
        obj = ev.subscription(
            subscription_id=meta["subscription"],
            customer=meta["customer"],
            status="canceled" if kind == ev.SUBSCRIPTION_DELETED else "active",
            period_end=int(meta["period_end"]),
            metadata=key,
        )
    answer = post_event(client, ev.event(kind, obj, created=created))
    assert answer.status_code == 200, answer.text

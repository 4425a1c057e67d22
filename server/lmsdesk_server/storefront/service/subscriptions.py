"""The all-access plan (DESIGN.md section 11.5): checkout on the provider's billing, the
subscription's lifecycle from its webhooks, and the access it gives: an enrollment with source
`subscription` in every approved course while it lasts.

- Events may arrive in any order: the newest by the provider's `created` wins (an older one
  changes nothing), and an ended subscription stays ended.
- Access follows the state (`contracts.subscriptions.has_access`): active, or past_due within
  the grace period. A cancellation at the period's end keeps it until Stripe deletes the
  subscription then.
- Enrollments a student has otherwise (bought, free, granted) are never touched; a course
  approved later is granted by the periodic `settle_all`, as is the end of a grace period.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus, EnrollmentSource
from lmsdesk.contracts.enums import EnrollmentStatus as E
from lmsdesk.contracts.subscriptions import (
    CURRENCY,
    GRACE,
    PRICES,
    Plan,
    SubscriptionCheckout,
    SubscriptionStatus,
    has_access,
)
from lmsdesk_server.actor import Actor
from lmsdesk_server.commerce.service.states import move_enrollment
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import Course, Enrollment, Subscription, User
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.errors import ApiError
from lmsdesk_server.payments import stripe_events as ev
from lmsdesk_server.payments.provider import (
    CHECKOUT_MINUTES,
    PaymentProvider,
    ProviderUnavailable,
    SubscriptionRequest,
)

S = SubscriptionStatus
_STRIPE_STATUS = {
    "active": S.ACTIVE,
    "trialing": S.ACTIVE,
    "past_due": S.PAST_DUE,
    "unpaid": S.PAST_DUE,
    "incomplete": S.INCOMPLETE,
    "incomplete_expired": S.CANCELED,
    "canceled": S.CANCELED,
    "paused": S.PAST_DUE,
}
KEY = "lmsdesk_subscription_id"


def start(
    sessions: sessionmaker[Session],
    provider: PaymentProvider,
    actor: Actor,
    plan: Plan,
    public_url: str,
) -> SubscriptionCheckout:
    if not actor.has(Role.STUDENT):
        raise ApiError(403, "students_only", "Only a student account can subscribe.")
    amount, interval = PRICES[plan]
    with transaction(sessions) as db:
        student = db.get(User, actor.id)
        if student is None or student.email_verified_at is None:
            raise ApiError(
                403, "email_not_verified", "Confirm your email address before subscribing."
            )
        current = _current(db, actor.id)
        if current is not None and current.status in (S.ACTIVE, S.PAST_DUE):
            raise ApiError(
                409, "already_subscribed", "You have the all-access plan already: manage it."
            )
        row = Subscription(
            id=uuid.uuid4(),
            student_id=actor.id,
            plan=plan,
            status=S.INCOMPLETE,
            provider=provider.name,
        )
        db.add(row)
        stamp(db, row, user_partition(actor.id))
        request = SubscriptionRequest(
            subscription_id=row.id,
            student_id=actor.id,
            student_email=actor.email,
            plan=plan.value,
            amount_cents=amount,
            currency=CURRENCY,
            interval=interval,
            success_url=f"{public_url.rstrip('/')}/subscriptions/welcome",
            cancel_url=f"{public_url.rstrip('/')}/subscriptions/welcome?cancelled=1",
            expires_at=datetime.now(UTC) + timedelta(minutes=CHECKOUT_MINUTES),
        )
    try:
        created = provider.create_subscription_session(request)
    except ProviderUnavailable as exc:
        raise ApiError(
            502, "payment_provider_unavailable", f"{exc} Nothing was charged.", keep_changes=True
        ) from exc
    return SubscriptionCheckout(subscription_id=request.subscription_id, url=created.url)


def portal(session: Session, provider: PaymentProvider, actor: Actor, public_url: str) -> str:
    row = _current(session, actor.id)
    if row is None or not row.provider_customer_id or not row.provider_subscription_id:
        raise ApiError(404, "no_subscription", "You have no all-access plan to manage.")
    try:
        return provider.portal_url(
            row.provider_customer_id,
            row.provider_subscription_id,
            f"{public_url.rstrip('/')}/subscriptions/welcome",
        )
    except ProviderUnavailable as exc:
        raise ApiError(502, "payment_provider_unavailable", str(exc)) from exc


def apply_event(session: Session, event_type: str, obj: dict[str, Any], created: int) -> str:
    """One subscription or invoice event, then the access it implies."""
    row = _row_for(session, event_type, obj)
    if row is None:
        return "No subscription of ours."
    now = datetime.now(UTC)
    if row.status is S.CANCELED:
        return "The subscription has ended; left as it is."
    if created < row.last_event_at:
        return "An older event than the one applied; left as it is."
    row.last_event_at = created
    if event_type in (ev.SUBSCRIPTION_CREATED, ev.SUBSCRIPTION_UPDATED, ev.SUBSCRIPTION_DELETED):
        row.provider_subscription_id = str(obj.get("id"))
        row.provider_customer_id = str(obj.get("customer") or "") or row.provider_customer_id
        status = _STRIPE_STATUS.get(str(obj.get("status")), row.status)
        if event_type == ev.SUBSCRIPTION_DELETED:
            status = S.CANCELED
        _move(row, status, now)
        row.cancel_at_period_end = bool(obj.get("cancel_at_period_end"))
        row.current_period_end = _period_end(obj) or row.current_period_end
    elif event_type == ev.INVOICE_PAID:
        _move(row, S.ACTIVE, now)
        row.current_period_end = _invoice_period_end(obj) or row.current_period_end
    elif event_type == ev.INVOICE_FAILED and row.status is S.ACTIVE:
        _move(row, S.PAST_DUE, now)
    stamp(session, row, user_partition(row.student_id))
    settle(session, row, now)
    return f"Subscription {row.status}."


def settle(session: Session, row: Subscription, now: datetime) -> None:
    """Enrollments from the plan in every approved course while it gives access; revoked
    (only those) when it no longer does."""
    if has_access(row.status, row.grace_until, now):
        for course_id in _approved_courses(session):
            _grant(session, row.student_id, course_id, now)
    else:
        for enrollment in _from_plan(session, row.student_id):
            _revoke(enrollment, now)


def settle_all(sessions: sessionmaker[Session]) -> int:
    """The periodic job: courses approved since, and grace periods ended. Returns how many
    subscriptions it looked at."""
    with transaction(sessions) as db:
        rows = db.scalars(
            select(Subscription)
            .where(Subscription.status.in_([S.ACTIVE, S.PAST_DUE]))
            .with_for_update(skip_locked=True)
        ).all()
        now = datetime.now(UTC)
        for row in rows:
            settle(db, row, now)
        return len(rows)


def current(session: Session, student_id: uuid.UUID) -> Subscription | None:
    return _current(session, student_id)


# ------------------------------------------------------------------ helpers


def _move(row: Subscription, status: SubscriptionStatus, now: datetime) -> None:
    if status is S.PAST_DUE and row.status is not S.PAST_DUE:
        row.grace_until = now + GRACE
    elif status is S.ACTIVE:
        row.grace_until = None
    if status is S.CANCELED:
        row.ended_at = now
    row.status = status


def _row_for(session: Session, event_type: str, obj: dict[str, Any]) -> Subscription | None:
    metadata = obj.get("metadata") or {}
    if event_type in (ev.INVOICE_PAID, ev.INVOICE_FAILED):
        details = (obj.get("parent") or {}).get("subscription_details") or {}
        metadata = details.get("metadata") or {}
        sub_id = _invoice_subscription(obj)
        if KEY not in metadata and sub_id:  # an invoice without the subscription's metadata
            return session.scalar(
                select(Subscription)
                .where(Subscription.provider_subscription_id == sub_id)
                .with_for_update()
            )
    try:
        ours = uuid.UUID(str(metadata.get(KEY, "")))
    except ValueError:
        return None
    return session.get(Subscription, ours, with_for_update=True)


def _current(session: Session, student_id: uuid.UUID) -> Subscription | None:
    return session.scalar(
        select(Subscription)
        .where(Subscription.student_id == student_id)
        .order_by(
            (Subscription.status.in_([S.ACTIVE, S.PAST_DUE])).desc(),
            Subscription.created_at.desc(),
        )
        .limit(1)
    )


def _period_end(obj: dict[str, Any]) -> datetime | None:
    value = obj.get("current_period_end")
    items = (obj.get("items") or {}).get("data") or []
    if value is None and items and isinstance(items[0], dict):
        value = items[0].get("current_period_end")
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int) else None


def _invoice_period_end(obj: dict[str, Any]) -> datetime | None:
    lines = (obj.get("lines") or {}).get("data") or []
    value = None
    if lines and isinstance(lines[0], dict):
        value = (lines[0].get("period") or {}).get("end")
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int) else None


def _invoice_subscription(obj: dict[str, Any]) -> str | None:
    old = obj.get("subscription")  # before API 2025-03-31
    details = ((obj.get("parent") or {}).get("subscription_details") or {}).get("subscription")
    found = details or old
    return found if isinstance(found, str) else None


def _approved_courses(session: Session) -> Iterable[uuid.UUID]:
    return session.scalars(
        select(Course.id).where(
            Course.status == CourseStatus.APPROVED,
            Course.revision_of.is_(None),
            Course.deleted_at.is_(None),
            Course.price_cents > 0,
        )
    )


def _from_plan(session: Session, student_id: uuid.UUID) -> list[Enrollment]:
    return list(
        session.scalars(
            select(Enrollment)
            .where(
                Enrollment.student_id == student_id,
                Enrollment.source == EnrollmentSource.SUBSCRIPTION,
                Enrollment.status == E.ACTIVE,
            )
            .with_for_update()
        )
    )


def _grant(session: Session, student_id: uuid.UUID, course_id: uuid.UUID, now: datetime) -> None:
    enrollment = session.scalar(
        select(Enrollment)
        .where(Enrollment.student_id == student_id, Enrollment.course_id == course_id)
        .with_for_update()
    )
    if enrollment is None:
        enrollment = Enrollment(
            student_id=student_id,
            course_id=course_id,
            status=E.ACTIVE,
            source=EnrollmentSource.SUBSCRIPTION,
            price_paid_cents=0,
            currency=CURRENCY,
            enrolled_at=now,
        )
        session.add(enrollment)
        stamp(session, enrollment, user_partition(student_id))
        session.flush()
    elif enrollment.status in (E.REFUNDED, E.REVOKED):
        enrollment.source, enrollment.order_id = EnrollmentSource.SUBSCRIPTION, None
        move_enrollment(enrollment, E.ACTIVE, now=now)


def _revoke(enrollment: Enrollment, now: datetime) -> None:
    move_enrollment(enrollment, E.REVOKED, now=now)

"""The last seat, sold once: buyers racing through checkout and free enrollment at the same
moment, on a real PostgreSQL where every transaction commits."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import func, select

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import EnrollmentStatus, OrderStatus
from lmsdesk.contracts.pricing import CheckoutBody
from lmsdesk_server.actor import Actor
from lmsdesk_server.commerce.service.checkout import CheckoutService
from lmsdesk_server.context import ServerContext
from lmsdesk_server.db.engine import transaction
from lmsdesk_server.db.models import Cohort, Course, Enrollment, Order, User, UserRole
from lmsdesk_server.errors import ApiError
from tests.server.community.test_races import ROUNDS, _at_once
from tests.server.sync.helpers import FREE, PAID


def _buyer(context: ServerContext) -> Actor:
    with transaction(context.session_factory) as db:
        user = User(
            email=f"b-{uuid.uuid4().hex[:10]}@example.com",
            password_hash="x",
            full_name="Buyer",
            email_verified_at=datetime.now(UTC),
        )
        db.add(user)
        db.flush()
        db.add(UserRole(user_id=user.id, role=Role.STUDENT))
        return Actor(id=user.id, email=user.email, roles=frozenset({Role.STUDENT}))


def _cohort(context: ServerContext, course: uuid.UUID, capacity: int) -> uuid.UUID:
    with transaction(context.session_factory) as db:
        row = Cohort(
            course_id=course,
            title="Tiny cohort",
            starts_at=datetime.now(UTC) + timedelta(days=10),
            timezone="UTC",
            capacity=capacity,
            sync_partition="catalog",
            sync_version=0,
        )
        db.add(row)
        db.flush()
        return row.id


def _checkout(context: ServerContext) -> CheckoutService:
    return CheckoutService(
        context.session_factory,
        context.payments,
        context.settings.public_url,
        context.return_links,
    )


def _outcome(call: Callable[[], object]) -> str:
    """A join through either door: "sold", or the code it was refused with."""
    try:
        call()
    except ApiError as exc:
        return exc.code
    return "sold"


def test_the_last_seats_go_to_exactly_as_many_buyers_at_once(
    racing_context: ServerContext,
) -> None:
    shop = _checkout(racing_context)
    for capacity in (1, 2) * ROUNDS:
        cohort = _cohort(racing_context, PAID, capacity)
        buyers = [_buyer(racing_context) for _ in range(6)]
        outcomes = _at_once(
            [
                partial(
                    _outcome, partial(shop.start, b, CheckoutBody(course_id=PAID, cohort_id=cohort))
                )
                for b in buyers
            ]
        )
        assert outcomes.count("sold") == capacity, outcomes
        assert set(outcomes) == {"sold", "cohort_full"}, outcomes
        with transaction(racing_context.session_factory) as db:
            held = db.scalar(
                select(func.count()).where(
                    Order.cohort_id == cohort, Order.status == OrderStatus.PENDING
                )
            )
            assert held == capacity
            assert db.get(Cohort, cohort).seats_taken == capacity  # type: ignore[union-attr]


def test_free_seats_race_the_same_way(racing_context: ServerContext) -> None:
    shop = _checkout(racing_context)
    with transaction(racing_context.session_factory) as db:
        assert db.get(Course, FREE) is not None
    for _ in range(ROUNDS):
        cohort = _cohort(racing_context, FREE, 1)
        buyers = [_buyer(racing_context) for _ in range(6)]
        outcomes = _at_once(
            [partial(_outcome, partial(shop.enroll_free, b, FREE, cohort)) for b in buyers]
        )
        assert outcomes.count("sold") == 1, outcomes
        with transaction(racing_context.session_factory) as db:
            joined = db.scalar(
                select(func.count()).where(
                    Enrollment.cohort_id == cohort, Enrollment.status == EnrollmentStatus.ACTIVE
                )
            )
            assert joined == 1

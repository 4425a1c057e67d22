"""The state machines of orders and enrollments (DESIGN.md section 6). Every status change of
either goes through `move_order` / `move_enrollment`; anything not listed here is refused."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import object_session

from lmsdesk.contracts.enums import EnrollmentStatus as E
from lmsdesk.contracts.enums import OrderStatus as O
from lmsdesk_server.certificates import service as certificates
from lmsdesk_server.db.models import Enrollment, Order
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.schedule.service import seats
from lmsdesk_server.storefront.service import coupons

ORDER_TRANSITIONS: dict[O, frozenset[O]] = {
    # A refund seen before its completion is applied right after that completion, in the same
    # transaction (services.fulfilment), so an order is refunded only from completed.
    O.PENDING: frozenset({O.COMPLETED, O.FAILED, O.EXPIRED, O.CANCELLED}),
    # Payment wins: when the provider, re-read, says a session was paid, the student paid, so
    # the order completes even if we had thought it failed, expired or cancelled.
    O.FAILED: frozenset({O.COMPLETED}),
    O.EXPIRED: frozenset({O.COMPLETED}),
    O.CANCELLED: frozenset({O.COMPLETED}),
    O.COMPLETED: frozenset({O.REFUNDED}),
    O.REFUNDED: frozenset(),
}

ENROLLMENT_TRANSITIONS: dict[E, frozenset[E]] = {
    E.ACTIVE: frozenset({E.SUSPENDED, E.REFUNDED, E.REVOKED}),
    # A dispute suspends; won it restores, lost it revokes.
    E.SUSPENDED: frozenset({E.ACTIVE, E.REFUNDED, E.REVOKED}),
    # Buying again (or a free course, or an admin grant) re-activates the one enrollment row.
    E.REFUNDED: frozenset({E.ACTIVE}),
    E.REVOKED: frozenset({E.ACTIVE}),
}


class IllegalTransition(Exception):
    pass


def can_move_order(current: O, target: O) -> bool:
    return target in ORDER_TRANSITIONS[current]


def move_order(order: Order, target: O, *, now: datetime | None = None) -> None:
    if order.status is target:
        return
    if not can_move_order(order.status, target):
        raise IllegalTransition(f"An order cannot go from {order.status} to {target}.")
    at = now or datetime.now(UTC)
    order.status = target
    if target is O.COMPLETED:
        order.completed_at = at
    elif target is O.REFUNDED:
        order.refunded_at = at
    _stamp(order)
    _recount(order)
    if order.coupon_id is not None and target in (O.FAILED, O.EXPIRED, O.CANCELLED):
        # Not paid: its coupon's redemption is given back (a payment that wins later takes
        # it again, in fulfilment).
        session = object_session(order)
        assert session is not None
        coupons.follow_order(session, order, paid=False)


def _stamp(row: Order | Enrollment) -> None:
    """Both live in their student's partition: every change must reach that student's devices."""
    session = object_session(row)
    assert session is not None
    stamp(session, row, user_partition(row.student_id))


def move_enrollment(enrollment: Enrollment, target: E, *, now: datetime | None = None) -> None:
    if enrollment.status is target:
        return
    if target not in ENROLLMENT_TRANSITIONS[enrollment.status]:
        raise IllegalTransition(f"An enrollment cannot go from {enrollment.status} to {target}.")
    at = now or datetime.now(UTC)
    enrollment.status = target
    if target in (E.REFUNDED, E.REVOKED):
        enrollment.revoked_at = at
    elif target is E.ACTIVE:
        enrollment.revoked_at = None
    _stamp(enrollment)
    session = object_session(enrollment)
    assert session is not None
    certificates.follow_enrollment(session, enrollment, at)
    _recount(enrollment)


def _recount(row: Order | Enrollment) -> None:
    """A seat of a cohort may have been taken or given back (the catalog shows seats left)."""
    if row.cohort_id is not None:
        session = object_session(row)
        assert session is not None
        seats.recount(session, row.cohort_id)

"""Joining a cohort: its window and its seats (DESIGN.md section 11.4).

A seat is taken by an active enrollment in the cohort or by a checkout still open for it (a
buyer on the payment page holds the seat until the session expires). Both are counted under the
cohort's row lock, so of two buyers racing for the last seat exactly one gets it, whichever
door (checkout or free enrollment) each came by. `seats_taken` is that count, kept for the
catalog so laptops show seats left offline.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from lmsdesk.contracts.schedule import (
    JoinState,
    enrollment_closes_at,
    join_state,
    late_join_until,
)
from lmsdesk_server.db.models import Cohort
from lmsdesk_server.db.partitions import CATALOG_PARTITION, stamp
from lmsdesk_server.errors import ApiError
from lmsdesk_server.payments.provider import CHECKOUT_MINUTES
from lmsdesk_server.schedule.repository import ScheduleRepository

#: How long an open checkout holds its seat: the provider's session lifetime.
HOLD = timedelta(minutes=CHECKOUT_MINUTES)


def seats_left(cohort: Cohort) -> int | None:
    return None if cohort.capacity is None else max(cohort.capacity - cohort.seats_taken, 0)


def state_of(cohort: Cohort, now: datetime) -> JoinState:
    return join_state(
        now,
        cohort.starts_at,
        cohort.enrollment_closes_hours,
        cohort.late_join_days,
        seats_left(cohort),
    )


def _count(repo: ScheduleRepository, cohort: Cohort) -> int:
    since = datetime.now(UTC) - HOLD
    return repo.active_in_cohort(cohort.id) + repo.open_checkouts(cohort.id, since)


def take_seat(session: Session, course_id: uuid.UUID, cohort_id: uuid.UUID | None) -> Cohort | None:
    """Refuses a join the cohort's window or seats do not allow; otherwise holds the cohort's
    lock for the rest of the transaction (the caller then writes the order or enrollment that
    takes the seat, and calls `recount`). For a course run in cohorts with none named, the
    soonest open one is joined; a self-paced course returns None."""
    repo = ScheduleRepository(session)
    if cohort_id is None:
        cohort_id = _next_open(repo, course_id)
        if cohort_id is None:
            return None
    cohort = repo.cohort(cohort_id, lock=True)
    if cohort is None or cohort.course_id != course_id:
        raise ApiError(404, "cohort_not_found", "That cohort does not run this course.")
    now = datetime.now(UTC)
    cohort.seats_taken = _count(repo, cohort)
    state = state_of(cohort, now)
    if state is JoinState.FULL:
        raise ApiError(409, "cohort_full", f"“{cohort.title}” is full: every seat is taken.")
    if state is JoinState.CLOSED:
        closed = late_join_until(cohort.starts_at, cohort.late_join_days)
        if cohort.late_join_days == 0:
            closed = enrollment_closes_at(cohort.starts_at, cohort.enrollment_closes_hours)
        raise ApiError(
            409,
            "cohort_closed",
            f"Joining “{cohort.title}” closed on {closed:%d %b %Y %H:%M} UTC.",
        )
    return cohort


def runs_in_cohorts(session: Session, course_id: uuid.UUID) -> bool:
    return bool(ScheduleRepository(session).cohorts_of(course_id))


def _next_open(repo: ScheduleRepository, course_id: uuid.UUID) -> uuid.UUID | None:
    """No cohort named, for a course that runs in cohorts: the soonest one open to join (the
    seat is still counted under its lock). None for a self-paced course."""
    cohorts = repo.cohorts_of(course_id)
    if not cohorts:
        return None
    now = datetime.now(UTC)
    for cohort in cohorts:
        if state_of(cohort, now) in (JoinState.OPEN, JoinState.LATE):
            return cohort.id
    raise ApiError(
        409,
        "cohort_closed",
        "No cohort of this course is open to join now: every one is full or has closed.",
    )


def recount(session: Session, cohort_id: uuid.UUID | None) -> None:
    """After an order or enrollment of the cohort changed: the seats the catalog shows."""
    if cohort_id is None:
        return
    repo = ScheduleRepository(session)
    session.flush()
    cohort = repo.cohort(cohort_id, lock=True)
    if cohort is None:
        return
    taken = _count(repo, cohort)
    if taken != cohort.seats_taken:
        cohort.seats_taken = taken
        stamp(session, cohort, CATALOG_PARTITION)

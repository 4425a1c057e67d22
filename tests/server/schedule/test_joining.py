"""Joining a cohort, through free enrollment and checkout alike: inside its window (late
joining after enrollment closes), while seats are left, and the course's own cohorts only. A
refusal says why and leaves no enrollment and no order behind."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lmsdesk_server.db.models import Cohort, Enrollment, Order
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.server.community.helpers import Crowd, Person
from tests.server.payments.helpers import Purchase, order, post_event
from tests.server.schedule.helpers import cohort
from tests.server.sync.helpers import FREE, PAID


def _join(person: Person, course: uuid.UUID, cohort_id: object = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    body: dict[str, object] = {"course_id": str(course)}
    if cohort_id is not None:
        body["cohort_id"] = str(cohort_id)
    answer = person.call("POST", "/enrollments/free", body)
    return answer.status_code, answer.json()


def _enrolled(session: Session, person: Person, course: uuid.UUID) -> Enrollment | None:
    session.expire_all()
    return session.scalars(
        select(Enrollment).where(Enrollment.student_id == person.id, Enrollment.course_id == course)
    ).one_or_none()


def test_joining_a_cohort_takes_a_seat_the_catalog_shows(crowd: Crowd, session: Session) -> None:
    made = cohort(crowd.instructor, course=FREE, capacity=2)
    status, body = _join(crowd.outsider, FREE, made["id"])
    assert status == 201, body
    assert body["cohort_id"] == made["id"]
    enrollment = _enrolled(session, crowd.outsider, FREE)
    assert enrollment is not None
    assert str(enrollment.cohort_id) == made["id"]
    listed = crowd.outsider.ok("GET", f"/catalog/courses/{FREE}/cohorts")
    assert listed[0]["seats_left"] == 1


def test_without_a_cohort_named_the_soonest_open_one_is_joined(crowd: Crowd) -> None:
    cohort(crowd.instructor, course=FREE, starts_in=timedelta(days=40), title="Later")
    sooner = cohort(crowd.instructor, course=FREE, starts_in=timedelta(days=10), title="Sooner")
    cohort(crowd.instructor, course=FREE, starts_in=timedelta(days=-60), title="Closed")
    status, body = _join(crowd.outsider, FREE)
    assert status == 201
    assert body["cohort_id"] == sooner["id"]


def test_a_closed_cohort_refuses_and_a_late_join_is_taken(crowd: Crowd, session: Session) -> None:
    closed = cohort(crowd.instructor, course=FREE, starts_in=timedelta(days=-8), title="Old")
    status, body = _join(crowd.outsider, FREE, closed["id"])
    assert status == 409
    assert body["error"]["code"] == "cohort_closed"
    assert _enrolled(session, crowd.outsider, FREE) is None
    # Enrollment closed 48 hours before the start (yesterday), late joining runs for 7 days.
    late = cohort(crowd.instructor, course=FREE, starts_in=timedelta(days=-2), title="Running")
    assert late["state"] == "late"
    assert _join(crowd.outsider, FREE, late["id"])[0] == 201


def test_a_full_cohort_and_a_strangers_cohort_are_refused(crowd: Crowd, session: Session) -> None:
    full = cohort(crowd.instructor, course=FREE, capacity=1)
    assert _join(crowd.classmate, FREE, full["id"])[0] == 201
    status, body = _join(crowd.outsider, FREE, full["id"])
    assert (status, body["error"]["code"]) == (409, "cohort_full")
    other = cohort(crowd.instructor, course=PAID)
    status, body = _join(crowd.outsider, FREE, other["id"])
    assert (status, body["error"]["code"]) == (404, "cohort_not_found")
    assert _enrolled(session, crowd.outsider, FREE) is None


def test_a_paid_seat_is_held_by_the_checkout_and_kept_by_the_payment(
    crowd: Crowd, session: Session
) -> None:
    made = cohort(crowd.instructor, capacity=1)
    buyer = crowd.outsider
    started = buyer.call(
        "POST", "/checkout/sessions", {"course_id": str(PAID), "cohort_id": made["id"]}
    )
    assert started.status_code == 201, started.text
    # The last seat is held: a second buyer is told it is full.
    other = _buyer(crowd, session, "Second Buyer")
    refused = other.call(
        "POST", "/checkout/sessions", {"course_id": str(PAID), "cohort_id": made["id"]}
    )
    assert refused.json()["error"]["code"] == "cohort_full"
    body = started.json()
    purchase = Purchase(uuid.UUID(body["order_id"]), body["session_id"], body["url"])
    purchase.mark_paid(session)
    assert post_event(buyer.client, purchase.completed(session)).status_code == 200
    assert order(session, purchase.order_id).cohort_id == uuid.UUID(made["id"])
    enrollment = _enrolled(session, buyer, PAID)
    assert enrollment is not None
    assert str(enrollment.cohort_id) == made["id"]
    seats = session.scalar(select(Cohort.seats_taken).where(Cohort.id == uuid.UUID(made["id"])))
    assert seats == 1


def test_an_abandoned_checkout_gives_its_seat_back_after_it_expires(
    crowd: Crowd, session: Session
) -> None:
    made = cohort(crowd.instructor, capacity=1)
    started = crowd.outsider.ok(
        "POST", "/checkout/sessions", {"course_id": str(PAID), "cohort_id": made["id"]}, status=201
    )
    session.execute(
        update(Order)
        .where(Order.id == uuid.UUID(started["order_id"]))
        .values(created_at=datetime.now(UTC) - timedelta(minutes=31))
    )
    assert _join_paid(crowd, session, made["id"]) == 201
    assert session.scalar(select(func.count()).select_from(Order)) >= 2


def _buyer(crowd: Crowd, session: Session, name: str) -> Person:
    user = make_user(session, full_name=name)
    login = crowd.outsider.client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    return Person(
        crowd.outsider.client, login.json()["access_token"], user.id, crowd.outsider.device
    )


def _join_paid(crowd: Crowd, session: Session, cohort_id: str) -> int:
    buyer = _buyer(crowd, session, "Patient Buyer")
    body = {"course_id": str(PAID), "cohort_id": cohort_id}
    return buyer.call("POST", "/checkout/sessions", body).status_code

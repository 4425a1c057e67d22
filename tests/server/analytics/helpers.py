"""Activity for the analytics tests: what students, buyers and visitors did on a day."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, exists, func, not_, select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.enums import OrderStatus, PaymentProvider
from lmsdesk_server.db.models import (
    CourseDailyMetric,
    EnrollmentProgress,
    Lesson,
    Order,
    OrderItem,
    Quiz,
)
from lmsdesk_server.demo.seed import demo_id
from tests.server.sync.helpers import Device


def counted_lessons(session: Session, course_id: uuid.UUID) -> int:
    """What the app counts for a course's percent: every lesson but practice quizzes."""
    practice = exists().where(and_(Quiz.lesson_id == Lesson.id, Quiz.practice.is_(True)))
    stmt = select(func.count()).where(Lesson.course_id == course_id, not_(practice))
    return int(session.scalar(stmt) or 0)


def progress_row(session: Session, student: uuid.UUID, course: uuid.UUID) -> EnrollmentProgress:
    session.expire_all()
    return session.scalars(
        select(EnrollmentProgress).where(
            EnrollmentProgress.student_id == student, EnrollmentProgress.course_id == course
        )
    ).one()


def complete(device: Device, lesson: uuid.UUID) -> dict[str, Any]:
    return device.mutation(
        m.COMPLETE_LESSON, lesson_id=lesson, completed_at=datetime.now(UTC).isoformat()
    )


def view(device: Device, *courses: uuid.UUID, at: datetime | None = None) -> dict[str, Any]:
    when = (at or datetime.now(UTC)).isoformat()
    return device.mutation(
        m.RECORD_VIEWS, views=[{"course_id": str(c), "viewed_at": when} for c in courses]
    )


def sqlite_answers(right: bool) -> dict[str, object]:
    """Answers to the paid course's quiz: all right, or the first question wrong."""
    key = "practical-sqlite"
    return {str(demo_id(f"{key}:q0")): 0 if right else 1, str(demo_id(f"{key}:q1")): False}


def paid_order(
    session: Session, student: uuid.UUID, course: uuid.UUID, cents: int, *, refunded: bool = False
) -> Order:
    now = datetime.now(UTC)
    order = Order(
        student_id=student,
        course_id=course,
        amount_cents=cents,
        currency="USD",
        provider=PaymentProvider.TEST,
        status=OrderStatus.REFUNDED if refunded else OrderStatus.COMPLETED,
        completed_at=now,
        refunded_at=now if refunded else None,
        sync_partition=f"user:{student}",
        sync_version=0,
    )
    session.add(order)
    session.flush()
    session.add(
        OrderItem(
            order_id=order.id,
            course_id=course,
            course_title="Practical SQLite",
            list_price_cents=cents,
            price_cents=cents,
            amount_cents=cents,
            refunded_at=order.refunded_at,
            sync_partition=order.sync_partition,
            sync_version=0,
        )
    )
    session.flush()
    return order


def day_row(session: Session, course: uuid.UUID, day: date) -> dict[str, Any] | None:
    session.expire_all()
    row = session.get(CourseDailyMetric, (course, day))
    if row is None:
        return None
    return {
        c.name: getattr(row, c.name)
        for c in CourseDailyMetric.__table__.columns
        if c.name != "computed_at"
    }

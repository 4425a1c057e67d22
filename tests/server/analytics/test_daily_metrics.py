"""The daily table: views reported through sync in batches, and every course's day recomputed
from the source tables, the same however often it runs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk_server.analytics.service.daily import recompute_day
from lmsdesk_server.db.models import CourseView, Enrollment, User
from tests.server.analytics.helpers import (
    complete,
    day_row,
    paid_order,
    sqlite_answers,
    view,
)
from tests.server.community.helpers import Crowd
from tests.server.sync.helpers import DRAFT, FREE, PAID, PAID_QUIZ, PAID_TEXT, enroll


def enrolled_today(session: Session, course: uuid.UUID) -> int:
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    stmt = select(func.count()).where(
        Enrollment.course_id == course, Enrollment.enrolled_at >= start
    )
    return int(session.scalar(stmt) or 0)


def test_views_come_in_batches_and_only_for_catalog_courses(session: Session, crowd: Crowd) -> None:
    device = crowd.outsider.device
    week_ago = datetime.now(UTC) - timedelta(days=7)
    batch = [
        view(device, PAID, PAID, FREE),
        view(device, DRAFT),  # not in the catalog: dropped, and not a failed change
        view(device, PAID, at=week_ago),  # from a laptop offline all week
        view(device, FREE, at=datetime.now(UTC) + timedelta(days=3)),  # a clock far ahead
    ]
    result = device.push(*batch)
    assert [r["status"] for r in result["results"]] == ["applied"] * 4
    session.expire_all()
    views = session.scalars(select(CourseView).order_by(CourseView.viewed_at)).all()
    assert sorted(str(v.course_id) for v in views) == sorted(map(str, [PAID] * 3 + [FREE] * 2))
    now = datetime.now(UTC)
    # Dated within the days the job still recomputes, and never in the future.
    assert all(now - timedelta(days=2, minutes=1) <= v.viewed_at <= now for v in views)
    assert {v.viewer_id for v in views} == {crowd.outsider.id}
    # The same push sent again (an unanswered request) adds nothing.
    device.push(*batch)
    assert session.scalar(select(func.count()).select_from(CourseView)) == 5


def test_a_batch_too_big_or_malformed_is_refused_whole(session: Session, crowd: Crowd) -> None:
    device = crowd.outsider.device
    too_many = view(device, *([PAID] * 201))
    empty = device.mutation("analytics.record_views@1", views=[])
    results = device.push(too_many, empty)["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert session.scalar(select(func.count()).select_from(CourseView)) == 0


def test_a_day_is_recomputed_whole_and_the_same_every_time(session: Session, crowd: Crowd) -> None:
    today = datetime.now(UTC).date()
    student, classmate = crowd.student, crowd.classmate
    for person in (student, classmate, crowd.outsider):
        person.device.push(view(person.device, PAID))
    student.device.push(view(student.device, PAID))  # a second look
    student.device.push(complete(student.device, PAID_TEXT))
    classmate.device.push(
        classmate.device.mutation(
            m.SUBMIT_ATTEMPT,
            attempt_id=uuid.uuid4(),
            quiz_id=PAID_QUIZ,
            started_at=datetime.now(UTC).isoformat(),
            submitted_at=datetime.now(UTC).isoformat(),
            answers=sqlite_answers(right=True),
        )
    )
    paid_order(session, student.id, PAID, 1999)
    paid_order(session, classmate.id, PAID, 1999, refunded=True)
    outsider = session.get(User, crowd.outsider.id)
    assert outsider is not None
    enroll(session, outsider, FREE)
    session.flush()

    assert recompute_day(session, today) >= 1
    first = day_row(session, PAID, today)
    assert first is not None
    assert first["detail_views"] == 4
    assert first["unique_viewers"] == 3
    # The crowd's two students (and the demo's own), enrolled today.
    assert first["enrollments"] == enrolled_today(session, PAID) >= 2
    assert (first["orders"], first["revenue_cents"]) == (2, 3998)
    assert (first["refunds"], first["refunded_cents"]) == (1, 1999)
    assert first["active_students"] == 2  # one completed a lesson, one took the quiz
    assert first["quiz_attempts"] == 1
    assert first["average_quiz_percent"] is not None
    free = day_row(session, FREE, today)
    assert free is not None
    assert free["enrollments"] == enrolled_today(session, FREE) >= 1
    # Again, and again: the same rows.
    recompute_day(session, today)
    recompute_day(session, today)
    assert day_row(session, PAID, today) == first
    # A day with nothing has no rows, and a row left from before is removed.
    yesterday = today - timedelta(days=1)
    assert recompute_day(session, yesterday) == 0
    assert day_row(session, PAID, yesterday) is None

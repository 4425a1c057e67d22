"""Each enrollment's progress on the server, kept as progress arrives by either door, with the
app's own percent over the same lessons."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.analytics import percent_of
from lmsdesk_server.db.models import EnrollmentProgress, LearningDay
from lmsdesk_server.demo.seed import demo_id
from tests.server.analytics.helpers import complete, counted_lessons, progress_row
from tests.server.community.helpers import Crowd
from tests.server.sync.helpers import FREE_TEXT, PAID, PAID_TEXT, enroll

PAID_QUIZ_LESSON = demo_id("practical-sqlite:quiz")


def test_progress_from_sync_and_rest_lands_on_the_enrollment(
    session: Session, crowd: Crowd
) -> None:
    total = counted_lessons(session, PAID)
    device = crowd.student.device
    device.push(complete(device, PAID_TEXT))
    row = progress_row(session, crowd.student.id, PAID)
    assert (row.lessons_completed, row.lessons_total) == (1, total)
    assert row.progress_percent == percent_of(1, total) > 0
    assert row.last_activity_at is not None
    # The REST door: the quiz lesson completed online.
    crowd.student.ok("POST", f"/progress/{PAID_QUIZ_LESSON}/complete", {"reset_generation": 0})
    assert progress_row(session, crowd.student.id, PAID).lessons_completed == 2
    # A reset takes it back; the same completion re-sent does not count twice.
    device.push(device.mutation(m.RESET_PROGRESS, lesson_id=PAID_TEXT, reset_generation=0))
    device.push(complete(device, PAID_TEXT))  # made for the old generation: merged away
    row = progress_row(session, crowd.student.id, PAID)
    assert row.lessons_completed == 1
    assert row.progress_percent == percent_of(1, total)
    # The admin console shows it beside the enrollment.
    detail = crowd.admin.ok("GET", f"/admin/users/{crowd.student.id}")
    [shown] = [e for e in detail["enrollments"] if e["course_id"] == str(PAID)]
    assert shown["progress_percent"] == row.progress_percent
    assert shown["last_activity_at"] is not None
    # The student was active today; the classmate, who did nothing, has no row at all.
    days = session.scalars(select(LearningDay).where(LearningDay.course_id == PAID)).all()
    assert [(d.student_id, d.day) for d in days] == [(crowd.student.id, datetime.now(UTC).date())]
    mine = select(EnrollmentProgress).where(EnrollmentProgress.student_id == crowd.classmate.id)
    assert session.scalars(mine).first() is None


def test_time_and_positions_are_activity_but_not_completion(session: Session, crowd: Crowd) -> None:
    device = crowd.classmate.device
    device.push(device.mutation(m.ADD_TIME, lesson_id=PAID_TEXT, seconds=90))
    row = progress_row(session, crowd.classmate.id, PAID)
    assert (row.lessons_completed, row.progress_percent) == (0, 0)
    assert row.last_activity_at is not None


def test_nobody_else_gets_a_row_for_trying_a_course(session: Session, crowd: Crowd) -> None:
    # The course's instructor trying their own lesson is not enrolled: no figures of theirs.
    device = crowd.instructor.device
    device.push(complete(device, PAID_TEXT))
    session.expire_all()
    assert session.scalars(select(EnrollmentProgress)).all() == []


def test_a_free_course_counts_its_own_lessons(session: Session, crowd: Crowd) -> None:
    from lmsdesk_server.db.models import User
    from tests.server.sync.helpers import FREE

    student = session.get(User, crowd.outsider.id)
    assert student is not None
    enroll(session, student, FREE)
    session.flush()
    crowd.outsider.device.push(complete(crowd.outsider.device, FREE_TEXT))
    row = progress_row(session, crowd.outsider.id, FREE)
    assert row.lessons_total == counted_lessons(session, FREE)
    assert row.lessons_completed == 1

"""All SQL of analytics. The daily job is one INSERT ... SELECT per day over every course;
the reports read the daily table and, for what it cannot answer (distinct students over a
range, the funnel), the source tables."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, func, not_, select, text
from sqlalchemy.dialects.postgresql import insert

from lmsdesk.contracts.enums import CourseStatus, EnrollmentStatus, ProgressStatus
from lmsdesk_server.db.models import (
    Course,
    CourseDailyMetric,
    CourseRating,
    CourseSection,
    CourseView,
    Enrollment,
    EnrollmentProgress,
    LearningDay,
    Lesson,
    LessonProgress,
    Quiz,
    QuizAttempt,
    QuizQuestion,
    User,
)
from lmsdesk_server.db.repository import Repository

# Every course's figures for a range of UTC days, from the source tables, in one statement.
# Rows of all zeros are not written (and removed if a recomputation finds the day empty now).
_DAYS_SQL = text(
    """
    WITH v AS (
        SELECT course_id, (viewed_at AT TIME ZONE 'UTC')::date AS day, count(*) AS views,
               count(DISTINCT viewer_id) AS viewers
        FROM course_views WHERE viewed_at >= :start AND viewed_at < :end GROUP BY 1, 2
    ), e AS (
        SELECT course_id, (enrolled_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
        FROM enrollments WHERE enrolled_at >= :start AND enrolled_at < :end GROUP BY 1, 2
    ), c AS (
        SELECT course_id, (completed_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
        FROM enrollments WHERE completed_at >= :start AND completed_at < :end GROUP BY 1, 2
    ), o AS (
        SELECT i.course_id, (o.completed_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n,
               sum(i.amount_cents) AS cents
        FROM orders o JOIN order_items i ON i.order_id = o.id
        WHERE o.completed_at >= :start AND o.completed_at < :end GROUP BY 1, 2
    ), r AS (
        SELECT course_id, (refunded_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n,
               sum(amount_cents) AS cents
        FROM order_items WHERE refunded_at >= :start AND refunded_at < :end GROUP BY 1, 2
    ), a AS (
        SELECT course_id, day, count(*) AS n FROM learning_days
        WHERE day >= :first AND day <= :last GROUP BY 1, 2
    ), q AS (
        SELECT l.course_id, (qa.submitted_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n,
               avg(qa.percent) AS pct
        FROM quiz_attempts qa JOIN quizzes z ON z.id = qa.quiz_id
        JOIN lessons l ON l.id = z.lesson_id
        WHERE qa.submitted_at >= :start AND qa.submitted_at < :end GROUP BY 1, 2
    ), touched AS (
        SELECT course_id, day FROM v UNION SELECT course_id, day FROM e
        UNION SELECT course_id, day FROM c UNION SELECT course_id, day FROM o
        UNION SELECT course_id, day FROM r UNION SELECT course_id, day FROM a
        UNION SELECT course_id, day FROM q
    ), gone AS (
        DELETE FROM course_daily_metrics m
        WHERE m.day >= :first AND m.day <= :last AND NOT EXISTS (
            SELECT 1 FROM touched t WHERE t.course_id = m.course_id AND t.day = m.day
        )
    )
    INSERT INTO course_daily_metrics AS m (
        course_id, day, detail_views, unique_viewers, enrollments, completions, orders,
        revenue_cents, refunds, refunded_cents, active_students, quiz_attempts,
        average_quiz_percent, computed_at
    )
    SELECT t.course_id, t.day, coalesce(v.views, 0), coalesce(v.viewers, 0), coalesce(e.n, 0),
        coalesce(c.n, 0), coalesce(o.n, 0), coalesce(o.cents, 0), coalesce(r.n, 0),
        coalesce(r.cents, 0), coalesce(a.n, 0), coalesce(q.n, 0), q.pct, now()
    FROM touched t
    JOIN courses ON courses.id = t.course_id
    LEFT JOIN v USING (course_id, day) LEFT JOIN e USING (course_id, day)
    LEFT JOIN c USING (course_id, day) LEFT JOIN o USING (course_id, day)
    LEFT JOIN r USING (course_id, day) LEFT JOIN a USING (course_id, day)
    LEFT JOIN q USING (course_id, day)
    ON CONFLICT (course_id, day) DO UPDATE SET
        detail_views = excluded.detail_views, unique_viewers = excluded.unique_viewers,
        enrollments = excluded.enrollments, completions = excluded.completions,
        orders = excluded.orders, revenue_cents = excluded.revenue_cents,
        refunds = excluded.refunds, refunded_cents = excluded.refunded_cents,
        active_students = excluded.active_students, quiz_attempts = excluded.quiz_attempts,
        average_quiz_percent = excluded.average_quiz_percent, computed_at = excluded.computed_at
    """
)

#: Days are recomputed one writer at a time (a second worker on the same day waits, then
#: writes the same figures): the first key of the advisory lock names this job.
_DAY_LOCK = 0x4C4D5344  # "LMSD"
#: Every day's lock of a range in one statement, in day order.
_LOCK_DAYS = text(
    """
    SELECT count(pg_advisory_xact_lock(:key, (d - DATE '0001-01-01')::int + 1))
    FROM (SELECT generate_series(:first, :last, interval '1 day')::date AS d ORDER BY 1) days
    """
)


def _counted() -> Any:
    """Lessons a course's progress counts: all but practice quizzes (as certificates)."""
    return not_(exists().where(and_(Quiz.lesson_id == Lesson.id, Quiz.practice.is_(True))))


class AnalyticsRepository(Repository):
    # ---------------------------------------------------------------- progress
    def courses_of_lessons(self, lesson_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        stmt = select(Lesson.id, Lesson.course_id).where(Lesson.id.in_(list(lesson_ids)))
        return {lesson: course for lesson, course in self.session.execute(stmt)}  # noqa: C416

    def enrollment_id(self, student_id: uuid.UUID, course_id: uuid.UUID) -> uuid.UUID | None:
        stmt = select(Enrollment.id).where(
            Enrollment.student_id == student_id, Enrollment.course_id == course_id
        )
        return self.session.scalar(stmt)

    def lock_progress(
        self, enrollment_id: uuid.UUID, student_id: uuid.UUID, course_id: uuid.UUID
    ) -> EnrollmentProgress:
        """The enrollment's progress row, created if missing, locked for this transaction.
        Counting happens after this (a new statement, so a fresh snapshot under READ
        COMMITTED): a concurrent writer's lessons, committed while we waited, are seen."""
        self.session.execute(
            insert(EnrollmentProgress)
            .values(enrollment_id=enrollment_id, student_id=student_id, course_id=course_id)
            .on_conflict_do_nothing(index_elements=["enrollment_id"])
        )
        row = self.session.get(
            EnrollmentProgress, enrollment_id, with_for_update=True, populate_existing=True
        )
        assert row is not None  # created above
        return row

    def lesson_counts(self, student_id: uuid.UUID, course_id: uuid.UUID) -> tuple[int, int]:
        """(completed, total) of the course's counted lessons for the student, in one query."""
        done = exists().where(
            LessonProgress.lesson_id == Lesson.id,
            LessonProgress.student_id == student_id,
            LessonProgress.status == ProgressStatus.COMPLETED,
        )
        stmt = select(func.count(), func.count().filter(done)).where(
            Lesson.course_id == course_id, _counted()
        )
        total, completed = self.session.execute(stmt).one()
        return int(completed), int(total)

    def mark_day(self, student_id: uuid.UUID, course_id: uuid.UUID, day: date) -> None:
        self.session.execute(
            insert(LearningDay)
            .values(student_id=student_id, course_id=course_id, day=day)
            .on_conflict_do_nothing()
        )

    def progress_of(self, enrollment_id: uuid.UUID) -> EnrollmentProgress | None:
        return self.session.get(EnrollmentProgress, enrollment_id)

    # ---------------------------------------------------------------- views
    def approved_courses(self, course_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        stmt = select(Course.id).where(
            Course.id.in_(list(course_ids)),
            Course.status == CourseStatus.APPROVED,
            Course.deleted_at.is_(None),
        )
        return set(self.session.scalars(stmt))

    def add_views(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(CourseView), rows)

    # ---------------------------------------------------------------- the daily job
    def recompute_days(self, first: date, last: date, start: datetime, end: datetime) -> int:
        """Every course's days from `first` to `last` (UTC, `start`..`end` as times); returns
        how many course-days had something. Each day's advisory lock is taken in day order,
        so two workers on overlapping ranges wait for each other instead of deadlocking."""
        self.session.execute(_LOCK_DAYS, {"key": _DAY_LOCK, "first": first, "last": last})
        params = {"first": first, "last": last, "start": start, "end": end}
        self.session.execute(_DAYS_SQL, params)
        stmt = select(func.count()).where(
            CourseDailyMetric.day >= first, CourseDailyMetric.day <= last
        )
        return int(self.session.scalar(stmt) or 0)

    # ---------------------------------------------------------------- reports
    def course(self, course_id: uuid.UUID) -> Course | None:
        return self.session.get(Course, course_id)

    def courses_of(self, instructor_id: uuid.UUID) -> list[Course]:
        stmt = (
            select(Course)
            .where(
                Course.instructor_id == instructor_id,
                Course.revision_of.is_(None),
                Course.deleted_at.is_(None),
            )
            .order_by(Course.title)
        )
        return list(self.session.scalars(stmt))

    def daily_rows(
        self, course_ids: Sequence[uuid.UUID] | None, start: date, end: date
    ) -> list[CourseDailyMetric]:
        stmt = select(CourseDailyMetric).where(
            CourseDailyMetric.day >= start, CourseDailyMetric.day <= end
        )
        if course_ids is not None:
            stmt = stmt.where(CourseDailyMetric.course_id.in_(list(course_ids)))
        return list(self.session.scalars(stmt.order_by(CourseDailyMetric.day)))

    def active_students(self, course_ids: Sequence[uuid.UUID], start: date, end: date) -> int:
        stmt = select(func.count(func.distinct(LearningDay.student_id))).where(
            LearningDay.course_id.in_(list(course_ids)),
            LearningDay.day >= start,
            LearningDay.day <= end,
        )
        return int(self.session.scalar(stmt) or 0)

    def completion(self, course_ids: Sequence[uuid.UUID]) -> tuple[int, int]:
        """(completed, all) of the courses' active enrollments."""
        stmt = select(func.count(), func.count(Enrollment.completed_at)).where(
            Enrollment.course_id.in_(list(course_ids)),
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
        total, done = self.session.execute(stmt).one()
        return int(done), int(total)

    def ratings(self, course_ids: Sequence[uuid.UUID]) -> list[tuple[datetime, int]]:
        stmt = (
            select(CourseRating.created_at, CourseRating.rating)
            .where(CourseRating.course_id.in_(list(course_ids)), CourseRating.hidden_at.is_(None))
            .order_by(CourseRating.created_at)
        )
        return [(at, rating) for at, rating in self.session.execute(stmt)]

    def outline(self, course_id: uuid.UUID) -> list[tuple[Lesson, str]]:
        """The course's lessons in reading order, each with its section's title."""
        stmt = (
            select(Lesson, CourseSection.title)
            .join(CourseSection, CourseSection.id == Lesson.section_id)
            .where(Lesson.course_id == course_id)
            .order_by(CourseSection.position, Lesson.position)
        )
        return [(lesson, title) for lesson, title in self.session.execute(stmt)]

    def funnel_progress(
        self, course_id: uuid.UUID
    ) -> list[tuple[uuid.UUID, uuid.UUID, ProgressStatus, bool]]:
        """(student, lesson, status, course finished) of the course's active enrollments'
        progress rows that are started."""
        stmt = (
            select(
                LessonProgress.student_id,
                LessonProgress.lesson_id,
                LessonProgress.status,
                Enrollment.completed_at.is_not(None),
            )
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .join(
                Enrollment,
                and_(
                    Enrollment.student_id == LessonProgress.student_id,
                    Enrollment.course_id == Lesson.course_id,
                ),
            )
            .where(
                Lesson.course_id == course_id,
                Enrollment.status == EnrollmentStatus.ACTIVE,
                LessonProgress.status != ProgressStatus.NOT_STARTED,
            )
        )
        return [
            (s, lesson, status, bool(done))
            for s, lesson, status, done in self.session.execute(stmt)
        ]

    def active_enrollment_count(self, course_id: uuid.UUID) -> int:
        stmt = select(func.count()).where(
            Enrollment.course_id == course_id, Enrollment.status == EnrollmentStatus.ACTIVE
        )
        return int(self.session.scalar(stmt) or 0)

    def questions(self, course_id: uuid.UUID) -> list[tuple[QuizQuestion, str]]:
        stmt = (
            select(QuizQuestion, Lesson.title)
            .join(Quiz, Quiz.id == QuizQuestion.quiz_id)
            .join(Lesson, Lesson.id == Quiz.lesson_id)
            .where(Lesson.course_id == course_id)
        )
        return [(q, title) for q, title in self.session.execute(stmt)]

    def recent_answers(
        self, quiz_ids: Sequence[uuid.UUID], limit: int
    ) -> list[tuple[uuid.UUID, dict[str, Any]]]:
        stmt = (
            select(QuizAttempt.quiz_id, QuizAttempt.answers)
            .where(QuizAttempt.quiz_id.in_(list(quiz_ids)), QuizAttempt.submitted_at.is_not(None))
            .order_by(QuizAttempt.submitted_at.desc())
            .limit(limit)
        )
        return [(quiz, answers or {}) for quiz, answers in self.session.execute(stmt)]

    # ---------------------------------------------------------------- the platform
    def new_users(self, start: datetime, end: datetime) -> list[tuple[date, int]]:
        day = func.date(func.timezone("UTC", User.created_at))
        stmt = (
            select(day, func.count())
            .where(User.created_at >= start, User.created_at < end)
            .group_by(day)
        )
        return [(d, int(n)) for d, n in self.session.execute(stmt)]

    def conversion(self, start: datetime, end: datetime) -> tuple[int, int]:
        """(viewers, converted): people who looked at a course's details in the range, and of
        them those who enrolled in (or bought) a course they had looked at, afterwards."""
        bought = (
            select(Enrollment.id)
            .where(
                Enrollment.student_id == CourseView.viewer_id,
                Enrollment.course_id == CourseView.course_id,
                Enrollment.enrolled_at >= CourseView.viewed_at,
                Enrollment.enrolled_at < end,
            )
            .exists()
        )
        stmt = select(
            func.count(func.distinct(CourseView.viewer_id)),
            func.count(func.distinct(CourseView.viewer_id)).filter(bought),
        ).where(CourseView.viewed_at >= start, CourseView.viewed_at < end)
        viewers, converted = self.session.execute(stmt).one()
        return int(viewers), int(converted)

    def titles(self, course_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        stmt = select(Course.id, Course.title).where(Course.id.in_(list(course_ids)))
        return {cid: title for cid, title in self.session.execute(stmt)}  # noqa: C416

    def main_currency(self) -> str:
        stmt = (
            select(Course.currency)
            .group_by(Course.currency)
            .order_by(func.count().desc(), Course.currency)
            .limit(1)
        )
        return self.session.scalar(stmt) or "USD"

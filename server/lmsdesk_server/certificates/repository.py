"""All SQL of certificates: who holds one, and whether a course is complete for a student."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, exists, func, not_, select

from lmsdesk.contracts.enums import EnrollmentStatus, ProgressStatus
from lmsdesk_server.db.models import (
    Certificate,
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
    Quiz,
    User,
)
from lmsdesk_server.db.repository import Repository


def _counted() -> ColumnElement[bool]:
    """Lessons a certificate needs: all but practice quizzes (taken for the learning only)."""
    return not_(exists().where(and_(Quiz.lesson_id == Lesson.id, Quiz.practice.is_(True))))


class CertificateRepository(Repository):
    def courses_of_lessons(self, lesson_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        stmt = select(Lesson.id, Lesson.course_id).where(Lesson.id.in_(list(lesson_ids)))
        return {lesson: course for lesson, course in self.session.execute(stmt)}  # noqa: C416

    def with_names(self, certificate_id: uuid.UUID) -> tuple[Certificate, str, str] | None:
        """A certificate with its holder's name and its course's title."""
        stmt = (
            select(Certificate, User.full_name, Course.title)
            .join(User, User.id == Certificate.student_id)
            .join(Course, Course.id == Certificate.course_id)
            .where(Certificate.id == certificate_id)
        )
        row = self.session.execute(stmt).one_or_none()
        return (row[0], row[1], row[2]) if row is not None else None

    def active_enrollment(self, student_id: uuid.UUID, course_id: uuid.UUID) -> Enrollment | None:
        stmt = select(Enrollment).where(
            Enrollment.student_id == student_id,
            Enrollment.course_id == course_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
        return self.session.scalars(stmt).one_or_none()

    def certificate_of(self, student_id: uuid.UUID, course_id: uuid.UUID) -> Certificate | None:
        stmt = select(Certificate).where(
            Certificate.student_id == student_id, Certificate.course_id == course_id
        )
        return self.session.scalars(stmt).one_or_none()

    def lessons_in_course(self, course_id: uuid.UUID) -> int:
        stmt = select(func.count()).where(Lesson.course_id == course_id, _counted())
        return int(self.session.scalar(stmt) or 0)

    def lessons_completed(self, student_id: uuid.UUID, course_id: uuid.UUID) -> int:
        stmt = (
            select(func.count())
            .select_from(LessonProgress)
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(
                Lesson.course_id == course_id,
                LessonProgress.student_id == student_id,
                LessonProgress.status == ProgressStatus.COMPLETED,
                _counted(),
            )
        )
        return int(self.session.scalar(stmt) or 0)

"""All SQL about what students do: enrollments, progress, attempts, wishlist, ratings."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from lmsdesk.contracts.enums import CourseStatus, EnrollmentStatus
from lmsdesk_server.db.models import (
    Course,
    CourseRating,
    Enrollment,
    Lesson,
    Quiz,
    QuizAttempt,
    QuizQuestion,
    WishlistItem,
)
from lmsdesk_server.db.repository import Repository


class LearningRepository(Repository):
    def lesson(self, lesson_id: uuid.UUID) -> Lesson | None:
        return self.session.get(Lesson, lesson_id)

    def course(self, course_id: uuid.UUID) -> Course | None:
        return self.session.get(Course, course_id)

    def has_active_enrollment(self, student_id: uuid.UUID, course_id: uuid.UUID) -> bool:
        stmt = select(Enrollment.id).where(
            Enrollment.student_id == student_id,
            Enrollment.course_id == course_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
        return self.session.scalar(stmt) is not None

    def entitled_course_ids(self, user_id: uuid.UUID, *, is_admin: bool) -> set[str]:
        """Courses whose full content this user receives: active enrollments, own courses,
        and for admins every published course (they review and support them)."""
        enrolled = select(Enrollment.course_id).where(
            Enrollment.student_id == user_id, Enrollment.status == EnrollmentStatus.ACTIVE
        )
        owned = select(Course.id).where(Course.instructor_id == user_id)
        ids = set(self.session.scalars(enrolled)) | set(self.session.scalars(owned))
        if is_admin:
            ids |= set(
                self.session.scalars(
                    select(Course.id).where(
                        Course.status.in_([CourseStatus.APPROVED, CourseStatus.ARCHIVED])
                    )
                )
            )
        return {str(i) for i in ids}

    def enrollments_changed_since(
        self, student_id: uuid.UUID, version: int
    ) -> list[tuple[str, bool]]:
        """(course id, active now) for this student's enrollments written after `version`."""
        stmt = select(Enrollment.course_id, Enrollment.status).where(
            Enrollment.student_id == student_id, Enrollment.sync_version > version
        )
        return [
            (str(course), status is EnrollmentStatus.ACTIVE)
            for course, status in self.session.execute(stmt)
        ]

    def lessons(self, lesson_ids: list[uuid.UUID]) -> list[Lesson]:
        return list(self.session.scalars(select(Lesson).where(Lesson.id.in_(lesson_ids))))

    def active_enrollment_courses(
        self, student_id: uuid.UUID, course_ids: list[uuid.UUID]
    ) -> set[uuid.UUID]:
        stmt = select(Enrollment.course_id).where(
            Enrollment.student_id == student_id,
            Enrollment.course_id.in_(course_ids),
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
        return set(self.session.scalars(stmt))

    def owners(self, course_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        stmt = select(Course.id, Course.instructor_id).where(Course.id.in_(course_ids))
        return {row[0]: row[1] for row in self.session.execute(stmt)}

    def quiz(self, quiz_id: uuid.UUID) -> Quiz | None:
        return self.session.get(Quiz, quiz_id)

    def questions(self, quiz_id: uuid.UUID) -> list[QuizQuestion]:
        stmt = select(QuizQuestion).where(QuizQuestion.quiz_id == quiz_id)
        return list(self.session.scalars(stmt.order_by(QuizQuestion.position)))

    def attempt(self, attempt_id: uuid.UUID) -> QuizAttempt | None:
        return self.session.get(QuizAttempt, attempt_id)

    def attempt_count(self, student_id: uuid.UUID, quiz_id: uuid.UUID) -> int:
        stmt = select(func.count()).where(
            QuizAttempt.student_id == student_id, QuizAttempt.quiz_id == quiz_id
        )
        return int(self.session.scalar(stmt) or 0)

    def next_attempt_number(self, student_id: uuid.UUID, quiz_id: uuid.UUID) -> int:
        stmt = select(func.coalesce(func.max(QuizAttempt.attempt_number), 0)).where(
            QuizAttempt.student_id == student_id, QuizAttempt.quiz_id == quiz_id
        )
        return int(self.session.scalar(stmt) or 0) + 1

    def wishlist_item(self, student_id: uuid.UUID, course_id: uuid.UUID) -> WishlistItem | None:
        return self.session.get(WishlistItem, (student_id, course_id))

    def rating(self, student_id: uuid.UUID, course_id: uuid.UUID) -> CourseRating | None:
        stmt = select(CourseRating).where(
            CourseRating.student_id == student_id, CourseRating.course_id == course_id
        )
        return self.session.scalars(stmt).one_or_none()

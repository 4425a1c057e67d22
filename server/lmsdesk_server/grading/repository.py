"""All SQL of assignments and grading: submissions, the work waiting for an instructor, and
the gradebook's scores."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select

from lmsdesk.contracts.enums import (
    AttemptStatus,
    EnrollmentStatus,
    LessonType,
    QuestionType,
    SubmissionStatus,
)
from lmsdesk_server.db.models import (
    AssignmentSubmission,
    Course,
    CourseSection,
    Enrollment,
    Lesson,
    MediaAsset,
    Quiz,
    QuizAttempt,
    QuizQuestion,
    User,
)
from lmsdesk_server.db.repository import Repository


class GradingRepository(Repository):
    def submission(
        self, submission_id: uuid.UUID, *, lock: bool = False
    ) -> AssignmentSubmission | None:
        return self.find(AssignmentSubmission, submission_id, lock=lock)

    def attempt(self, attempt_id: uuid.UUID, *, lock: bool = False) -> QuizAttempt | None:
        return self.find(QuizAttempt, attempt_id, lock=lock)

    def submission_count(self, student_id: uuid.UUID, lesson_id: uuid.UUID) -> int:
        stmt = select(func.count()).where(
            AssignmentSubmission.student_id == student_id,
            AssignmentSubmission.lesson_id == lesson_id,
        )
        return int(self.session.scalar(stmt) or 0)

    def enrollment_status(
        self, student_id: uuid.UUID, course_id: uuid.UUID
    ) -> EnrollmentStatus | None:
        stmt = select(Enrollment.status).where(
            Enrollment.student_id == student_id, Enrollment.course_id == course_id
        )
        return self.session.scalar(stmt)

    def quiz_of_attempt(self, attempt: QuizAttempt) -> tuple[Quiz, Lesson, Course]:
        stmt = (
            select(Quiz, Lesson, Course)
            .join(Lesson, Lesson.id == Quiz.lesson_id)
            .join(Course, Course.id == Lesson.course_id)
            .where(Quiz.id == attempt.quiz_id)
        )
        quiz, lesson, course = self.session.execute(stmt).one()
        return quiz, lesson, course

    def questions(self, quiz_id: uuid.UUID) -> list[QuizQuestion]:
        stmt = select(QuizQuestion).where(QuizQuestion.quiz_id == quiz_id)
        return list(self.session.scalars(stmt.order_by(QuizQuestion.position)))

    def submissions(
        self,
        *,
        lesson_id: uuid.UUID | None = None,
        student_id: uuid.UUID | None = None,
        instructor_id: uuid.UUID | None = None,
        course_id: uuid.UUID | None = None,
        status: SubmissionStatus | None = None,
    ) -> Sequence[Row[AssignmentSubmission, str, str, Lesson, Course]]:
        """Submissions with their student's name, file name, lesson and course: oldest first."""
        stmt = (
            select(
                AssignmentSubmission, User.full_name, MediaAsset.original_filename, Lesson, Course
            )
            .join(User, User.id == AssignmentSubmission.student_id)
            .join(Lesson, Lesson.id == AssignmentSubmission.lesson_id)
            .join(Course, Course.id == AssignmentSubmission.course_id)
            .outerjoin(MediaAsset, MediaAsset.id == AssignmentSubmission.file_asset_id)
            .order_by(AssignmentSubmission.submitted_at, AssignmentSubmission.id)
        )
        if lesson_id is not None:
            stmt = stmt.where(AssignmentSubmission.lesson_id == lesson_id)
        if student_id is not None:
            stmt = stmt.where(AssignmentSubmission.student_id == student_id)
        if instructor_id is not None:
            stmt = stmt.where(Course.instructor_id == instructor_id)
        if course_id is not None:
            stmt = stmt.where(AssignmentSubmission.course_id == course_id)
        if status is not None:
            stmt = stmt.where(AssignmentSubmission.status == status)
        return self.session.execute(stmt).all()

    def essay_attempts(
        self,
        instructor_id: uuid.UUID,
        *,
        course_id: uuid.UUID | None = None,
        lesson_id: uuid.UUID | None = None,
        pending_only: bool = False,
    ) -> Sequence[Row[QuizAttempt, str, Quiz, Lesson, Course]]:
        """Attempts at the instructor's quizzes that have essay questions: oldest first."""
        has_essay = (
            select(QuizQuestion.id)
            .where(
                QuizQuestion.quiz_id == Quiz.id, QuizQuestion.question_type == QuestionType.ESSAY
            )
            .exists()
        )
        stmt = (
            select(QuizAttempt, User.full_name, Quiz, Lesson, Course)
            .join(User, User.id == QuizAttempt.student_id)
            .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
            .join(Lesson, Lesson.id == Quiz.lesson_id)
            .join(Course, Course.id == Lesson.course_id)
            .where(Course.instructor_id == instructor_id, has_essay)
            .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
        )
        if course_id is not None:
            stmt = stmt.where(Course.id == course_id)
        if lesson_id is not None:
            stmt = stmt.where(Lesson.id == lesson_id)
        if pending_only:
            stmt = stmt.where(QuizAttempt.status == AttemptStatus.PENDING_REVIEW)
        return self.session.execute(stmt).all()

    def graded_lessons(self, course_id: uuid.UUID) -> list[tuple[Lesson, Quiz | None]]:
        """A course's quizzes (not practice ones) and assignments, in course order."""
        stmt = (
            select(Lesson, Quiz)
            .join(CourseSection, CourseSection.id == Lesson.section_id)
            .outerjoin(Quiz, Quiz.lesson_id == Lesson.id)
            .where(
                Lesson.course_id == course_id,
                Lesson.lesson_type.in_([LessonType.QUIZ, LessonType.ASSIGNMENT]),
            )
            .order_by(CourseSection.position, Lesson.position)
        )
        return [
            (lesson, quiz)
            for lesson, quiz in self.session.execute(stmt)
            if quiz is None or not quiz.practice
        ]

    def quiz_points(self, quiz_ids: list[uuid.UUID]) -> dict[uuid.UUID, float]:
        stmt = (
            select(QuizQuestion.quiz_id, func.sum(QuizQuestion.points))
            .where(QuizQuestion.quiz_id.in_(quiz_ids))
            .group_by(QuizQuestion.quiz_id)
        )
        return {quiz: float(total or 0) for quiz, total in self.session.execute(stmt)}

    def students(self, course_id: uuid.UUID) -> list[tuple[uuid.UUID, str, str]]:
        """The course's students (an active enrollment): id, name, email, by name."""
        stmt = (
            select(User.id, User.full_name, User.email)
            .join(Enrollment, Enrollment.student_id == User.id)
            .where(Enrollment.course_id == course_id, Enrollment.status == EnrollmentStatus.ACTIVE)
            .order_by(User.full_name, User.email)
        )
        return [(i, n, e) for i, n, e in self.session.execute(stmt)]

    def attempts_of_course(self, course_id: uuid.UUID) -> list[Any]:
        stmt = (
            select(QuizAttempt.student_id, Quiz.lesson_id, QuizAttempt.score, QuizAttempt.status)
            .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
            .join(Lesson, Lesson.id == Quiz.lesson_id)
            .where(Lesson.course_id == course_id)
        )
        return list(self.session.execute(stmt))

    def submissions_of_course(self, course_id: uuid.UUID) -> list[Any]:
        stmt = (
            select(
                AssignmentSubmission.student_id,
                AssignmentSubmission.lesson_id,
                AssignmentSubmission.score,
                AssignmentSubmission.status,
                AssignmentSubmission.number,
            )
            .where(AssignmentSubmission.course_id == course_id)
            .order_by(AssignmentSubmission.number)
        )
        return list(self.session.execute(stmt))

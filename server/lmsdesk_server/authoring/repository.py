"""All SQL of authoring: drafts, their curriculum, conflicts, tags, and the submit checklist."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select

from lmsdesk.contracts.enums import LessonType, MediaStatus
from lmsdesk_server.db.models import (
    Course,
    CourseSection,
    CourseTag,
    CourseTagMap,
    DraftConflict,
    Lesson,
    LessonPrerequisite,
    LessonResource,
    MediaAsset,
    Quiz,
    QuizQuestion,
)
from lmsdesk_server.db.repository import Repository


class AuthoringRepository(Repository):
    # ------------------------------------------------------------ the curriculum
    def course_id_of(self, entity: str, row: Any) -> uuid.UUID:
        """The course a draft row belongs to, walking up from questions and resources."""
        if entity == "course":
            return row.id  # type: ignore[no-any-return]
        if entity == "question":
            row = self.session.get(Quiz, row.quiz_id)
        if entity in ("quiz", "question", "resource"):
            row = self.session.get(Lesson, row.lesson_id)
        return row.course_id  # type: ignore[no-any-return]

    def positions_from(
        self, model: Any, parent: ColumnElement[bool], own: uuid.UUID, at_least: str
    ) -> list[str]:
        """Sibling positions at or after `at_least` (the row itself left out), in order."""
        stmt = select(model.position).where(parent, model.id != own, model.position >= at_least)
        return sorted(self.session.scalars(stmt))

    def last_question_position(self, quiz_id: uuid.UUID) -> int:
        stmt = select(func.max(QuizQuestion.position)).where(QuizQuestion.quiz_id == quiz_id)
        return int(self.session.scalar(stmt) or 0)

    def last_resource_position(self, lesson_id: uuid.UUID) -> int:
        stmt = select(func.max(LessonResource.position)).where(
            LessonResource.lesson_id == lesson_id
        )
        return int(self.session.scalar(stmt) or 0)

    def lessons_of_section(self, section_id: uuid.UUID) -> list[Lesson]:
        return list(self.session.scalars(select(Lesson).where(Lesson.section_id == section_id)))

    def quiz_of_lesson(self, lesson_id: uuid.UUID) -> Quiz | None:
        return self.session.scalar(select(Quiz).where(Quiz.lesson_id == lesson_id))

    def question_ids(self, quiz_id: uuid.UUID) -> list[uuid.UUID]:
        stmt = select(QuizQuestion.id).where(QuizQuestion.quiz_id == quiz_id)
        return list(self.session.scalars(stmt))

    def resource_ids(self, lesson_id: uuid.UUID) -> list[uuid.UUID]:
        stmt = select(LessonResource.id).where(LessonResource.lesson_id == lesson_id)
        return list(self.session.scalars(stmt))

    def course_prerequisites(self, course_id: uuid.UUID) -> list[LessonPrerequisite]:
        stmt = (
            select(LessonPrerequisite)
            .join(Lesson, Lesson.id == LessonPrerequisite.lesson_id)
            .where(Lesson.course_id == course_id)
        )
        return list(self.session.scalars(stmt))

    def prerequisite_links(self, lesson_id: uuid.UUID) -> list[LessonPrerequisite]:
        """Links from or to the lesson."""
        stmt = select(LessonPrerequisite).where(
            (LessonPrerequisite.lesson_id == lesson_id)
            | (LessonPrerequisite.prerequisite_lesson_id == lesson_id)
        )
        return list(self.session.scalars(stmt))

    # ------------------------------------------------------------ tags
    def tag_ids_named(self, names: Sequence[str]) -> dict[str, uuid.UUID]:
        stmt = select(CourseTag.name, CourseTag.id).where(CourseTag.name.in_(names))
        return {name: tag for name, tag in self.session.execute(stmt)}  # noqa: C416 - rows

    def tag_ids_of_course(self, course_id: uuid.UUID) -> set[uuid.UUID]:
        stmt = select(CourseTagMap.tag_id).where(CourseTagMap.course_id == course_id)
        return set(self.session.scalars(stmt))

    # ------------------------------------------------------------ the submit checklist
    def lessons_per_section(self, course_id: uuid.UUID) -> list[int]:
        stmt = (
            select(CourseSection.id, func.count(Lesson.id))
            .outerjoin(Lesson, Lesson.section_id == CourseSection.id)
            .where(CourseSection.course_id == course_id)
            .group_by(CourseSection.id)
        )
        return [int(n) for _, n in self.session.execute(stmt)]

    def video_lessons_without_a_ready_video(self, course_id: uuid.UUID) -> int:
        stmt = (
            select(func.count(Lesson.id))
            .outerjoin(MediaAsset, MediaAsset.id == Lesson.video_asset_id)
            .where(
                Lesson.course_id == course_id,
                Lesson.lesson_type == LessonType.VIDEO,
                (MediaAsset.id.is_(None)) | (MediaAsset.status != MediaStatus.READY),
            )
        )
        return int(self.session.scalar(stmt) or 0)

    def open_conflicts(self, course_id: uuid.UUID) -> int:
        stmt = select(func.count(DraftConflict.id)).where(
            DraftConflict.course_id == course_id, DraftConflict.resolved_at.is_(None)
        )
        return int(self.session.scalar(stmt) or 0)

    def assignments(self, course_id: uuid.UUID) -> list[Lesson]:
        stmt = select(Lesson).where(
            Lesson.course_id == course_id, Lesson.lesson_type == LessonType.ASSIGNMENT
        )
        return list(self.session.scalars(stmt.order_by(Lesson.position)))

    def quizzes_with_questions(self, course_id: uuid.UUID) -> list[tuple[str, list[QuizQuestion]]]:
        """(lesson title, its questions in order) for every quiz of the course, in lesson order."""
        quizzes = self.session.execute(
            select(Lesson.title, Quiz.id)
            .join(Quiz, Quiz.lesson_id == Lesson.id)
            .where(Lesson.course_id == course_id)
            .order_by(Lesson.position)
        ).all()
        questions: dict[uuid.UUID, list[QuizQuestion]] = {quiz: [] for _, quiz in quizzes}
        stmt = (
            select(QuizQuestion)
            .where(QuizQuestion.quiz_id.in_(list(questions)))
            .order_by(QuizQuestion.position)
        )
        for question in self.session.scalars(stmt):
            questions[question.quiz_id].append(question)
        return [(title, questions[quiz]) for title, quiz in quizzes]

    # ------------------------------------------------------------ revisions
    def open_revision(self, course_id: uuid.UUID) -> Course | None:
        stmt = select(Course).where(Course.revision_of == course_id, Course.deleted_at.is_(None))
        return self.session.scalars(stmt).one_or_none()

    def tag_links(self, course_id: uuid.UUID) -> list[CourseTagMap]:
        stmt = select(CourseTagMap).where(CourseTagMap.course_id == course_id)
        return list(self.session.scalars(stmt))

    def content_rows(self, model: Any, course_id: uuid.UUID) -> list[Any]:
        """A course's rows of one content table (sections, lessons, quizzes, questions,
        resources), however deep the table hangs below the course."""
        if model in (CourseSection, Lesson):
            return list(self.session.scalars(select(model).where(model.course_id == course_id)))
        lessons = select(Lesson.id).where(Lesson.course_id == course_id)
        if model is QuizQuestion:
            quizzes = select(Quiz.id).where(Quiz.lesson_id.in_(lessons))
            return list(self.session.scalars(select(model).where(model.quiz_id.in_(quizzes))))
        return list(self.session.scalars(select(model).where(model.lesson_id.in_(lessons))))

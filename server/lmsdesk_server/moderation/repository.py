"""All SQL of moderation: the queue, reviews, a course's content for its snapshot, and the bulk
move of a course's rows into the catalog when it is published."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select, update

from lmsdesk.contracts.enums import CourseStatus
from lmsdesk_server.db.models import (
    Category,
    Course,
    CourseSection,
    CourseTag,
    CourseTagMap,
    Lesson,
    LessonPrerequisite,
    LessonResource,
    MediaAsset,
    ModerationReview,
    Quiz,
    QuizQuestion,
    User,
)
from lmsdesk_server.db.repository import Repository

#: One row of the queue: the course, its instructor's name, its category's name, the decisions
#: taken on it so far, its lesson count.
QueueRow = tuple[Course, str | None, str | None, int, int]


class ModerationRepository(Repository):
    def lesson_ids(self, course_id: uuid.UUID) -> set[uuid.UUID]:
        return set(self.session.scalars(select(Lesson.id).where(Lesson.course_id == course_id)))

    def reviewer_name(self, user_id: uuid.UUID) -> str:
        user = self.session.get(User, user_id)
        return (user.full_name or user.email) if user else ""

    def decisions_on(self, course_id: uuid.UUID) -> int:
        stmt = select(func.count(ModerationReview.id)).where(
            ModerationReview.course_id == course_id
        )
        return int(self.session.scalar(stmt) or 0)

    def reviews_newest_first(self, course_id: uuid.UUID) -> list[ModerationReview]:
        stmt = (
            select(ModerationReview)
            .where(ModerationReview.course_id == course_id)
            .order_by(ModerationReview.created_at.desc(), ModerationReview.revision.desc())
        )
        return list(self.session.scalars(stmt))

    def content(self, course: Course) -> dict[str, Any]:
        """Everything a course snapshot is made of, as snapshot_of takes it."""
        lessons = list(self.session.scalars(select(Lesson).where(Lesson.course_id == course.id)))
        lesson_ids = [x.id for x in lessons]
        quizzes = list(self.session.scalars(select(Quiz).where(Quiz.lesson_id.in_(lesson_ids))))
        category = self.find(Category, course.category_id)
        tags = (
            select(CourseTag.name)
            .join(CourseTagMap, CourseTagMap.tag_id == CourseTag.id)
            .where(CourseTagMap.course_id == course.id)
        )
        questions = select(QuizQuestion).where(QuizQuestion.quiz_id.in_([q.id for q in quizzes]))
        resources = select(LessonResource).where(LessonResource.lesson_id.in_(lesson_ids))
        sections = select(CourseSection).where(CourseSection.course_id == course.id)
        return {
            "category": category.name if category else None,
            "tags": list(self.session.scalars(tags)),
            "sections": list(self.session.scalars(sections)),
            "lessons": lessons,
            "quizzes": quizzes,
            "questions": list(self.session.scalars(questions)),
            "resources": list(self.session.scalars(resources)),
        }

    def move_content(self, course_id: uuid.UUID, drafts: Sequence[str], **moved: Any) -> None:
        """Set `moved` (partition and version) on every content row of the course, and on the
        media it uses that still sit in one of `drafts` (one shared with a published course
        stays put). Bulk statements: the ORM's copies are not updated."""
        lessons = select(Lesson.id).where(Lesson.course_id == course_id).scalar_subquery()
        quizzes = select(Quiz.id).where(Quiz.lesson_id.in_(lessons)).scalar_subquery()
        assets = (
            select(Lesson.video_asset_id)
            .where(Lesson.course_id == course_id)
            .union(
                select(Lesson.subtitles_asset_id).where(Lesson.course_id == course_id),
                select(LessonResource.asset_id).where(LessonResource.lesson_id.in_(lessons)),
                select(Course.thumbnail_asset_id).where(Course.id == course_id),
            )
        )
        statements = [
            update(CourseTagMap).where(CourseTagMap.course_id == course_id),
            update(CourseSection).where(CourseSection.course_id == course_id),
            update(Lesson).where(Lesson.course_id == course_id),
            update(LessonPrerequisite).where(LessonPrerequisite.lesson_id.in_(lessons)),
            update(LessonResource).where(LessonResource.lesson_id.in_(lessons)),
            update(Quiz).where(Quiz.lesson_id.in_(lessons)),
            update(QuizQuestion).where(QuizQuestion.quiz_id.in_(quizzes)),
            update(MediaAsset).where(
                MediaAsset.id.in_(assets), MediaAsset.sync_partition.in_(list(drafts))
            ),
        ]
        for statement in statements:
            self.session.execute(
                statement.values(**moved), execution_options={"synchronize_session": False}
            )

    def queue(
        self, *, q: str | None, category: str | None, offset: int, limit: int
    ) -> tuple[list[QueueRow], int]:
        """Courses waiting for review, oldest submission first, and how many there are."""
        decisions = (
            select(func.count(ModerationReview.id))
            .where(ModerationReview.course_id == Course.id)
            .scalar_subquery()
        )
        lessons = (
            select(func.count(Lesson.id)).where(Lesson.course_id == Course.id).scalar_subquery()
        )
        stmt = (
            select(Course, User.full_name, Category.name, decisions, lessons)
            .join(User, User.id == Course.instructor_id)
            .outerjoin(Category, Category.id == Course.category_id)
            .where(Course.status == CourseStatus.PENDING, Course.deleted_at.is_(None))
        )
        if q:
            pattern = f"%{q.strip()}%"
            stmt = stmt.where(or_(Course.title.ilike(pattern), User.full_name.ilike(pattern)))
        if category:
            stmt = stmt.where(Category.slug == category)
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        page = stmt.order_by(Course.submitted_at.asc().nulls_last(), Course.id)
        rows = self.session.execute(page.offset(offset).limit(limit))
        return [(c, name, cat, int(d), int(n)) for c, name, cat, d, n in rows], int(total)

"""All SQL about who may read a media asset."""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select

from lmsdesk.contracts.enums import CourseStatus
from lmsdesk_server.db.models import (
    AssignmentSubmission,
    Course,
    Lesson,
    LessonResource,
    MediaAsset,
)
from lmsdesk_server.db.repository import Repository

_LIVE = (CourseStatus.APPROVED, CourseStatus.ARCHIVED)


class MediaRepository(Repository):
    def asset(self, asset_id: uuid.UUID) -> MediaAsset | None:
        return self.find(MediaAsset, asset_id)

    def is_public(self, asset_id: uuid.UUID) -> bool:
        """A thumbnail of a published course, or the media of one of its preview lessons:
        any signed-in user may see them, as they may see the catalog."""
        thumbnail = select(Course.id).where(
            Course.thumbnail_asset_id == asset_id, Course.status == CourseStatus.APPROVED
        )
        preview = (
            select(Lesson.id)
            .join(Course, Course.id == Lesson.course_id)
            .where(
                Lesson.is_preview,
                Course.status == CourseStatus.APPROVED,
                or_(Lesson.video_asset_id == asset_id, Lesson.subtitles_asset_id == asset_id),
            )
        )
        return (
            self.session.scalar(thumbnail.limit(1)) is not None
            or self.session.scalar(preview.limit(1)) is not None
        )

    def courses_using(self, asset_id: uuid.UUID) -> set[uuid.UUID]:
        """Every course whose lessons (video, subtitles, resources) or thumbnail use the asset."""
        lessons = select(Lesson.course_id).where(
            or_(Lesson.video_asset_id == asset_id, Lesson.subtitles_asset_id == asset_id)
        )
        resources = (
            select(Lesson.course_id)
            .join(LessonResource, LessonResource.lesson_id == Lesson.id)
            .where(LessonResource.asset_id == asset_id)
        )
        thumbnails = select(Course.id).where(Course.thumbnail_asset_id == asset_id)
        return set(self.session.scalars(lessons.union(resources, thumbnails)))

    def lessons_using(self, asset_id: uuid.UUID) -> list[Lesson]:
        """The lessons whose video, subtitles or resources use the asset."""
        resources = select(LessonResource.lesson_id).where(LessonResource.asset_id == asset_id)
        stmt = select(Lesson).where(
            or_(
                Lesson.video_asset_id == asset_id,
                Lesson.subtitles_asset_id == asset_id,
                Lesson.id.in_(resources),
            )
        )
        return list(self.session.scalars(stmt))

    def graded_by(self, asset_id: uuid.UUID, instructor_id: uuid.UUID) -> bool:
        """Whether the file was handed in for an assignment of this instructor's course."""
        stmt = (
            select(AssignmentSubmission.id)
            .join(Course, Course.id == AssignmentSubmission.course_id)
            .where(
                AssignmentSubmission.file_asset_id == asset_id,
                Course.instructor_id == instructor_id,
            )
        )
        return self.session.scalar(stmt.limit(1)) is not None

    def storage_keys_among(self, keys: list[str]) -> set[str]:
        """Which of these stored objects an asset row names (every status: an upload in
        progress keeps its object too)."""
        named: set[str] = set()
        for start in range(0, len(keys), 1000):
            batch = keys[start : start + 1000]
            named |= set(
                self.session.scalars(
                    select(MediaAsset.storage_key).where(MediaAsset.storage_key.in_(batch))
                )
            )
        return named

"""An instructor's courses, authored offline: every edit is a local change plus a draft
mutation (DESIGN.md section 5, course drafts), so nothing here needs the network. Submit is
queued like any other change; the status and the reviewer's feedback sync back.

Blocking: call on the database lane.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.authoring import (
    EDITABLE,
    EDITABLE_STATUSES,
    MAX_TAGS,
    Keep,
    SetTagsArgs,
)
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus, LessonType
from lmsdesk.local_db.models.client import Upload, UploadState
from lmsdesk.local_db.models.mirror import (
    Category,
    Course,
    Lesson,
)
from lmsdesk.services import draft_queries as q
from lmsdesk.services.draft_queries import AuthoringRefused
from lmsdesk.services.drafting import Drafting, upload_note
from lmsdesk.sync.local_revisions import open_revision

_STATUS_WORDS = {
    CourseStatus.DRAFT: "Draft",
    CourseStatus.PENDING: "In review",
    CourseStatus.APPROVED: "Published",
    CourseStatus.REJECTED: "Changes requested",
    CourseStatus.ARCHIVED: "Archived",
}


@dataclass(frozen=True)
class AuthoredCourse:
    id: uuid.UUID
    title: str
    status: CourseStatus
    lessons: int
    open_conflicts: int
    feedback: str | None  # the reviewer's words on the latest rejection
    revision_of: uuid.UUID | None = None  # this draft changes that published course

    @property
    def status_text(self) -> str:
        words = _STATUS_WORDS[self.status]
        return f"Revision · {words}" if self.revision_of else words


@dataclass(frozen=True)
class LessonOutline:
    id: uuid.UUID
    title: str
    lesson_type: LessonType
    is_preview: bool
    has_video: bool
    duration_seconds: int | None = None
    has_subtitles: bool = False


@dataclass(frozen=True)
class SectionOutline:
    id: uuid.UUID
    title: str
    lessons: tuple[LessonOutline, ...]


@dataclass(frozen=True)
class Conflict:
    id: uuid.UUID
    where: str  # "Title of the course", "Title of lesson 'Why offline'"
    theirs: Any  # the value the server has (from the other device)
    mine: Any  # this device's value


@dataclass(frozen=True)
class Draft:
    """Everything the course editor shows."""

    id: uuid.UUID
    status: CourseStatus
    editable: bool
    fields: dict[str, Any]  # the course's editable fields, in their wire shape
    sections: tuple[SectionOutline, ...]
    conflicts: tuple[Conflict, ...]
    problems: tuple[str, ...]  # the submit checklist; empty when it may go to review
    feedback: str | None
    tags: tuple[str, ...]
    categories: tuple[tuple[str, str], ...]  # (id, name)
    #: (lesson title, the reviewer's note on it) from the rejection being worked on
    lesson_notes: tuple[tuple[str, str], ...] = ()
    thumbnail: Path | None = None  # the image on this computer, to show
    thumbnail_note: str = ""  # "Uploading…", "Image on the server", "No thumbnail yet"
    revision_of: uuid.UUID | None = None  # the published course this draft changes
    open_revision: uuid.UUID | None = None  # for a published course: its revision in progress


class AuthoringService(Drafting):
    """The instructor's courses, and each course as a whole: its details, tags, thumbnail,
    conflicts, revisions, and submitting it for review."""

    # ------------------------------------------------------------------ reading
    def my_courses(self) -> list[AuthoredCourse]:
        user_id = self._user_id()
        with self._session.require_store().reading() as session:
            courses = session.scalars(
                select(Course)
                .where(Course.instructor_id == user_id, Course.deleted_at.is_(None))
                .order_by(Course.title, Course.revision_of.is_not(None))
            ).all()
            lessons = dict(
                session.execute(
                    select(Lesson.course_id, func.count()).group_by(Lesson.course_id)
                ).all()
            )
            return [
                AuthoredCourse(
                    c.id,
                    c.title,
                    c.status,
                    int(lessons.get(c.id, 0)),
                    len(q.open_conflicts(session, c.id)),
                    q.feedback(session, c),
                    c.revision_of,
                )
                for c in courses
            ]

    def draft(self, course_id: uuid.UUID) -> Draft:
        with self._session.require_store().reading() as session:
            course = q.own_course(session, course_id, self._user_id(), editing=False)
            sections = tuple(
                SectionOutline(
                    s.id,
                    s.title,
                    tuple(
                        LessonOutline(
                            lesson.id,
                            lesson.title,
                            lesson.lesson_type,
                            lesson.is_preview,
                            lesson.video_asset_id is not None,
                            lesson.duration_seconds,
                            lesson.subtitles_asset_id is not None,
                        )
                        for lesson in q.lessons(session, s.id)
                    ),
                )
                for s in q.sections(session, course_id)
            )
            conflicts = tuple(
                Conflict(c.id, q.where(session, c), c.server_value, c.client_value)
                for c in q.open_conflicts(session, course_id)
            )
            notes = q.lesson_notes(session, course)
            categories = session.execute(
                select(Category.id, Category.name).order_by(Category.position, Category.name)
            ).all()
            return Draft(
                id=course.id,
                status=course.status,
                editable=course.status in EDITABLE_STATUSES,
                fields={name: q.wire(course, "course", name) for name in EDITABLE["course"]},
                sections=sections,
                conflicts=conflicts,
                problems=tuple(q.problems(session, course)),
                feedback=q.feedback(session, course),
                tags=tuple(q.tags(session, course.id)),
                lesson_notes=tuple(
                    (lesson.title, notes[lesson.id])
                    for outline in sections
                    for lesson in outline.lessons
                    if lesson.id in notes
                ),
                categories=tuple((str(i), n) for i, n in categories),
                revision_of=course.revision_of,
                thumbnail=(picture := self._thumbnail(session, course))[0],
                thumbnail_note=picture[1],
                open_revision=revision.id
                if (revision := open_revision(session, course.id))
                else None,
            )

    def set_thumbnail(self, course_id: uuid.UUID, asset_id: uuid.UUID | None) -> None:
        """Take the thumbnail away (None), or give an uploaded image (the upload does that)."""
        with self._session.require_store().transaction() as session:
            q.own_course(session, course_id, self._user_id())
            for pending in session.scalars(
                select(Upload).where(
                    Upload.lesson_id == course_id,
                    Upload.kind == "thumbnail",
                    Upload.state != UploadState.DONE,
                )
            ):
                (self._session.require_media_root() / pending.relative_path).unlink(missing_ok=True)
                session.delete(pending)
        self._record(m.SET_THUMBNAIL, course_id=course_id, asset_id=asset_id)

    def _thumbnail(self, session: Session, course: Course) -> tuple[Path | None, str]:
        media = self._session.require_media_root()
        pending = session.scalars(
            select(Upload)
            .where(
                Upload.lesson_id == course.id,
                Upload.kind == "thumbnail",
                Upload.state != UploadState.DONE,
            )
            .order_by(Upload.updated_at.desc())
        ).first()
        if pending is not None:
            return media / pending.relative_path, upload_note(pending)
        if course.thumbnail_asset_id is None:
            return None, "No thumbnail yet"
        sent = session.get(Upload, course.thumbnail_asset_id)
        if sent is not None:
            return media / sent.relative_path, ""
        return None, "Image on the server (not on this computer)"

    # ------------------------------------------------------------------ writing
    def create_course(self, title: str) -> uuid.UUID:
        profile = self._profile()
        if not profile.has(Role.INSTRUCTOR):
            raise AuthoringRefused("Only instructors can create courses.")
        course_id = uuid.uuid4()
        self._record(m.CREATE_COURSE, course_id=course_id, title=title.strip())
        return course_id

    def set_tags(self, course_id: uuid.UUID, text: str) -> None:
        """Tags from what the instructor typed: comma separated, lower case, at most 10."""
        names = [t for t in (part.strip() for part in text.split(",")) if t]
        if len(names) > MAX_TAGS:
            raise AuthoringRefused(f"A course has at most {MAX_TAGS} tags.")
        with self._session.require_store().reading() as session:
            q.own_course(session, course_id, self._user_id())
            current = q.tags(session, course_id)
        args = self._args(SetTagsArgs, course_id=course_id, tags=names)
        if args.tags != current:
            self._session.require_engine().record(m.SET_TAGS, args)

    def delete_course(self, course_id: uuid.UUID) -> None:
        """Throw a draft away, on this computer at once and on the others at their next sync."""
        with self._session.require_store().reading() as session:
            q.own_course(session, course_id, self._user_id())
        self._record(m.DELETE, entity="course", entity_id=course_id)

    def resolve(self, conflict_id: uuid.UUID, keep: Keep) -> None:
        self._record(m.RESOLVE_CONFLICT, conflict_id=conflict_id, keep=keep)

    def start_revision(self, course_id: uuid.UUID) -> uuid.UUID:
        """A draft copy of a published course to change it through review (or the one already
        open). Students keep the published course until the revision is approved."""
        with self._session.require_store().reading() as session:
            course = q.own_course(session, course_id, self._user_id(), editing=False)
            if course.status is not CourseStatus.APPROVED:
                raise AuthoringRefused(f"'{course.title}' is not published: edit it directly.")
            existing = open_revision(session, course_id)
            if existing is not None:
                return existing.id
        revision_id = uuid.uuid4()
        self._record(
            m.START_REVISION,
            course_id=course_id,
            revision_id=revision_id,
        )
        return revision_id

    def submit(self, course_id: uuid.UUID) -> None:
        """Queue the course for review (sent now when online, on the next sync when not)."""
        with self._session.require_store().reading() as session:
            course = q.own_course(session, course_id, self._user_id())
            problems = q.problems(session, course)
        if problems:
            raise AuthoringRefused("Not ready for review yet:\n• " + "\n• ".join(problems))
        self._record(m.SUBMIT_COURSE, course_id=course_id)

    # ------------------------------------------------------------------ helpers


__all__ = ["AuthoringRefused", "AuthoringService"]

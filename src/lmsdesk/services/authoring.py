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

from fractional_indexing import generate_key_between
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.authoring import (
    EDITABLE,
    EDITABLE_STATUSES,
    MAX_TAGS,
    AddLinkArgs,
    EditFieldArgs,
    Keep,
    SetTagsArgs,
    question_problems,
)
from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import CourseStatus, LessonType, QuestionType
from lmsdesk.contracts.mutations import MutationType
from lmsdesk.local_db.models.client import Upload, UploadState
from lmsdesk.local_db.models.mirror import (
    Category,
    Course,
    Lesson,
    LessonResource,
)
from lmsdesk.services import draft_queries as q
from lmsdesk.services.draft_queries import AuthoringRefused
from lmsdesk.services.session import SessionService
from lmsdesk.sync.local_drafts import MODELS, course_id_of
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


@dataclass(frozen=True)
class LinkDraft:
    """A lesson's resource: a link, a file on the server, or a file still on its way there."""

    id: uuid.UUID
    title: str
    url: str  # "" for a file
    is_file: bool = False
    note: str = ""  # for a file not uploaded yet: where it stands


@dataclass(frozen=True)
class QuestionDraft:
    id: uuid.UUID
    question_type: QuestionType
    prompt: str
    options: tuple[str, ...]
    correct_answer: Any
    points: int
    explanation: str
    problems: tuple[str, ...]


@dataclass(frozen=True)
class QuizDraft:
    quiz_id: uuid.UUID
    settings: dict[str, Any]  # passing_percent, time_limit_seconds, max_attempts, ...
    questions: tuple[QuestionDraft, ...]


@dataclass(frozen=True)
class DeletedSection:
    """What Undo needs to put a deleted section (and its lessons) back."""

    course_id: uuid.UUID
    title: str
    position: str
    lessons: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class DeletedLesson:
    section_id: uuid.UUID
    lesson: dict[str, Any]


class AuthoringService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

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

    def quiz(self, lesson_id: uuid.UUID) -> QuizDraft:
        """A quiz lesson's settings and questions, for the quiz editor."""
        with self._session.require_store().reading() as session:
            quiz = q.quiz_of(session, lesson_id)
            if quiz is None:
                raise AuthoringRefused("That quiz is not on this computer; sync first.")
            questions = q.questions(session, quiz.id)
            return QuizDraft(
                quiz_id=quiz.id,
                settings={name: q.wire(quiz, "quiz", name) for name in EDITABLE["quiz"]},
                questions=tuple(
                    QuestionDraft(
                        id=row.id,
                        question_type=row.question_type,
                        prompt=row.prompt,
                        options=tuple(row.options or ()),
                        correct_answer=row.correct_answer,
                        points=row.points,
                        explanation=row.explanation,
                        problems=tuple(
                            question_problems(
                                number,
                                row.question_type,
                                row.prompt,
                                list(row.options or []),
                                row.correct_answer,
                            )
                        ),
                    )
                    for number, row in enumerate(questions, start=1)
                ),
            )

    def add_question(self, lesson_id: uuid.UUID, question_type: QuestionType) -> uuid.UUID:
        with self._session.require_store().reading() as session:
            lesson = session.get(Lesson, lesson_id)
            if lesson is None:
                raise AuthoringRefused("That lesson was deleted.")
            q.own_course(session, lesson.course_id, self._user_id())
            quiz = q.quiz_of(session, lesson_id)
            if quiz is None:
                raise AuthoringRefused("That quiz is not on this computer; sync first.")
            quiz_key = quiz.id
        question_id = uuid.uuid4()
        self._record(
            m.ADD_QUESTION,
            quiz_id=quiz_key,
            question_id=question_id,
            question_type=question_type,
        )
        return question_id

    def delete_question(self, question_id: uuid.UUID) -> None:
        self._record(m.DELETE, entity="question", entity_id=question_id)

    def links(self, lesson_id: uuid.UUID) -> list[LinkDraft]:
        """The lesson's links and files, then files still uploading."""
        with self._session.require_store().reading() as session:
            stmt = select(LessonResource).where(LessonResource.lesson_id == lesson_id)
            rows = session.scalars(stmt.order_by(LessonResource.position))
            found = [LinkDraft(r.id, r.title, r.url or "", r.asset_id is not None) for r in rows]
            waiting = session.scalars(
                select(Upload)
                .where(
                    Upload.lesson_id == lesson_id,
                    Upload.kind == "resource",
                    Upload.state != UploadState.DONE,
                )
                .order_by(Upload.updated_at)
            )
            return found + [
                LinkDraft(u.asset_id, u.filename, "", True, _upload_note(u)) for u in waiting
            ]

    def add_link(self, lesson_id: uuid.UUID, title: str, url: str) -> uuid.UUID:
        with self._session.require_store().reading() as session:
            lesson = session.get(Lesson, lesson_id)
            if lesson is None:
                raise AuthoringRefused("That lesson was deleted.")
            q.own_course(session, lesson.course_id, self._user_id())
        url = url.strip()
        if "://" not in url:
            url = f"https://{url}"
        resource_id = uuid.uuid4()
        try:
            args = AddLinkArgs(
                lesson_id=lesson_id, resource_id=resource_id, title=title.strip(), url=url
            )
        except ValidationError:
            raise AuthoringRefused(f"'{url}' is not a web address (http or https).") from None
        self._session.require_engine().record(m.ADD_LINK, args)
        return resource_id

    def delete_link(self, resource_id: uuid.UUID) -> None:
        """Remove a link or file; a file not uploaded yet is simply dropped."""
        with self._session.require_store().transaction() as session:
            upload = session.get(Upload, resource_id)
            if upload is not None and upload.state is not UploadState.DONE:
                (self._session.require_media_root() / upload.relative_path).unlink(missing_ok=True)
                session.delete(upload)
                return
        self._record(m.DELETE, entity="resource", entity_id=resource_id)

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
            return media / pending.relative_path, _upload_note(pending)
        if course.thumbnail_asset_id is None:
            return None, "No thumbnail yet"
        sent = session.get(Upload, course.thumbnail_asset_id)
        if sent is not None:
            return media / sent.relative_path, ""
        return None, "Image on the server (not on this computer)"

    def lesson_content(self, lesson_id: uuid.UUID) -> str:
        with self._session.require_store().reading() as session:
            lesson = session.get(Lesson, lesson_id)
            return lesson.content if lesson is not None else ""

    # ------------------------------------------------------------------ writing
    def create_course(self, title: str) -> uuid.UUID:
        profile = self._profile()
        if not profile.has(Role.INSTRUCTOR):
            raise AuthoringRefused("Only instructors can create courses.")
        course_id = uuid.uuid4()
        self._record(m.CREATE_COURSE, course_id=course_id, title=title.strip())
        return course_id

    def edit(self, entity: str, entity_id: uuid.UUID, field: str, value: Any) -> None:
        """One field, from the value this device has now (the server merges on it)."""
        with self._session.require_store().reading() as session:
            row = session.get(MODELS[entity], entity_id)
            if row is None:
                raise AuthoringRefused(f"That {entity} was deleted.")
            course_id = course_id_of(session, entity, row)
            if course_id is None:
                raise AuthoringRefused(f"That {entity} was deleted.")
            q.own_course(session, course_id, self._user_id())
            base = q.wire(row, entity, field)
        args = self._args(
            EditFieldArgs, entity=entity, entity_id=entity_id, field=field, base=base, value=value
        )
        if args.value == base:
            return
        self._session.require_engine().record(m.EDIT_FIELD, args)

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

    def add_section(self, course_id: uuid.UUID, title: str) -> uuid.UUID:
        with self._session.require_store().reading() as session:
            q.own_course(session, course_id, self._user_id())
            last = [s.position for s in q.sections(session, course_id)][-1:]
        section_id = uuid.uuid4()
        self._record(
            m.ADD_SECTION,
            course_id=course_id,
            section_id=section_id,
            title=title.strip(),
            position=generate_key_between(last[0] if last else None, None),
        )
        return section_id

    def add_lesson(
        self, section_id: uuid.UUID, title: str, lesson_type: LessonType, content: str = ""
    ) -> uuid.UUID:
        with self._session.require_store().reading() as session:
            section = q.section(session, section_id)
            q.own_course(session, section.course_id, self._user_id())
            last = [lesson.position for lesson in q.lessons(session, section_id)][-1:]
        lesson_id = uuid.uuid4()
        self._record(
            m.ADD_LESSON,
            section_id=section_id,
            lesson_id=lesson_id,
            title=title.strip(),
            lesson_type=lesson_type,
            position=generate_key_between(last[0] if last else None, None),
            content=content,
        )
        return lesson_id

    def move_section(self, section_id: uuid.UUID, index: int) -> None:
        """Put the section at `index` among its course's sections."""
        with self._session.require_store().reading() as session:
            section = q.section(session, section_id)
            q.own_course(session, section.course_id, self._user_id())
            others = [
                s.position for s in q.sections(session, section.course_id) if s.id != section_id
            ]
        self._record(
            m.MOVE_SECTION,
            section_id=section_id,
            position=q.key_at(others, index),
        )

    def move_lesson(self, lesson_id: uuid.UUID, section_id: uuid.UUID, index: int) -> None:
        """Put the lesson at `index` in `section_id` (its own section or another one)."""
        with self._session.require_store().reading() as session:
            lesson = session.get(Lesson, lesson_id)
            target = q.section(session, section_id)
            if lesson is None or target.course_id != lesson.course_id:
                raise AuthoringRefused("A lesson can only move within its own course.")
            q.own_course(session, lesson.course_id, self._user_id())
            others = [x.position for x in q.lessons(session, section_id) if x.id != lesson_id]
        self._record(
            m.MOVE_LESSON,
            lesson_id=lesson_id,
            section_id=section_id,
            position=q.key_at(others, index),
        )

    def delete_section(self, section_id: uuid.UUID) -> DeletedSection:
        with self._session.require_store().reading() as session:
            section = q.section(session, section_id)
            q.own_course(session, section.course_id, self._user_id())
            kept = DeletedSection(
                section.course_id,
                section.title,
                section.position,
                tuple(q.lesson_copy(x) for x in q.lessons(session, section_id)),
            )
        self._record(m.DELETE, entity="section", entity_id=section_id)
        return kept

    def delete_lesson(self, lesson_id: uuid.UUID) -> DeletedLesson:
        with self._session.require_store().reading() as session:
            lesson = session.get(Lesson, lesson_id)
            if lesson is None:
                raise AuthoringRefused("That lesson was deleted already.")
            q.own_course(session, lesson.course_id, self._user_id())
            kept = DeletedLesson(lesson.section_id, q.lesson_copy(lesson))
        self._record(m.DELETE, entity="lesson", entity_id=lesson_id)
        return kept

    def undo_delete(self, deleted: DeletedSection | DeletedLesson) -> None:
        """Put it back as new rows (fresh ids: the server may have sent the old ones' tombstones
        already, and a tombstone must never take a restored row with it)."""
        if isinstance(deleted, DeletedLesson):
            self._restore_lesson(deleted.section_id, deleted.lesson)
            return
        section_id = uuid.uuid4()
        self._record(
            m.ADD_SECTION,
            course_id=deleted.course_id,
            section_id=section_id,
            title=deleted.title,
            position=deleted.position,
        )
        for lesson in deleted.lessons:
            self._restore_lesson(section_id, lesson)

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
    def _restore_lesson(self, section_id: uuid.UUID, lesson: dict[str, Any]) -> None:
        lesson_id = uuid.uuid4()
        self._record(
            m.ADD_LESSON,
            section_id=section_id,
            lesson_id=lesson_id,
            title=lesson["title"],
            lesson_type=lesson["lesson_type"],
            position=lesson["position"],
            content=lesson["content"],
        )
        if lesson["is_preview"]:
            self.edit("lesson", lesson_id, "is_preview", True)

    def _args(self, model: type[BaseModel], **fields: Any) -> Any:
        try:
            return model(**fields)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"]) or "value"
            raise AuthoringRefused(f"{where}: {error['msg']}") from None

    def _record(self, mutation: MutationType[Any], **fields: Any) -> None:
        """Record a change given as fields: invalid input is refused in the user's words."""
        self._session.require_engine().record(mutation, self._args(mutation.args, **fields))

    def _profile(self) -> Any:
        current = self._session.current
        if current is None:
            raise AuthoringRefused("Sign in first.")
        return current.profile

    def _user_id(self) -> uuid.UUID:
        return uuid.UUID(str(self._profile().user_id))


def _upload_note(upload: Upload) -> str:
    if upload.state is UploadState.FAILED:
        return f"Upload failed: {upload.error or 'unknown error'}"
    if upload.state is UploadState.UPLOADING and upload.size_bytes:
        return f"Uploading, {100 * upload.bytes_sent // upload.size_bytes}%"
    return "Waits to upload (when online)"


__all__ = ["AuthoringRefused", "AuthoringService"]

"""What a student reads and does in a course, from the local store: works with no network.

Outlines with progress and locks, lesson content, My learning, and the progress a lesson view
records (position, time, completion) as outbox mutations. Blocking: call on the database lane
(`video_source` may ask the server for a streaming link: the io lane).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.analytics import percent_of
from lmsdesk.contracts.commerce import money_text
from lmsdesk.contracts.enums import CourseStatus, EnrollmentStatus, LessonType, ProgressStatus
from lmsdesk.contracts.sync import AddTimeArgs, CompleteLessonArgs, SetPositionArgs
from lmsdesk.local_db import sync_state
from lmsdesk.local_db.models.client import Upload
from lmsdesk.local_db.models.mirror import (
    Course,
    CourseSection,
    Enrollment,
    Lesson,
    LessonPrerequisite,
    LessonProgress,
    LessonResource,
    Quiz,
)
from lmsdesk.services.certificates import (
    CertificateService,
    CertificateView,
    ProgramCertificates,
    ProgramProgress,
)
from lmsdesk.services.download_queue import CourseDownloads, DownloadQueue, course_media
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.media_library import MediaLibrary
from lmsdesk.services.schedule import (
    cohort_view,
    enrolled_cohort,
    lesson_opens_at,
    section_opening,
)
from lmsdesk.services.session import NotSignedIn, SessionService
from lmsdesk.sync.api_client import ApiRejected, ServerUnreachable
from lmsdesk.sync.auth_session import SessionEnded


class LessonUnavailable(UserFacingError):
    """The lesson cannot be opened now; `message` says why and what to do."""


@dataclass(frozen=True)
class LessonEntry:
    id: uuid.UUID
    title: str
    lesson_type: LessonType
    status: ProgressStatus
    duration_seconds: int | None
    is_preview: bool
    locked_by: tuple[str, ...]  # titles of the lessons to complete first
    #: Counted for the course's completion (all but practice quizzes).
    counted: bool = True
    #: When the student's cohort opens it, while it is not open yet (by the trusted clock).
    opens_at: datetime | None = None


@dataclass(frozen=True)
class SectionEntry:
    title: str
    lessons: tuple[LessonEntry, ...]
    #: The cohort week the section opens in (0: with the cohort; None: self-paced).
    week: int | None = None
    #: When it opens, while it has not.
    opens_at: datetime | None = None


@dataclass(frozen=True)
class CourseOutline:
    course_id: uuid.UUID
    title: str
    enrolled: bool  # or its instructor or an admin previewing it: everything opens
    sections: tuple[SectionEntry, ...]
    #: "Free" or "19.99 USD": what enrolling costs, for a course opened from the Catalog.
    price_text: str = "Free"
    #: The student's cohort ("Autumn cohort (Berlin)"), for a course taken in one.
    cohort_title: str = ""

    def opens(self, lesson: LessonEntry) -> bool:
        """The lesson can be opened now (enrolled, or a free preview); prerequisites aside."""
        return self.enrolled or lesson.is_preview

    @property
    def lessons(self) -> list[LessonEntry]:
        return [lesson for section in self.sections for lesson in section.lessons]

    @property
    def percent_complete(self) -> int:
        lessons = [lesson for lesson in self.lessons if lesson.counted]
        done = sum(1 for lesson in lessons if lesson.status is ProgressStatus.COMPLETED)
        return percent_of(done, len(lessons))  # the server's own rounding (analytics)


@dataclass(frozen=True)
class LessonView:
    id: uuid.UUID
    course_id: uuid.UUID
    title: str
    lesson_type: LessonType
    content: str
    duration_seconds: int | None
    video_asset_id: uuid.UUID | None
    subtitles_asset_id: uuid.UUID | None
    quiz_id: uuid.UUID | None
    status: ProgressStatus
    position_seconds: float
    watched_seconds: float
    reset_generation: int
    locked_by: tuple[str, ...]
    enrolled: bool = False  # False for a preview watched before enrolling
    is_preview: bool = False
    #: The signed-in instructor looking at their own course as a student would: everything
    #: shows, nothing is recorded (they are not enrolled; the server would refuse progress).
    authoring_preview: bool = False
    #: (title, url) of the lesson's links, in order
    links: tuple[tuple[str, str], ...] = ()
    #: (title, asset id) of the lesson's files, in order
    files: tuple[tuple[str, uuid.UUID], ...] = ()
    #: When the student's cohort opens it, while it is not open yet (by the trusted clock).
    opens_at: datetime | None = None
    #: Its week has opened but its body has not reached this computer yet (the server sends
    #: it from the release time on): the next sync brings it.
    awaiting_sync: bool = False

    @property
    def needs_enrollment(self) -> bool:
        """Content only enrolled students receive (the mirror holds no body for it)."""
        return not (self.enrolled or self.is_preview or self.authoring_preview)


@dataclass(frozen=True)
class CourseProgress:
    """A row of My learning."""

    course_id: uuid.UUID
    title: str
    instructor: str
    percent_complete: int
    lessons_done: int
    lessons_total: int
    continue_lesson_id: uuid.UUID | None
    continue_title: str
    continue_position: float
    downloads: CourseDownloads | None
    media_bytes: int  # what downloading the whole course takes
    certificate: CertificateView | None = None
    #: Taken in a cohort: its title, what opens next (week, when) and the next live session.
    cohort_title: str = ""
    next_week: tuple[int, datetime] | None = None
    next_live: tuple[str, datetime] | None = None


@dataclass(frozen=True)
class VideoSource:
    video: Path | str  # a verified local file, or a signed streaming URL
    subtitles: Path | str | None
    streaming: bool


class LearningService:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    # ---------------------------------------------------------------- reading
    def outline(self, course_id: uuid.UUID) -> CourseOutline:
        with self._session.require_store().reading() as session:
            return _outline(session, course_id, self._authoring(session, course_id))

    def _authoring(self, session: Session, course_id: uuid.UUID) -> bool:
        current = self._session.current
        user = current.profile.user_id if current is not None else None
        return authoring_preview(session, user, course_id)

    def lesson(self, lesson_id: uuid.UUID) -> LessonView:
        with self._session.require_store().reading() as session:
            lesson = session.get(Lesson, lesson_id)
            if lesson is None:
                raise LessonUnavailable(
                    "This lesson is not on this computer yet: enroll in the course and sync."
                )
            progress = _progress_by_lesson(session, [lesson_id]).get(lesson_id)
            quiz_id = session.scalar(select(Quiz.id).where(Quiz.lesson_id == lesson_id))
            enrolled = _is_enrolled(session, lesson.course_id)
            opens_at = lesson_opens_at(session, lesson, sync_state.trusted_now(session))
            in_cohort = enrolled and enrolled_cohort(session, lesson.course_id) is not None
            awaiting = (
                in_cohort
                and opens_at is None
                and not lesson.is_preview
                and (
                    (lesson.lesson_type is LessonType.QUIZ and quiz_id is None)
                    or (lesson.lesson_type is not LessonType.QUIZ and not lesson.content)
                )
                and lesson.lesson_type is not LessonType.VIDEO
            )
            return LessonView(
                id=lesson.id,
                course_id=lesson.course_id,
                title=lesson.title,
                lesson_type=lesson.lesson_type,
                content=lesson.content,
                duration_seconds=lesson.duration_seconds,
                video_asset_id=lesson.video_asset_id,
                subtitles_asset_id=lesson.subtitles_asset_id,
                quiz_id=quiz_id,
                status=progress.status if progress else ProgressStatus.NOT_STARTED,
                position_seconds=progress.last_position_seconds if progress else 0.0,
                watched_seconds=progress.furthest_position_seconds if progress else 0.0,
                reset_generation=progress.reset_generation if progress else 0,
                locked_by=_locks(session, [lesson_id]).get(lesson_id, ()),
                enrolled=enrolled,
                opens_at=opens_at,
                awaiting_sync=awaiting,
                is_preview=lesson.is_preview,
                authoring_preview=self._authoring(session, lesson.course_id),
                links=tuple(
                    (r.title, r.url)
                    for r in session.scalars(
                        select(LessonResource)
                        .where(
                            LessonResource.lesson_id == lesson_id, LessonResource.url.is_not(None)
                        )
                        .order_by(LessonResource.position)
                    )
                    if r.url
                ),
                files=tuple(
                    (r.title, r.asset_id)
                    for r in session.scalars(
                        select(LessonResource)
                        .where(
                            LessonResource.lesson_id == lesson_id,
                            LessonResource.asset_id.is_not(None),
                        )
                        .order_by(LessonResource.position)
                    )
                    if r.asset_id
                ),
            )

    def my_courses(self) -> list[CourseProgress]:
        store = self._session.require_store()
        downloads = DownloadQueue(store, self._session.require_media_root()).overview()
        certificates = CertificateService(self._session).certificates()
        with store.reading() as session:
            active = select(Enrollment.course_id).where(
                Enrollment.status == EnrollmentStatus.ACTIVE
            )
            courses = session.scalars(
                select(Course).where(Course.id.in_(active)).order_by(Course.title)
            ).all()
            now = sync_state.trusted_now(session)
            found = []
            for c in courses:
                cohort, week, live = _cohort_facts(session, c.id, now)
                progress = _course_progress(session, c, downloads.get(c.id))
                found.append(
                    replace(
                        progress,
                        certificate=certificates.get(c.id),
                        cohort_title=cohort,
                        next_week=week,
                        next_live=live,
                    )
                )
            return found

    def programs(self) -> list[ProgramProgress]:
        """Programs the student works through, with their certificates (My learning)."""
        return ProgramCertificates(self._session).programs()

    def media_bytes_used(self) -> int:
        """What the account's downloads, finished or partial, take on this computer."""
        store = self._session.require_store()
        return MediaLibrary(store, store.path.parent).bytes_used()

    def video_source(self, lesson: LessonView) -> VideoSource:
        """The downloaded file if there is one, else a streaming link. Raises LessonUnavailable."""
        video_asset = lesson.video_asset_id
        if video_asset is None:
            raise LessonUnavailable("This lesson has no video.")
        queue = DownloadQueue(self._session.require_store(), self._session.require_media_root())
        local = queue.local_file(video_asset)
        if local is None and lesson.authoring_preview:
            local = self._imported_file(video_asset)
        if local is not None:
            subtitles = (
                queue.local_file(lesson.subtitles_asset_id) if lesson.subtitles_asset_id else None
            )
            return VideoSource(local, subtitles, streaming=False)
        try:
            video = self._session.api_call(lambda api, t: api.media_link(t, video_asset))
            subtitles_url = None
            if lesson.subtitles_asset_id is not None:
                asset = lesson.subtitles_asset_id
                subtitles_url = self._session.api_call(lambda api, t: api.media_link(t, asset)).url
        except (ServerUnreachable, SessionEnded, NotSignedIn) as exc:
            raise LessonUnavailable(
                "This video is not downloaded and the server cannot be reached. Download the "
                "course while online to watch it anywhere."
            ) from exc
        except ApiRejected as exc:
            raise LessonUnavailable(exc.message) from exc
        return VideoSource(video.url, subtitles_url, streaming=True)

    def file_location(self, asset_id: uuid.UUID) -> Path | str:
        """Where to open one of the lesson's files: the downloaded copy (or, previewing one's
        own course, the imported one), else a signed link for the browser when online."""
        queue = DownloadQueue(self._session.require_store(), self._session.require_media_root())
        local = queue.local_file(asset_id) or self._imported_file(asset_id)
        if local is not None:
            return local
        try:
            return self._session.api_call(lambda api, t: api.media_link(t, asset_id)).url
        except (ServerUnreachable, SessionEnded, NotSignedIn) as exc:
            raise LessonUnavailable(
                "This file is not downloaded and the server cannot be reached. Download the "
                "course while online to have its files anywhere."
            ) from exc
        except ApiRejected as exc:
            raise LessonUnavailable(exc.message) from exc

    def _imported_file(self, asset_id: uuid.UUID) -> Path | None:
        """The instructor's own copy of a file they imported into a lesson (offline preview)."""
        with self._session.require_store().reading() as session:
            upload = session.get(Upload, asset_id)
            relative = upload.relative_path if upload is not None else None
        path = self._session.require_media_root() / relative if relative else None
        return path if path is not None and path.is_file() else None

    # ---------------------------------------------------------------- recording
    def save_position(self, lesson: LessonView, position: float, watched: float) -> None:
        if lesson.authoring_preview:
            return
        args = SetPositionArgs(
            lesson_id=lesson.id,
            position_seconds=position,
            furthest_seconds=watched,
            reset_generation=lesson.reset_generation,
        )
        self._session.require_engine().record(m.SET_POSITION, args)

    def add_time(self, lesson: LessonView, seconds: float) -> None:
        if seconds > 0 and not lesson.authoring_preview:
            args = AddTimeArgs(
                lesson_id=lesson.id,
                seconds=min(seconds, 24 * 3600),
                reset_generation=lesson.reset_generation,
            )
            self._session.require_engine().record(m.ADD_TIME, args)

    def complete(self, lesson: LessonView) -> None:
        if lesson.authoring_preview:
            return
        args = CompleteLessonArgs(
            lesson_id=lesson.id,
            completed_at=datetime.now(UTC),
            reset_generation=lesson.reset_generation,
        )
        self._session.require_engine().record(m.COMPLETE_LESSON, args)


def _progress_by_lesson(
    session: Session, lesson_ids: list[uuid.UUID]
) -> dict[uuid.UUID, LessonProgress]:
    rows = session.scalars(select(LessonProgress).where(LessonProgress.lesson_id.in_(lesson_ids)))
    return {row.lesson_id: row for row in rows}


def _locks(session: Session, lesson_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[str, ...]]:
    """For each locked lesson, the titles of its prerequisites not yet completed."""
    links = session.execute(
        select(LessonPrerequisite.lesson_id, LessonPrerequisite.prerequisite_lesson_id).where(
            LessonPrerequisite.lesson_id.in_(lesson_ids)
        )
    ).all()
    if not links:
        return {}
    needed = [p for _, p in links]
    progress = _progress_by_lesson(session, needed)
    titles = {
        row.id: row.title
        for row in session.execute(select(Lesson.id, Lesson.title).where(Lesson.id.in_(needed)))
    }
    locks: dict[uuid.UUID, list[str]] = {}
    for lesson_id, prerequisite in links:
        row = progress.get(prerequisite)
        if row is None or row.status is not ProgressStatus.COMPLETED:
            locks.setdefault(lesson_id, []).append(titles.get(prerequisite, "an earlier lesson"))
    return {k: tuple(sorted(v)) for k, v in locks.items()}


def authoring_preview(session: Session, user_id: uuid.UUID | None, course_id: uuid.UUID) -> bool:
    """The user wrote this course, or reviews it, and is not enrolled in it: they see it as a
    student would, and nothing they do in it is recorded. (A pending course on this device is
    the user's own or one they review: only its instructor and admins receive it.)"""
    course = session.get(Course, course_id)
    return (
        user_id is not None
        and course is not None
        and (course.instructor_id == user_id or course.status is CourseStatus.PENDING)
        and not _is_enrolled(session, course_id)
    )


def _is_enrolled(session: Session, course_id: uuid.UUID) -> bool:
    stmt = select(Enrollment.id).where(
        Enrollment.course_id == course_id, Enrollment.status == EnrollmentStatus.ACTIVE
    )
    return session.scalar(stmt) is not None


def _outline(session: Session, course_id: uuid.UUID, authoring: bool = False) -> CourseOutline:
    course = session.get(Course, course_id)
    if course is None:
        raise LessonUnavailable("This course is not on this computer yet; sync first.")
    sections = session.scalars(
        select(CourseSection)
        .where(CourseSection.course_id == course_id)
        .order_by(CourseSection.position)
    ).all()
    lessons = session.scalars(
        select(Lesson).where(Lesson.course_id == course_id).order_by(Lesson.position)
    ).all()
    ids = [lesson.id for lesson in lessons]
    progress, locks = _progress_by_lesson(session, ids), _locks(session, ids)
    enrolled = authoring or _is_enrolled(session, course_id)
    # A cohort's calendar: each section's week and release (by the clock the student cannot
    # move); nothing for a self-paced student, an instructor or a visitor.
    now = sync_state.trusted_now(session)
    opening = {} if authoring else section_opening(session, course_id)
    cohort = None if authoring else enrolled_cohort(session, course_id)

    def closed(section_id: uuid.UUID) -> datetime | None:
        found = opening.get(section_id)
        return found[1] if found is not None and found[1] > now else None

    practice = set(
        session.scalars(select(Quiz.lesson_id).where(Quiz.lesson_id.in_(ids), Quiz.practice))
    )

    def entry(lesson: Lesson) -> LessonEntry:
        row = progress.get(lesson.id)
        status = row.status if row else ProgressStatus.NOT_STARTED
        locked_by = locks.get(lesson.id, ())
        return LessonEntry(
            lesson.id,
            lesson.title,
            lesson.lesson_type,
            status,
            lesson.duration_seconds,
            lesson.is_preview,
            locked_by,
            lesson.id not in practice,
            None if lesson.is_preview else closed(lesson.section_id),
        )

    entries = tuple(
        SectionEntry(
            s.title,
            tuple(entry(x) for x in lessons if x.section_id == s.id),
            opening[s.id][0] if s.id in opening else None,
            closed(s.id),
        )
        for s in sections
    )
    return CourseOutline(
        course.id,
        course.title,
        enrolled,
        entries,
        price_text=money_text(course.price_cents, course.currency),
        cohort_title=cohort.title if cohort is not None else "",
    )


def _cohort_facts(
    session: Session, course_id: uuid.UUID, now: datetime
) -> tuple[str, tuple[int, datetime] | None, tuple[str, datetime] | None]:
    """A cohort course's line in My learning: the cohort, the next week to open, the next live
    session (by the trusted clock). Empty for a self-paced course."""
    cohort = enrolled_cohort(session, course_id)
    if cohort is None:
        return "", None, None
    view = cohort_view(session, cohort, now)
    closed = [(w.number, w.release_at) for w in view.weeks if not w.is_open]
    lives = [
        (w.live.title, w.live.starts_at)
        for w in view.weeks
        if w.live is not None and w.live.ends_at > now
    ]
    return (
        cohort.title,
        min(closed, key=lambda week: week[1]) if closed else None,
        min(lives, key=lambda live: live[1]) if lives else None,
    )


def _course_progress(
    session: Session, course: Course, downloads: CourseDownloads | None
) -> CourseProgress:
    outline = _outline(session, course.id)
    lessons = outline.lessons
    progress = _progress_by_lesson(session, [lesson.id for lesson in lessons])
    touched = [p for p in progress.values() if p.client_updated_at is not None]
    last = max(
        touched, key=lambda p: p.client_updated_at or datetime.min.replace(tzinfo=UTC), default=None
    )
    # Continue: the lesson last worked on if unfinished, else the first one not completed.
    target = None
    if last is not None and last.status is not ProgressStatus.COMPLETED:
        target = next((lesson for lesson in lessons if lesson.id == last.lesson_id), None)
    if target is None:
        target = next(
            (lesson for lesson in lessons if lesson.status is not ProgressStatus.COMPLETED), None
        )
    position = (
        progress[target.id].last_position_seconds if target and target.id in progress else 0.0
    )
    done = sum(1 for lesson in lessons if lesson.status is ProgressStatus.COMPLETED)
    return CourseProgress(
        course_id=course.id,
        title=course.title,
        instructor=course.instructor_name,
        percent_complete=outline.percent_complete,
        lessons_done=done,
        lessons_total=len(lessons),
        continue_lesson_id=target.id if target else None,
        continue_title=target.title if target else "",
        continue_position=position,
        downloads=downloads,
        media_bytes=sum(a.size_bytes for a in course_media(session, course.id, None).values()),
    )

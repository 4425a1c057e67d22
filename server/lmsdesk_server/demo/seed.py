"""`lmsdesk-server seed-demo`: demo accounts, categories and courses. Idempotent: rows carry
fixed ids derived from their slugs, and anything already present is left as it is."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import (
    CourseStatus,
    EnrollmentSource,
    EnrollmentStatus,
    LessonType,
    MediaStatus,
    QuestionType,
)
from lmsdesk.contracts.ids import rating_id
from lmsdesk_server.accounts.repository.users import UserRepository
from lmsdesk_server.accounts.service.avatar import Avatars
from lmsdesk_server.db.models import (
    AdminAction,
    Category,
    Course,
    CourseRating,
    CourseSection,
    CourseTag,
    CourseTagMap,
    Enrollment,
    Lesson,
    MediaAsset,
    Quiz,
    QuizQuestion,
    User,
)
from lmsdesk_server.db.partitions import CATALOG_PARTITION, draft_partition, stamp, user_partition
from lmsdesk_server.demo.community import CommunitySeeder
from lmsdesk_server.demo.content import (
    DEMO_AUDIT,
    DEMO_CATEGORIES,
    DEMO_COURSES,
    DEMO_OTHER_USERS,
    DEMO_PASSWORD,
    DEMO_REVIEW,
    DEMO_USERS,
)
from lmsdesk_server.demo.grading import GradingSeeder
from lmsdesk_server.demo.picture import silhouette_png
from lmsdesk_server.demo.storefront import StorefrontSeeder
from lmsdesk_server.security.emails import email_skeleton
from lmsdesk_server.security.passwords import hash_password
from lmsdesk_server.storage import MediaStore

_NAMESPACE = uuid.UUID("6f1d0c52-3c57-4d6b-9a51-0d3e2a1f7c11")
VIDEO_FILE = "welcome.mp4"
SUBTITLES_FILE = "welcome.vtt"
VIDEO_SECONDS = 30


def demo_id(key: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, key)


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)

    def note(self, what: str) -> None:
        self.created.append(what)


class DemoSeeder:
    def __init__(self, session: Session, *, resources: Path, store: MediaStore) -> None:
        self._session = session
        self._resources = resources
        self._store = store
        self.report = SeedReport()

    def run(self) -> SeedReport:
        users = {spec["email"]: self._user(spec) for spec in DEMO_USERS}
        categories = {
            slug: self._category(slug, name, parent) for slug, name, parent in DEMO_CATEGORIES
        }
        instructor = users["instructor@example.com"]
        video = self._asset(VIDEO_FILE, "video/mp4", instructor.id, VIDEO_SECONDS)
        subtitles = self._asset(SUBTITLES_FILE, "text/vtt", instructor.id, None)
        for spec in DEMO_COURSES:
            self._course(spec, instructor, categories[spec["category"]], video, subtitles)
        if instructor.avatar_asset_id is None:
            Avatars(self._session, self._store).set(instructor.id, silhouette_png(), "image/png")
            self.report.note("picture of instructor@example.com")
        for spec in DEMO_OTHER_USERS:
            self._other_user(spec)
        self._review(*DEMO_REVIEW)
        CommunitySeeder(self._session, self.report.note).run(
            free=demo_id("course:offline-first-basics"),
            paid=demo_id("course:practical-sqlite"),
            video_lesson=demo_id("offline-first-basics:video"),
        )
        GradingSeeder(self._session, self.report.note, demo_id).run(
            paid=demo_id("course:practical-sqlite")
        )
        StorefrontSeeder(self._session, self.report.note, demo_id).run(
            admin=users["admin@example.com"], instructor=instructor
        )
        self._audit(users["admin@example.com"])
        self._session.flush()
        return self.report

    # ---------------------------------------------------------------- pieces
    def _stamp(self, row: Any, partition: str) -> None:
        stamp(self._session, row, partition)

    def _user(self, spec: dict[str, Any]) -> User:
        users = UserRepository(self._session)
        user = users.by_email(spec["email"])
        if user is None:
            user = users.add(
                User(
                    id=demo_id(spec["email"]),
                    email=spec["email"],
                    email_skeleton=email_skeleton(spec["email"]),
                    password_hash=hash_password(DEMO_PASSWORD),
                    full_name=spec["full_name"],
                    email_verified_at=datetime.now(UTC),
                )
            )
            self.report.note(f"user {spec['email']}")
        users.grant_roles(user.id, [Role(r) for r in spec["roles"]])
        return user

    def _other_user(self, spec: dict[str, Any]) -> None:
        user = self._user(spec)
        if not spec["verified"]:
            user.email_verified_at = None
        user.is_active = spec["active"]

    def _review(self, email: str, slug: str, stars: int, title: str, body: str) -> None:
        writer = UserRepository(self._session).by_email(email)
        course_id = demo_id(f"course:{slug}")
        if writer is None:
            return
        review_id = rating_id(writer.id, course_id)  # the id the app's own rating would have
        if self._session.get(CourseRating, review_id) is not None:
            return
        enrollment = Enrollment(
            id=demo_id(f"enrollment:{email}:{slug}"),
            student_id=writer.id,
            course_id=course_id,
            status=EnrollmentStatus.ACTIVE,
            source=EnrollmentSource.FREE,
        )
        self._stamp(enrollment, user_partition(writer.id))
        self._session.add(enrollment)
        rating = CourseRating(
            id=review_id,
            course_id=course_id,
            student_id=writer.id,
            rating=stars,
            title=title,
            body=body,
        )
        self._stamp(rating, CATALOG_PARTITION)
        self._session.add(rating)
        self._session.flush()
        if writer.avatar_asset_id is None:
            picture = silhouette_png(background=(196, 120, 70), figure=(250, 236, 222))
            Avatars(self._session, self._store).set(writer.id, picture, "image/png")
        self.report.note(f"review of {slug} by {email}")

    def _audit(self, admin: User) -> None:
        now = datetime.now(UTC)
        for key, action, kind, target, summary, reason, hours in DEMO_AUDIT:
            entry_id = demo_id(f"audit:{key}")
            if self._session.get(AdminAction, entry_id) is not None:
                continue
            self._session.add(
                AdminAction(
                    id=entry_id,
                    actor_id=admin.id,
                    action=action,
                    target_kind=kind,
                    target_id=str(demo_id(target)),
                    summary=summary,
                    reason=reason,
                    details={},
                    created_at=now - timedelta(hours=hours),
                )
            )
            self.report.note(f"audit {key}")

    def _category(self, slug: str, name: str, parent: str | None) -> Category:
        existing = self._session.scalars(select(Category).where(Category.slug == slug)).first()
        if existing is not None:
            return existing
        row = Category(
            id=demo_id(f"category:{slug}"),
            slug=slug,
            name=name,
            parent_id=demo_id(f"category:{parent}") if parent else None,
        )
        self._stamp(row, CATALOG_PARTITION)
        self._session.add(row)
        self._session.flush()
        self.report.note(f"category {slug}")
        return row

    def _asset(
        self, filename: str, mime: str, owner_id: uuid.UUID, duration: int | None
    ) -> MediaAsset:
        source = self._resources / "demo" / filename
        data = source.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if self._store.size(digest) != len(data):
            self._store.put(digest, data)
        asset_id = demo_id(f"asset:{filename}")
        existing = self._session.get(MediaAsset, asset_id)
        if existing is not None:
            return existing
        row = MediaAsset(
            id=asset_id,
            owner_id=owner_id,
            sha256=digest,
            size_bytes=len(data),
            mime_type=mime,
            original_filename=filename,
            storage_key=digest,
            duration_seconds=duration,
            status=MediaStatus.READY,
        )
        self._stamp(row, CATALOG_PARTITION)
        self._session.add(row)
        self._session.flush()
        return row

    def _course(
        self,
        spec: dict[str, Any],
        instructor: User,
        category: Category,
        video: MediaAsset,
        subtitles: MediaAsset,
    ) -> None:
        course_id = demo_id(f"course:{spec['slug']}")
        if self._session.get(Course, course_id) is not None:
            return
        status = CourseStatus(spec["status"])
        published = status in (CourseStatus.APPROVED, CourseStatus.ARCHIVED)
        partition = CATALOG_PARTITION if published else draft_partition(course_id)
        now = datetime.now(UTC)
        course = Course(
            id=course_id,
            instructor_id=instructor.id,
            title=spec["title"],
            subtitle=spec["subtitle"],
            slug=spec["slug"],
            description=spec["description"],
            category_id=category.id,
            level=spec["level"],
            price_cents=spec["price_cents"],
            currency="USD",
            status=status,
            submitted_at=now - timedelta(days=1) if status is not CourseStatus.DRAFT else None,
            published_at=now - timedelta(hours=12) if published else None,
        )
        self._stamp(course, partition)
        self._session.add(course)
        self._session.flush()
        self._tags(course, spec["tags"], partition)
        self._curriculum(course, spec, video, subtitles, partition)
        self.report.note(f"course {spec['slug']} ({status.value})")

    def _tags(self, course: Course, names: list[str], partition: str) -> None:
        for name in names:
            tag = self._session.scalars(select(CourseTag).where(CourseTag.name == name)).first()
            if tag is None:
                tag = CourseTag(id=demo_id(f"tag:{name}"), name=name)
                self._stamp(tag, CATALOG_PARTITION)
                self._session.add(tag)
                self._session.flush()
            link = CourseTagMap(course_id=course.id, tag_id=tag.id)
            self._stamp(link, partition)
            self._session.add(link)

    def _curriculum(
        self,
        course: Course,
        spec: dict[str, Any],
        video: MediaAsset,
        subtitles: MediaAsset,
        partition: str,
    ) -> None:
        key = spec["slug"]
        intro = self._section(course, f"{key}:s1", "Getting started", "a0", partition)
        practice = self._section(course, f"{key}:s2", "Check yourself", "a1", partition)
        self._lesson(
            course,
            intro,
            f"{key}:video",
            "Welcome (video)",
            LessonType.VIDEO,
            "a0",
            partition,
            video_asset_id=video.id,
            subtitles_asset_id=subtitles.id,
            duration_seconds=VIDEO_SECONDS,
            is_preview=True,
        )
        text = (self._resources / "demo" / spec["text_file"]).read_text()
        self._lesson(
            course,
            intro,
            f"{key}:text",
            text.splitlines()[0].lstrip("# "),
            LessonType.TEXT,
            "a1",
            partition,
            content=text,
        )
        quiz_lesson = self._lesson(
            course, practice, f"{key}:quiz", "Quiz", LessonType.QUIZ, "a0", partition
        )
        self._quiz(quiz_lesson, key, spec["quiz"], partition)

    def _section(
        self, course: Course, key: str, title: str, position: str, partition: str
    ) -> CourseSection:
        row = CourseSection(id=demo_id(key), course_id=course.id, title=title, position=position)
        self._stamp(row, partition)
        self._session.add(row)
        self._session.flush()
        return row

    def _lesson(
        self,
        course: Course,
        section: CourseSection,
        key: str,
        title: str,
        lesson_type: LessonType,
        position: str,
        partition: str,
        **fields: Any,
    ) -> Lesson:
        row = Lesson(
            id=demo_id(key),
            course_id=course.id,
            section_id=section.id,
            title=title,
            lesson_type=lesson_type,
            position=position,
            **fields,
        )
        self._stamp(row, partition)
        self._session.add(row)
        self._session.flush()
        return row

    def _quiz(self, lesson: Lesson, key: str, spec: dict[str, Any], partition: str) -> None:
        quiz = Quiz(
            id=demo_id(f"{key}:quizrow"),
            lesson_id=lesson.id,
            passing_percent=spec["passing_percent"],
            max_attempts=spec["max_attempts"],
            time_limit_seconds=spec["time_limit_seconds"],
            shuffle_questions=spec["shuffle_questions"],
            show_correct_answers=True,
        )
        self._stamp(quiz, partition)
        self._session.add(quiz)
        self._session.flush()
        for index, question in enumerate(spec["questions"]):
            row = QuizQuestion(
                id=demo_id(f"{key}:q{index}"),
                quiz_id=quiz.id,
                position=index,
                question_type=QuestionType(question["type"]),
                prompt=question["prompt"],
                options=question["options"],
                correct_answer=question["correct"],
                points=1,
                explanation=question["explanation"],
            )
            self._stamp(row, partition)
            self._session.add(row)

"""Course content: categories, courses, sections, lessons, resources, media, quizzes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.contracts.enums import (
    CourseLevel,
    CourseStatus,
    LessonType,
    MediaStatus,
    QuestionType,
    ResourceKind,
)
from lmsdesk_server.db.base import Base, Synced, now_default, status_enum, sync_index, uuid_pk

# Fractional-index keys ("a0", "a0V", ...) order bytewise, so two devices can insert between the
# same neighbours without renumbering; collation "C" makes PostgreSQL compare them as bytes.
POSITION_KEY = String(64, collation="C")

SEARCH_DOCUMENT = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(subtitle, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'C')"
)


class Category(Synced, Base):
    __tablename__ = "categories"
    __table_args__ = (sync_index("categories"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(server_default="0")


class MediaAsset(Synced, Base):
    __tablename__ = "media_assets"
    __table_args__ = (
        CheckConstraint("size_bytes >= 0", name="size_non_negative"),
        sync_index("media_assets"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    mime_type: Mapped[str] = mapped_column(String(120))
    original_filename: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    duration_seconds: Mapped[float | None]
    status: Mapped[MediaStatus] = mapped_column(status_enum(MediaStatus, "media_status"))
    created_at: Mapped[datetime] = now_default()


class Course(Synced, Base):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_non_negative"),
        CheckConstraint(
            "sale_price_cents IS NULL OR (sale_price_cents >= 0 AND sale_price_cents < price_cents"
            " AND sale_ends_at IS NOT NULL)",
            name="sale_below_price",
        ),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_iso"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_courses_status_published_at", "status", "published_at"),
        Index("ix_courses_search", "search_vector", postgresql_using="gin"),
        # At most one open revision of a published course.
        Index(
            "uq_courses_open_revision",
            "revision_of",
            unique=True,
            postgresql_where=text("deleted_at IS NULL"),
        ),
        sync_index("courses"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    instructor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    subtitle: Mapped[str] = mapped_column(String(300), server_default="")
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    description: Mapped[str] = mapped_column(Text, server_default="")
    category_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    level: Mapped[CourseLevel] = mapped_column(
        status_enum(CourseLevel, "course_level"), server_default=CourseLevel.ALL_LEVELS.value
    )
    language_code: Mapped[str] = mapped_column(String(16), server_default="en")
    price_cents: Mapped[int] = mapped_column(server_default="0")
    currency: Mapped[str] = mapped_column(String(3), server_default="USD")
    #: Sells at this price until sale_ends_at (contracts.pricing.effective_price).
    sale_price_cents: Mapped[int | None]
    sale_ends_at: Mapped[datetime | None]
    thumbnail_asset_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("media_assets.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[CourseStatus] = mapped_column(
        status_enum(CourseStatus, "course_status"), server_default=CourseStatus.DRAFT.value
    )
    version: Mapped[int] = mapped_column(server_default="1")
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    #: The published course this draft changes (contracts.revisions); None for a course.
    revision_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("courses.id"))
    created_at: Mapped[datetime] = now_default()
    updated_at: Mapped[datetime] = now_default()
    search_vector: Mapped[Any] = mapped_column(TSVECTOR, Computed(SEARCH_DOCUMENT, persisted=True))


class CourseTag(Synced, Base):
    __tablename__ = "course_tags"
    __table_args__ = (sync_index("course_tags"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(60), unique=True)


class CourseTagMap(Synced, Base):
    __tablename__ = "course_tag_map"
    __table_args__ = (sync_index("course_tag_map"),)

    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("course_tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CourseSection(Synced, Base):
    __tablename__ = "course_sections"
    __table_args__ = (
        UniqueConstraint("course_id", "position", deferrable=True, initially="DEFERRED"),
        sync_index("course_sections"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(POSITION_KEY)


class Lesson(Synced, Base):
    __tablename__ = "lessons"
    __table_args__ = (
        UniqueConstraint("section_id", "position", deferrable=True, initially="DEFERRED"),
        CheckConstraint(
            "duration_seconds IS NULL OR duration_seconds >= 0", name="duration_non_negative"
        ),
        CheckConstraint("max_score IS NULL OR max_score >= 1", name="max_score_positive"),
        CheckConstraint("pass_score IS NULL OR pass_score >= 0", name="pass_score_non_negative"),
        sync_index("lessons"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("course_sections.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    lesson_type: Mapped[LessonType] = mapped_column(status_enum(LessonType, "lesson_type"))
    position: Mapped[str] = mapped_column(POSITION_KEY)
    content: Mapped[str] = mapped_column(Text, server_default="")
    video_asset_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("media_assets.id", ondelete="SET NULL"), index=True
    )
    subtitles_asset_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("media_assets.id", ondelete="SET NULL"), index=True
    )
    duration_seconds: Mapped[int | None]
    is_preview: Mapped[bool] = mapped_column(server_default="false")
    # An assignment lesson's settings (DESIGN.md section 11.3); its content is the instructions.
    # One row per lesson as for a quiz's would only add a join: these never have children.
    submission_kinds: Mapped[Any] = mapped_column(JSONB, server_default="[]")
    max_score: Mapped[int | None]
    pass_score: Mapped[int | None]
    due_at: Mapped[datetime | None]
    allow_resubmission: Mapped[bool] = mapped_column(server_default="true")
    accept_late: Mapped[bool] = mapped_column(server_default="true")
    #: [{"name": ..., "points": ...}]; when present, its points add up to max_score.
    rubric: Mapped[Any] = mapped_column(JSONB, server_default="[]")


class LessonPrerequisite(Synced, Base):
    __tablename__ = "lesson_prerequisites"
    __table_args__ = (
        CheckConstraint("lesson_id <> prerequisite_lesson_id", name="not_self"),
        sync_index("lesson_prerequisites"),
    )

    lesson_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True
    )
    prerequisite_lesson_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class LessonResource(Synced, Base):
    __tablename__ = "lesson_resources"
    __table_args__ = (
        CheckConstraint("num_nonnulls(url, asset_id) = 1", name="url_xor_asset"),
        sync_index("lesson_resources"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    lesson_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ResourceKind] = mapped_column(status_enum(ResourceKind, "resource_kind"))
    url: Mapped[str | None] = mapped_column(String(2048))
    asset_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("media_assets.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(server_default="0")


class Quiz(Synced, Base):
    __tablename__ = "quizzes"
    __table_args__ = (
        CheckConstraint("passing_percent BETWEEN 0 AND 100", name="passing_percent_range"),
        CheckConstraint(
            "time_limit_seconds IS NULL OR time_limit_seconds > 0", name="time_limit_positive"
        ),
        CheckConstraint("max_attempts IS NULL OR max_attempts > 0", name="max_attempts_positive"),
        sync_index("quizzes"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    lesson_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), unique=True
    )
    passing_percent: Mapped[int] = mapped_column(server_default="70")
    time_limit_seconds: Mapped[int | None]
    max_attempts: Mapped[int | None]
    shuffle_questions: Mapped[bool] = mapped_column(server_default="false")
    show_correct_answers: Mapped[bool] = mapped_column(server_default="true")
    #: Not counted for completion or certificates.
    practice: Mapped[bool] = mapped_column(server_default="false")
    shuffle_options: Mapped[bool] = mapped_column(server_default="false")


class QuizQuestion(Synced, Base):
    __tablename__ = "quiz_questions"
    __table_args__ = (
        UniqueConstraint("quiz_id", "position", deferrable=True, initially="DEFERRED"),
        CheckConstraint("points >= 0", name="points_non_negative"),
        sync_index("quiz_questions"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    quiz_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("quizzes.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    question_type: Mapped[QuestionType] = mapped_column(status_enum(QuestionType, "question_type"))
    prompt: Mapped[str] = mapped_column(Text)
    options: Mapped[Any] = mapped_column(JSONB, server_default="[]")
    correct_answer: Mapped[Any] = mapped_column(JSONB)
    points: Mapped[int] = mapped_column(server_default="1")
    explanation: Mapped[str] = mapped_column(Text, server_default="")

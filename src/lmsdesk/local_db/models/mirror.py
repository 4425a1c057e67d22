"""Copies of server rows the signed-in user may see. Table and column names match the server's
(DESIGN.md section 3), so pulled rows apply by name.

No foreign keys between mirror tables on purpose: a pull page may bring a lesson before its
section, and a revoked partition is removed table by table; the server guarantees integrity.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Double, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.contracts.enums import (
    CourseLevel,
    CourseStatus,
    EnrollmentSource,
    EnrollmentStatus,
    LessonType,
    MediaStatus,
    OrderStatus,
    PaymentProvider,
    ProgressStatus,
    QuestionType,
    ResourceKind,
    ReviewDecision,
)
from lmsdesk.local_db.models.base import LocalBase, Mirrored, status_enum, uuid_pk


class Category(Mirrored, LocalBase):
    __tablename__ = "categories"
    id: Mapped[uuid.UUID] = uuid_pk()
    parent_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)


class Course(Mirrored, LocalBase):
    __tablename__ = "courses"
    id: Mapped[uuid.UUID] = uuid_pk()
    instructor_id: Mapped[uuid.UUID] = mapped_column(index=True)
    instructor_name: Mapped[str] = mapped_column(String(200), default="")
    #: The instructor's picture (fetched by user id, cached per picture).
    instructor_avatar_id: Mapped[uuid.UUID | None]
    title: Mapped[str] = mapped_column(String(200))
    subtitle: Mapped[str] = mapped_column(String(300), default="")
    slug: Mapped[str] = mapped_column(String(220))
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    level: Mapped[CourseLevel] = mapped_column(status_enum(CourseLevel, "course_level"))
    language_code: Mapped[str] = mapped_column(String(16), default="en")
    price_cents: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    #: A sale: sells at this price until then (contracts.pricing.effective_price).
    sale_price_cents: Mapped[int | None]
    sale_ends_at: Mapped[datetime | None]
    thumbnail_asset_id: Mapped[uuid.UUID | None]
    status: Mapped[CourseStatus] = mapped_column(
        status_enum(CourseStatus, "course_status"), index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    #: The published course this draft changes (contracts.revisions).
    revision_of: Mapped[uuid.UUID | None]


class CourseTag(Mirrored, LocalBase):
    __tablename__ = "course_tags"
    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(60))


class CourseTagMap(Mirrored, LocalBase):
    __tablename__ = "course_tag_map"
    course_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tag_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, index=True)


class CourseSection(Mirrored, LocalBase):
    __tablename__ = "course_sections"
    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(64))


class Lesson(Mirrored, LocalBase):
    __tablename__ = "lessons"
    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(index=True)
    section_id: Mapped[uuid.UUID] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    lesson_type: Mapped[LessonType] = mapped_column(status_enum(LessonType, "lesson_type"))
    position: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text, default="")
    video_asset_id: Mapped[uuid.UUID | None]
    subtitles_asset_id: Mapped[uuid.UUID | None]
    duration_seconds: Mapped[int | None]
    is_preview: Mapped[bool] = mapped_column(default=False)
    # An assignment lesson's settings (the content is its instructions).
    submission_kinds: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    max_score: Mapped[int | None]
    pass_score: Mapped[int | None]
    due_at: Mapped[datetime | None]
    allow_resubmission: Mapped[bool] = mapped_column(default=True, server_default="1")
    accept_late: Mapped[bool] = mapped_column(default=True, server_default="1")
    rubric: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")


class LessonPrerequisite(Mirrored, LocalBase):
    __tablename__ = "lesson_prerequisites"
    lesson_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    prerequisite_lesson_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class LessonResource(Mirrored, LocalBase):
    __tablename__ = "lesson_resources"
    id: Mapped[uuid.UUID] = uuid_pk()
    lesson_id: Mapped[uuid.UUID] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ResourceKind] = mapped_column(status_enum(ResourceKind, "resource_kind"))
    url: Mapped[str | None] = mapped_column(String(2048))
    asset_id: Mapped[uuid.UUID | None]
    position: Mapped[int] = mapped_column(default=0)


class MediaAsset(Mirrored, LocalBase):
    __tablename__ = "media_assets"
    id: Mapped[uuid.UUID] = uuid_pk()
    owner_id: Mapped[uuid.UUID]
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    mime_type: Mapped[str] = mapped_column(String(120))
    original_filename: Mapped[str] = mapped_column(String(255))
    duration_seconds: Mapped[float | None] = mapped_column(Double)
    status: Mapped[MediaStatus] = mapped_column(status_enum(MediaStatus, "media_status"))


class Quiz(Mirrored, LocalBase):
    __tablename__ = "quizzes"
    id: Mapped[uuid.UUID] = uuid_pk()
    lesson_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    passing_percent: Mapped[int] = mapped_column(default=70)
    time_limit_seconds: Mapped[int | None]
    max_attempts: Mapped[int | None]
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    show_correct_answers: Mapped[bool] = mapped_column(default=True)
    practice: Mapped[bool] = mapped_column(default=False, server_default="0")
    shuffle_options: Mapped[bool] = mapped_column(default=False, server_default="0")


class QuizQuestion(Mirrored, LocalBase):
    __tablename__ = "quiz_questions"
    id: Mapped[uuid.UUID] = uuid_pk()
    quiz_id: Mapped[uuid.UUID] = mapped_column(index=True)
    position: Mapped[int]
    question_type: Mapped[QuestionType] = mapped_column(status_enum(QuestionType, "question_type"))
    prompt: Mapped[str] = mapped_column(Text)
    options: Mapped[list[Any]]
    # Present only where the server lets this user see answers (instructors, admins, or after
    # an attempt on a quiz that shows them).
    correct_answer: Mapped[Any | None] = mapped_column(JSON, default=None)
    points: Mapped[int] = mapped_column(default=1)
    explanation: Mapped[str] = mapped_column(Text, default="")


class Enrollment(Mirrored, LocalBase):
    __tablename__ = "enrollments"
    id: Mapped[uuid.UUID] = uuid_pk()
    student_id: Mapped[uuid.UUID] = mapped_column(index=True)
    course_id: Mapped[uuid.UUID] = mapped_column(index=True)
    status: Mapped[EnrollmentStatus] = mapped_column(
        status_enum(EnrollmentStatus, "enrollment_status")
    )
    source: Mapped[EnrollmentSource] = mapped_column(
        status_enum(EnrollmentSource, "enrollment_source")
    )
    order_id: Mapped[uuid.UUID | None]
    price_paid_cents: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    enrolled_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    #: The cohort joined (None: self-paced, everything open).
    cohort_id: Mapped[uuid.UUID | None]


class LessonProgress(Mirrored, LocalBase):
    __tablename__ = "lesson_progress"
    id: Mapped[uuid.UUID] = uuid_pk()
    student_id: Mapped[uuid.UUID]
    lesson_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    status: Mapped[ProgressStatus] = mapped_column(
        status_enum(ProgressStatus, "progress_status"), default=ProgressStatus.NOT_STARTED
    )
    last_position_seconds: Mapped[float] = mapped_column(Double, default=0)
    furthest_position_seconds: Mapped[float] = mapped_column(Double, default=0)
    time_spent_seconds: Mapped[float] = mapped_column(Double, default=0)
    completed_at: Mapped[datetime | None]
    client_updated_at: Mapped[datetime | None]
    position_hlc: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    reset_generation: Mapped[int] = mapped_column(default=0, server_default="0")


class QuizAttempt(Mirrored, LocalBase):
    __tablename__ = "quiz_attempts"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    student_id: Mapped[uuid.UUID]
    quiz_id: Mapped[uuid.UUID] = mapped_column(index=True)
    attempt_number: Mapped[int]
    started_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    answers: Mapped[dict[str, Any]]
    score: Mapped[float | None] = mapped_column(Double)
    max_score: Mapped[float | None] = mapped_column(Double)
    percent: Mapped[float | None] = mapped_column(Double)
    passed: Mapped[bool | None]
    # Text, not a CHECK: "graded" or "pending_review" (essay answers waiting for the instructor).
    status: Mapped[str] = mapped_column(String(32), default="graded", server_default="graded")
    essay_scores: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    feedback: Mapped[str] = mapped_column(Text, default="", server_default="")
    graded_at: Mapped[datetime | None]


class Certificate(Mirrored, LocalBase):
    __tablename__ = "certificates"
    id: Mapped[uuid.UUID] = uuid_pk()
    student_id: Mapped[uuid.UUID]
    course_id: Mapped[uuid.UUID] = mapped_column(index=True)
    certificate_number: Mapped[str] = mapped_column(String(40))
    issued_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    signature: Mapped[str] = mapped_column(Text)


class CourseRating(Mirrored, LocalBase):
    __tablename__ = "course_ratings"
    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(index=True)
    student_id: Mapped[uuid.UUID]
    #: The reviewer as the server shows them to others ("Sam S."), and their picture.
    reviewer_name: Mapped[str] = mapped_column(String(200), default="")
    reviewer_avatar_id: Mapped[uuid.UUID | None]
    rating: Mapped[int]
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    helpful_count: Mapped[int] = mapped_column(default=0)


class WishlistItem(Mirrored, LocalBase):
    __tablename__ = "wishlist_items"
    student_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    course_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    added_at: Mapped[datetime]


class Order(Mirrored, LocalBase):
    __tablename__ = "orders"
    id: Mapped[uuid.UUID] = uuid_pk()
    student_id: Mapped[uuid.UUID]
    course_id: Mapped[uuid.UUID] = mapped_column(index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    provider: Mapped[PaymentProvider] = mapped_column(
        status_enum(PaymentProvider, "payment_provider")
    )
    status: Mapped[OrderStatus] = mapped_column(status_enum(OrderStatus, "order_status"))
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    refunded_at: Mapped[datetime | None]
    cohort_id: Mapped[uuid.UUID | None]
    subtotal_cents: Mapped[int] = mapped_column(default=0)
    discount_cents: Mapped[int] = mapped_column(default=0)
    coupon_id: Mapped[uuid.UUID | None]


class OrderItem(Mirrored, LocalBase):
    """One course of an order, at what was charged for it (a refund of it is its own)."""

    __tablename__ = "order_items"
    id: Mapped[uuid.UUID] = uuid_pk()
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    course_id: Mapped[uuid.UUID]
    position: Mapped[int] = mapped_column(default=0)
    course_title: Mapped[str] = mapped_column(String(200))
    list_price_cents: Mapped[int]
    price_cents: Mapped[int]
    discount_cents: Mapped[int] = mapped_column(default=0)
    amount_cents: Mapped[int]
    refunded_at: Mapped[datetime | None]


class Subscription(Mirrored, LocalBase):
    """The student's all-access plan, as the server last described it."""

    __tablename__ = "subscriptions"
    id: Mapped[uuid.UUID] = uuid_pk()
    student_id: Mapped[uuid.UUID]
    plan: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    current_period_end: Mapped[datetime | None]
    cancel_at_period_end: Mapped[bool] = mapped_column(default=False)
    grace_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class CartItem(Mirrored, LocalBase):
    __tablename__ = "cart_items"
    student_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    course_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    added_at: Mapped[datetime]


class ModerationReview(Mirrored, LocalBase):
    __tablename__ = "moderation_reviews"
    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(index=True)
    course_version: Mapped[int]
    reviewer_id: Mapped[uuid.UUID]
    decision: Mapped[ReviewDecision] = mapped_column(status_enum(ReviewDecision, "review_decision"))
    feedback: Mapped[str] = mapped_column(Text, default="")
    lesson_notes: Mapped[dict[str, str] | None] = mapped_column(JSON)
    reviewer_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    snapshot: Mapped[Any | None] = mapped_column(JSON)
    created_at: Mapped[datetime]


class DraftConflict(Mirrored, LocalBase):
    __tablename__ = "draft_conflicts"
    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID]
    field: Mapped[str] = mapped_column(String(60))
    base_value: Mapped[Any | None] = mapped_column(JSON)
    server_value: Mapped[Any | None] = mapped_column(JSON)
    client_value: Mapped[Any | None] = mapped_column(JSON)
    device_id: Mapped[uuid.UUID]
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]

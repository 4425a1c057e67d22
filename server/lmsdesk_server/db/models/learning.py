"""What students own: enrollments, progress, quiz attempts, certificates, ratings, wishlist."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Double,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.contracts.enums import (
    AttemptStatus,
    EnrollmentSource,
    EnrollmentStatus,
    ProgressStatus,
)
from lmsdesk_server.db.base import Base, Synced, now_default, status_enum, sync_index, uuid_pk


class Enrollment(Synced, Base):
    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("student_id", "course_id"),
        CheckConstraint("price_paid_cents >= 0", name="price_paid_non_negative"),
        Index("ix_enrollments_course_id_status", "course_id", "status"),
        # The daily metrics job reads a range of days of each (analytics/repository.py).
        Index("ix_enrollments_enrolled_at", "enrolled_at"),
        Index("ix_enrollments_completed_at", "completed_at"),
        sync_index("enrollments"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id"))
    status: Mapped[EnrollmentStatus] = mapped_column(
        status_enum(EnrollmentStatus, "enrollment_status")
    )
    source: Mapped[EnrollmentSource] = mapped_column(
        status_enum(EnrollmentSource, "enrollment_source")
    )
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id"), index=True)
    price_paid_cents: Mapped[int] = mapped_column(server_default="0")
    currency: Mapped[str] = mapped_column(String(3), server_default="USD")
    enrolled_at: Mapped[datetime] = now_default()
    revoked_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    #: The cohort the student joined (None: self-paced, everything open).
    cohort_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL"), index=True
    )


class LessonProgress(Synced, Base):
    __tablename__ = "lesson_progress"
    __table_args__ = (
        UniqueConstraint("student_id", "lesson_id"),
        CheckConstraint("last_position_seconds >= 0", name="position_non_negative"),
        CheckConstraint("furthest_position_seconds >= 0", name="furthest_non_negative"),
        CheckConstraint("time_spent_seconds >= 0", name="time_spent_non_negative"),
        sync_index("lesson_progress"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    lesson_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ProgressStatus] = mapped_column(
        status_enum(ProgressStatus, "progress_status"),
        server_default=ProgressStatus.NOT_STARTED.value,
    )
    last_position_seconds: Mapped[float] = mapped_column(Double, server_default="0")
    # The furthest point ever reached drives "percent watched"; seeking back never lowers it.
    furthest_position_seconds: Mapped[float] = mapped_column(Double, server_default="0")
    time_spent_seconds: Mapped[float] = mapped_column(Double, server_default="0")
    completed_at: Mapped[datetime | None]
    client_updated_at: Mapped[datetime | None]
    # The resume position is a last-writer-wins register ordered by (HLC, device id).
    position_hlc: Mapped[int] = mapped_column(BigInteger, server_default="0")
    position_device_id: Mapped[uuid.UUID | None]
    # Completion only grows within a generation; "reset progress" starts the next generation, and
    # writes made for an older generation are ignored, so a late sync cannot undo a reset.
    reset_generation: Mapped[int] = mapped_column(server_default="0")


class QuizAttempt(Synced, Base):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("student_id", "quiz_id", "attempt_number"),
        CheckConstraint("attempt_number >= 1", name="attempt_number_positive"),
        CheckConstraint("percent IS NULL OR percent BETWEEN 0 AND 100", name="percent_range"),
        Index("ix_quiz_attempts_submitted_at", "submitted_at"),
        sync_index("quiz_attempts"),
    )

    # Chosen by the client, so a re-sent attempt is recognised and never counted twice.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    quiz_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("quizzes.id", ondelete="CASCADE"), index=True
    )
    attempt_number: Mapped[int]
    started_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    answers: Mapped[Any] = mapped_column(JSONB, server_default="{}")
    score: Mapped[float | None] = mapped_column(Double)
    max_score: Mapped[float | None] = mapped_column(Double)
    percent: Mapped[float | None] = mapped_column(Double)
    passed: Mapped[bool | None]
    status: Mapped[AttemptStatus] = mapped_column(
        status_enum(AttemptStatus, "attempt_status"), server_default=AttemptStatus.GRADED.value
    )
    #: The instructor's points per essay question (question id -> points).
    essay_scores: Mapped[Any] = mapped_column(JSONB, server_default="{}")
    feedback: Mapped[str] = mapped_column(Text, server_default="")
    graded_at: Mapped[datetime | None]
    graded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    #: The grade given last holds: ordered by (HLC, device) like a resume position.
    grade_hlc: Mapped[int] = mapped_column(BigInteger, server_default="0")


class Certificate(Synced, Base):
    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("student_id", "course_id"), sync_index("certificates"))

    id: Mapped[uuid.UUID] = uuid_pk()
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id"), index=True)
    certificate_number: Mapped[str] = mapped_column(String(40), unique=True)
    issued_at: Mapped[datetime] = now_default()
    revoked_at: Mapped[datetime | None]
    signature: Mapped[str] = mapped_column(Text)


class CourseRating(Synced, Base):
    __tablename__ = "course_ratings"
    __table_args__ = (
        UniqueConstraint("course_id", "student_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        sync_index("course_ratings"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    rating: Mapped[int]
    title: Mapped[str] = mapped_column(String(200), server_default="")
    body: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime] = now_default()
    updated_at: Mapped[datetime] = now_default()
    #: "Helpful" votes (community_votes of kind review), kept under this row's lock.
    helpful_count: Mapped[int] = mapped_column(server_default="0")
    #: Hidden by an admin after a report: the review left every device.
    hidden_at: Mapped[datetime | None]


class WishlistItem(Synced, Base):
    __tablename__ = "wishlist_items"
    __table_args__ = (sync_index("wishlist_items"),)

    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = now_default()

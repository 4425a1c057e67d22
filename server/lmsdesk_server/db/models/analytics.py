"""What the server knows for analytics (DESIGN.md section 11.6): each enrollment's progress,
the days each student was active in a course, course detail views, and the daily table per
course. None of it is synced: the reports are read over REST.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, Double, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk_server.db.base import Base, now_default, uuid_pk


class EnrollmentProgress(Base):
    """An enrollment's progress, recomputed (not counted up) whenever its student's progress in
    the course changes, under this row's lock: two devices pushing at once cannot lose a lesson.
    """

    __tablename__ = "enrollment_progress"
    __table_args__ = (
        CheckConstraint("progress_percent BETWEEN 0 AND 100", name="percent_range"),
        Index("ix_enrollment_progress_course_id", "course_id"),
    )

    enrollment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    lessons_completed: Mapped[int] = mapped_column(server_default="0")
    lessons_total: Mapped[int] = mapped_column(server_default="0")
    progress_percent: Mapped[int] = mapped_column(server_default="0")
    last_activity_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = now_default()


class LearningDay(Base):
    """A day a student did something in a course (progress, time, a quiz): active students."""

    __tablename__ = "learning_days"
    __table_args__ = (
        Index("ix_learning_days_course_id_day", "course_id", "day"),
        Index("ix_learning_days_day", "day"),
    )

    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class CourseView(Base):
    """One look at a course's detail page, reported by a client in a batch through sync.
    Appended only (no counter row to fight over); the daily job counts them."""

    __tablename__ = "course_views"
    __table_args__ = (Index("ix_course_views_viewed_at", "viewed_at"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    viewer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    viewed_at: Mapped[datetime]


class CourseDailyMetric(Base):
    """One course's day (UTC), recomputed whole from the source tables by the daily job: running
    it twice, or on two workers at once, writes the same row."""

    __tablename__ = "course_daily_metrics"
    __table_args__ = (Index("ix_course_daily_metrics_day", "day"),)

    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    detail_views: Mapped[int] = mapped_column(server_default="0")
    unique_viewers: Mapped[int] = mapped_column(server_default="0")
    enrollments: Mapped[int] = mapped_column(server_default="0")
    completions: Mapped[int] = mapped_column(server_default="0")
    orders: Mapped[int] = mapped_column(server_default="0")
    revenue_cents: Mapped[int] = mapped_column(BigInteger, server_default="0")
    refunds: Mapped[int] = mapped_column(server_default="0")
    refunded_cents: Mapped[int] = mapped_column(BigInteger, server_default="0")
    active_students: Mapped[int] = mapped_column(server_default="0")
    quiz_attempts: Mapped[int] = mapped_column(server_default="0")
    average_quiz_percent: Mapped[float | None] = mapped_column(Double)
    computed_at: Mapped[datetime] = now_default()

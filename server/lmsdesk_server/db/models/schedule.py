"""Cohorts, their weeks, and programs (DESIGN.md section 11.4).

Cohorts and weeks are published facts of a course: they live in the catalog partition, so
every laptop shows the upcoming cohorts and an enrolled one shows its calendar offline. A
week's join link is for the course's students only (blanked for others, as lesson bodies are).
Programs are catalog rows too; a program certificate is its student's own row.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk_server.db.base import Base, Synced, now_default, sync_index, uuid_pk


class Cohort(Synced, Base):
    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint("enrollment_closes_hours >= 0", name="closes_non_negative"),
        CheckConstraint("late_join_days >= 0", name="late_non_negative"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        CheckConstraint("seats_taken >= 0", name="seats_non_negative"),
        sync_index("cohorts"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))
    enrollment_closes_hours: Mapped[int] = mapped_column(server_default="48")
    late_join_days: Mapped[int] = mapped_column(server_default="7")
    capacity: Mapped[int | None]
    #: Active enrollments plus checkouts still open for this cohort, counted under the
    #: cohort's row lock: the last seat goes to one buyer.
    seats_taken: Mapped[int] = mapped_column(server_default="0")
    created_at: Mapped[datetime] = now_default()
    updated_at: Mapped[datetime] = now_default()


class CohortWeek(Synced, Base):
    __tablename__ = "cohort_weeks"
    __table_args__ = (
        UniqueConstraint("cohort_id", "number"),
        CheckConstraint("number BETWEEN 1 AND 52", name="number_range"),
        CheckConstraint("due_at IS NULL OR due_at > release_at", name="due_after_release"),
        CheckConstraint(
            "live_ends_at IS NULL OR live_ends_at > live_starts_at", name="live_ordered"
        ),
        sync_index("cohort_weeks"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    cohort_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    #: The course sections that open this week (ids as text; a section is in one week).
    section_ids: Mapped[list[str]] = mapped_column(JSONB, server_default="[]")
    release_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    live_title: Mapped[str] = mapped_column(String(120), server_default="")
    live_starts_at: Mapped[datetime | None]
    live_ends_at: Mapped[datetime | None]
    live_url: Mapped[str] = mapped_column(String(500), server_default="")


class Program(Synced, Base):
    __tablename__ = "programs"
    __table_args__ = (sync_index("programs"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, server_default="")
    course_ids: Mapped[list[str]] = mapped_column(JSONB)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = now_default()


class ProgramCertificate(Synced, Base):
    __tablename__ = "program_certificates"
    __table_args__ = (
        UniqueConstraint("student_id", "program_id"),
        Index("ix_program_certificates_program_id", "program_id"),
        sync_index("program_certificates"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    certificate_number: Mapped[str] = mapped_column(String(40), unique=True)
    issued_at: Mapped[datetime] = now_default()
    revoked_at: Mapped[datetime | None]
    signature: Mapped[str] = mapped_column(Text)

"""Cohorts and their weeks, programs and program certificates, as the server last sent them
(DESIGN.md 11.4): the schedule and its release times are read offline."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.local_db.models.base import LocalBase, Mirrored, uuid_pk


class Cohort(Mirrored, LocalBase):
    __tablename__ = "cohorts"
    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))
    enrollment_closes_hours: Mapped[int] = mapped_column(default=48)
    late_join_days: Mapped[int] = mapped_column(default=7)
    capacity: Mapped[int | None]
    seats_taken: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]


class CohortWeek(Mirrored, LocalBase):
    __tablename__ = "cohort_weeks"
    id: Mapped[uuid.UUID] = uuid_pk()
    cohort_id: Mapped[uuid.UUID] = mapped_column(index=True)
    number: Mapped[int]
    #: Section ids as text.
    section_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    release_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    live_title: Mapped[str] = mapped_column(String(120), default="")
    live_starts_at: Mapped[datetime | None]
    live_ends_at: Mapped[datetime | None]
    #: Empty unless this user takes or teaches the course.
    live_url: Mapped[str] = mapped_column(String(500), default="")


class Program(Mirrored, LocalBase):
    __tablename__ = "programs"
    id: Mapped[uuid.UUID] = uuid_pk()
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Course ids as text.
    course_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime | None]


class ProgramCertificate(Mirrored, LocalBase):
    __tablename__ = "program_certificates"
    id: Mapped[uuid.UUID] = uuid_pk()
    student_id: Mapped[uuid.UUID]
    program_id: Mapped[uuid.UUID] = mapped_column(index=True)
    certificate_number: Mapped[str] = mapped_column(String(40))
    issued_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    signature: Mapped[str] = mapped_column(Text)

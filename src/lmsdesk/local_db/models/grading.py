"""A student's assignment submissions (mirrored from their partition), the work being written
(kept on every change, so quitting loses nothing), and, for instructors, the grading inbox as
the server last sent it, with the grades given on this device and not yet sent."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Double, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.local_db.models.base import LocalBase, Mirrored


class AssignmentSubmission(Mirrored, LocalBase):
    __tablename__ = "assignment_submissions"
    # Written on this device first (sync_version 0: "waiting to send"), then the server's copy.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    lesson_id: Mapped[uuid.UUID] = mapped_column(index=True)
    course_id: Mapped[uuid.UUID]
    student_id: Mapped[uuid.UUID]
    number: Mapped[int] = mapped_column(default=0)
    text: Mapped[str | None] = mapped_column(Text)
    file_asset_id: Mapped[uuid.UUID | None]
    url: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime]
    is_late: Mapped[bool] = mapped_column(default=False)
    # Text, not a CHECK: "submitted" or "graded".
    status: Mapped[str] = mapped_column(String(32), default="submitted")
    score: Mapped[float | None] = mapped_column(Double)
    rubric_scores: Mapped[dict[str, Any] | None]
    feedback: Mapped[str] = mapped_column(Text, default="")
    graded_at: Mapped[datetime | None]
    graded_by: Mapped[uuid.UUID | None]
    grade_hlc: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime | None]


class SubmissionDraft(LocalBase):
    """The work a student is writing for an assignment, saved as they type."""

    __tablename__ = "submission_drafts"
    lesson_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    #: A file picked and sent through the uploader (its asset id), and its name.
    file_asset_id: Mapped[uuid.UUID | None]
    file_name: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]
    #: Pressed Submit while the file was still uploading: the submission (this id, this time)
    #: is sent the moment the upload finishes.
    submission_id: Mapped[uuid.UUID | None]
    submitted_at: Mapped[datetime | None]


class GradingItem(LocalBase):
    """One piece of work in an instructor's grading inbox, as `GET /instructor/grading` last
    answered (read offline); a grade given here waits in the outbox and shows at once."""

    __tablename__ = "grading_inbox"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # submission | attempt
    course_id: Mapped[uuid.UUID] = mapped_column(index=True)
    lesson_id: Mapped[uuid.UUID]
    #: The whole item as the server sent it (contracts.assignments.GradingItem), JSON.
    item: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(32))
    submitted_at: Mapped[datetime]
    #: A grade given on this device and not yet acknowledged by the server.
    pending_grade: Mapped[dict[str, Any] | None]

"""Assignment submissions (DESIGN.md section 11.3): a student's own rows, in their partition."""

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
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.contracts.enums import SubmissionStatus
from lmsdesk_server.db.base import Base, Synced, now_default, status_enum, sync_index


class AssignmentSubmission(Synced, Base):
    __tablename__ = "assignment_submissions"
    __table_args__ = (
        UniqueConstraint("student_id", "lesson_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("score IS NULL OR score >= 0", name="score_non_negative"),
        CheckConstraint(
            "(status = 'graded') = (score IS NOT NULL AND graded_at IS NOT NULL)",
            name="graded_has_score",
        ),
        Index("ix_assignment_submissions_course_id_status", "course_id", "status"),
        sync_index("assignment_submissions"),
    )

    # Chosen by the student's device: sent twice (a retry, two doors), it is one submission.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    lesson_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("lessons.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    student_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    #: 1, 2, ... in arrival order: resubmissions keep the earlier work.
    number: Mapped[int]
    text: Mapped[str | None] = mapped_column(Text)
    file_asset_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("media_assets.id", ondelete="SET NULL"), index=True
    )
    url: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime]
    is_late: Mapped[bool] = mapped_column(server_default="false")
    status: Mapped[SubmissionStatus] = mapped_column(
        status_enum(SubmissionStatus, "submission_status"),
        server_default=SubmissionStatus.SUBMITTED.value,
    )
    score: Mapped[float | None] = mapped_column(Double)
    rubric_scores: Mapped[Any | None] = mapped_column(JSONB)
    feedback: Mapped[str] = mapped_column(Text, server_default="")
    graded_at: Mapped[datetime | None]
    graded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    grade_hlc: Mapped[int] = mapped_column(BigInteger, server_default="0")
    created_at: Mapped[datetime] = now_default()

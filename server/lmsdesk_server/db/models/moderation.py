"""Review decisions (append-only audit) and draft merge conflicts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.contracts.enums import ReviewDecision
from lmsdesk_server.db.base import Base, Synced, now_default, status_enum, sync_index, uuid_pk


class ModerationReview(Synced, Base):
    """One decision. Append-only: a trigger (migration 0004) refuses updates and deletes."""

    __tablename__ = "moderation_reviews"
    __table_args__ = (
        CheckConstraint(
            "decision <> 'rejected' OR length(trim(feedback)) > 0", name="reject_needs_feedback"
        ),
        sync_index("moderation_reviews"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    course_version: Mapped[int]
    reviewer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    decision: Mapped[ReviewDecision] = mapped_column(status_enum(ReviewDecision, "review_decision"))
    feedback: Mapped[str] = mapped_column(Text, server_default="")
    #: lesson id -> a note on that lesson, shown to the instructor beside it.
    lesson_notes: Mapped[dict[str, str]] = mapped_column(JSONB, server_default="{}")
    #: The reviewer's name when deciding (the audit keeps it if the account changes later).
    reviewer_name: Mapped[str] = mapped_column(String(200), server_default="")
    #: 1 for the first submission of the course, n for its n-th.
    revision: Mapped[int] = mapped_column(server_default="1")
    #: contracts.course_snapshot.CourseSnapshot of what was decided on: the next review's diff.
    snapshot: Mapped[Any] = mapped_column(JSONB, nullable=True)
    created_at: Mapped[datetime] = now_default()


class DraftConflict(Synced, Base):
    """The same field of a draft changed on two devices: kept until the instructor picks one."""

    __tablename__ = "draft_conflicts"
    __table_args__ = (sync_index("draft_conflicts"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID]
    field: Mapped[str] = mapped_column(String(60))
    base_value: Mapped[Any] = mapped_column(JSONB, nullable=True)
    server_value: Mapped[Any] = mapped_column(JSONB, nullable=True)
    client_value: Mapped[Any] = mapped_column(JSONB, nullable=True)
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("devices.device_id"), index=True)
    created_at: Mapped[datetime] = now_default()
    resolved_at: Mapped[datetime | None]

"""Copies of a course's community (DESIGN.md section 11.2) and of the user's own votes, read
marks and edit conflicts; for admins, the reports queue.

A post written on this device is in its table at once (sync_version 0: "waiting to send")
and replaced by the server's copy when it comes back; kinds and statuses are kept as text, so
a value a newer server adds does not stop this client from storing the row.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.local_db.models.base import LocalBase, Mirrored, uuid_pk


class _Written:
    author_id: Mapped[uuid.UUID]
    author_name: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]


class CommunityQuestion(_Written, Mirrored, LocalBase):
    __tablename__ = "community_questions"
    __table_args__ = (Index("ix_community_questions_course_created", "course_id", "created_at"),)
    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID]
    lesson_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    video_second: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(32), default="open")
    accepted_answer_id: Mapped[uuid.UUID | None]
    vote_count: Mapped[int] = mapped_column(default=0)
    answer_count: Mapped[int] = mapped_column(default=0)


class CommunityAnswer(_Written, Mirrored, LocalBase):
    __tablename__ = "community_answers"
    id: Mapped[uuid.UUID] = uuid_pk()
    question_id: Mapped[uuid.UUID] = mapped_column(index=True)
    course_id: Mapped[uuid.UUID]
    vote_count: Mapped[int] = mapped_column(default=0)


class DiscussionThread(_Written, Mirrored, LocalBase):
    __tablename__ = "discussion_threads"
    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(index=True)
    section_id: Mapped[uuid.UUID | None]
    title: Mapped[str] = mapped_column(String(200))
    pinned: Mapped[bool] = mapped_column(default=False)
    post_count: Mapped[int] = mapped_column(default=0)
    last_post_at: Mapped[datetime]


class DiscussionPost(_Written, Mirrored, LocalBase):
    __tablename__ = "discussion_posts"
    id: Mapped[uuid.UUID] = uuid_pk()
    thread_id: Mapped[uuid.UUID] = mapped_column(index=True)
    course_id: Mapped[uuid.UUID]
    parent_post_id: Mapped[uuid.UUID | None]


class CommunityVote(Mirrored, LocalBase):
    __tablename__ = "community_votes"
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    target_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    #: This device only: +1 a vote the server has not counted yet, -1 one taken back that it
    #: still counts, 0 as the server has it (every pulled copy resets it; waiting changes set
    #: it again), so the count shown is the server's plus this.
    pending: Mapped[int] = mapped_column(default=0)


class CommunitySeen(Mirrored, LocalBase):
    __tablename__ = "community_seen"
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    course_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    seen_through: Mapped[datetime]


class CommunityEditConflict(Mirrored, LocalBase):
    __tablename__ = "community_edit_conflicts"
    id: Mapped[uuid.UUID] = uuid_pk()
    author_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[uuid.UUID] = mapped_column(index=True)
    course_id: Mapped[uuid.UUID]
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class CommunityReport(Mirrored, LocalBase):
    __tablename__ = "community_reports"
    id: Mapped[uuid.UUID] = uuid_pk()
    reporter_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[uuid.UUID]
    course_id: Mapped[uuid.UUID]
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), default="open")
    course_title: Mapped[str] = mapped_column(String(200), default="")
    context_title: Mapped[str] = mapped_column(String(200), default="")
    excerpt: Mapped[str] = mapped_column(Text, default="")
    author_name: Mapped[str] = mapped_column(String(200), default="")
    reporter_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")

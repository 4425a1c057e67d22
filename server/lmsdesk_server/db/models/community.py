"""A course's community (DESIGN.md section 11.2): questions, answers, discussion threads and
their threaded posts, votes, reports, edit conflicts and what each user has seen.

Posts live in their course's `community:{course}` partition. A hidden or deleted post moves to
the `removed` partition (which no one reads) and leaves a tombstone behind, so it leaves every
device at the next sync while the server keeps it for the audit. Counters (votes, answers,
posts) are kept on the row they count, under that row's lock.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.contracts.community import PostKind, QuestionStatus, ReportStatus, VoteKind
from lmsdesk_server.db.base import Base, Synced, now_default, status_enum, sync_index, uuid_pk


class _Written:
    """What every post has: who wrote it, when, its edit revision, and its removal."""

    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    #: 1 when written, +1 per edit: an edit names the revision it started from.
    revision: Mapped[int] = mapped_column(server_default="1")
    created_at: Mapped[datetime] = now_default()
    edited_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]


class CommunityQuestion(_Written, Synced, Base):
    __tablename__ = "community_questions"
    __table_args__ = (
        Index("ix_community_questions_course_created", "course_id", "created_at"),
        # Searched by words, ranked (the REST list's `q`).
        Index(
            "ix_community_questions_search",
            text("to_tsvector('english'::regconfig, (((title)::text || ' '::text) || body))"),
            postgresql_using="gin",
        ),
        sync_index("community_questions"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    lesson_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("lessons.id", ondelete="SET NULL"), index=True
    )
    video_second: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[QuestionStatus] = mapped_column(
        status_enum(QuestionStatus, "question_status"), server_default=QuestionStatus.OPEN.value
    )
    accepted_answer_id: Mapped[uuid.UUID | None]
    vote_count: Mapped[int] = mapped_column(server_default="0")
    answer_count: Mapped[int] = mapped_column(server_default="0")


class CommunityAnswer(_Written, Synced, Base):
    __tablename__ = "community_answers"
    __table_args__ = (sync_index("community_answers"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    question_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("community_questions.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    vote_count: Mapped[int] = mapped_column(server_default="0")


class DiscussionThread(_Written, Synced, Base):
    __tablename__ = "discussion_threads"
    __table_args__ = (
        Index("ix_discussion_threads_course_last", "course_id", "last_post_at"),
        sync_index("discussion_threads"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    #: The section (a week, when the course runs in cohorts) the thread belongs to.
    section_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("course_sections.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200))
    pinned: Mapped[bool] = mapped_column(server_default="false")
    post_count: Mapped[int] = mapped_column(server_default="0")
    last_post_at: Mapped[datetime] = now_default()


class DiscussionPost(_Written, Synced, Base):
    __tablename__ = "discussion_posts"
    __table_args__ = (sync_index("discussion_posts"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    thread_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("discussion_threads.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    parent_post_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("discussion_posts.id", ondelete="SET NULL")
    )


class CommunityVote(Synced, Base):
    """One user's one vote on a question, an answer, or a review ("helpful"). The key is the
    rule: a second vote by the same user is the same row."""

    __tablename__ = "community_votes"
    __table_args__ = (sync_index("community_votes"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[VoteKind] = mapped_column(status_enum(VoteKind, "vote_kind"), primary_key=True)
    target_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = now_default()


class CommunityReport(Synced, Base):
    """Someone's report of a post or review; the admins' queue. open -> hidden | dismissed."""

    __tablename__ = "community_reports"
    __table_args__ = (
        UniqueConstraint("reporter_id", "kind", "target_id"),
        Index("ix_community_reports_status_created", "status", "created_at"),
        sync_index("community_reports"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    reporter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[PostKind] = mapped_column(status_enum(PostKind, "post_kind"))
    target_id: Mapped[uuid.UUID] = mapped_column(index=True)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ReportStatus] = mapped_column(
        status_enum(ReportStatus, "report_status"), server_default=ReportStatus.OPEN.value
    )
    #: The item in context, as it was when reported (what the admin judges).
    course_title: Mapped[str] = mapped_column(String(200), server_default="")
    context_title: Mapped[str] = mapped_column(String(200), server_default="")
    excerpt: Mapped[str] = mapped_column(Text, server_default="")
    author_name: Mapped[str] = mapped_column(String(200), server_default="")
    reporter_name: Mapped[str] = mapped_column(String(200), server_default="")
    created_at: Mapped[datetime] = now_default()
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, server_default="")


class CommunityEditConflict(Synced, Base):
    """An edit made from a revision another device had already replaced: the post keeps the
    version that arrived first and this one waits beside it, seen by the author only, until
    they choose."""

    __tablename__ = "community_edit_conflicts"
    __table_args__ = (sync_index("community_edit_conflicts"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[PostKind] = mapped_column(status_enum(PostKind, "conflict_post_kind"))
    target_id: Mapped[uuid.UUID] = mapped_column(index=True)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = now_default()
    resolved_at: Mapped[datetime | None]


class CommunitySeen(Synced, Base):
    """How far a user has read a course's community: notifications count what is newer."""

    __tablename__ = "community_seen"
    __table_args__ = (sync_index("community_seen"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    seen_through: Mapped[datetime]

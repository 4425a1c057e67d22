"""the community: posts, votes, read marks, edit conflicts, reports

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 21:25:22.738753

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lmsdesk.local_db.types

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "community_answers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("question_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("vote_count", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("edited_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=True),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_answers")),
    )
    with op.batch_alter_table("community_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_answers_question_id"), ["question_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_answers_sync_partition"), ["sync_partition"], unique=False
        )

    op.create_table(
        "community_edit_conflicts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("resolved_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=True),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_edit_conflicts")),
    )
    with op.batch_alter_table("community_edit_conflicts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_edit_conflicts_sync_partition"),
            ["sync_partition"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_community_edit_conflicts_target_id"), ["target_id"], unique=False
        )

    op.create_table(
        "community_questions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("lesson_id", sa.Uuid(), nullable=True),
        sa.Column("video_second", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("accepted_answer_id", sa.Uuid(), nullable=True),
        sa.Column("vote_count", sa.Integer(), nullable=False),
        sa.Column("answer_count", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("edited_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=True),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_questions")),
    )
    with op.batch_alter_table("community_questions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_community_questions_course_created", ["course_id", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_questions_lesson_id"), ["lesson_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_questions_sync_partition"), ["sync_partition"], unique=False
        )

    op.create_table(
        "community_reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reporter_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("course_title", sa.String(length=200), nullable=False),
        sa.Column("context_title", sa.String(length=200), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("reporter_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("decided_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_reports")),
    )
    with op.batch_alter_table("community_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_reports_sync_partition"), ["sync_partition"], unique=False
        )

    op.create_table(
        "community_seen",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("seen_through", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "course_id", name=op.f("pk_community_seen")),
    )
    with op.batch_alter_table("community_seen", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_seen_sync_partition"), ["sync_partition"], unique=False
        )

    op.create_table(
        "community_votes",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "kind", "target_id", name=op.f("pk_community_votes")),
    )
    with op.batch_alter_table("community_votes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_votes_sync_partition"), ["sync_partition"], unique=False
        )

    op.create_table(
        "discussion_posts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("thread_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("parent_post_id", sa.Uuid(), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("edited_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=True),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_posts")),
    )
    with op.batch_alter_table("discussion_posts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_posts_sync_partition"), ["sync_partition"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_posts_thread_id"), ["thread_id"], unique=False
        )

    op.create_table(
        "discussion_threads",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("section_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("post_count", sa.Integer(), nullable=False),
        sa.Column("last_post_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("edited_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=True),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_threads")),
    )
    with op.batch_alter_table("discussion_threads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_threads_course_id"), ["course_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discussion_threads_sync_partition"), ["sync_partition"], unique=False
        )

    with op.batch_alter_table("course_ratings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("helpful_count", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("course_ratings", schema=None) as batch_op:
        batch_op.drop_column("helpful_count")

    with op.batch_alter_table("discussion_threads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_threads_sync_partition"))
        batch_op.drop_index(batch_op.f("ix_discussion_threads_course_id"))

    op.drop_table("discussion_threads")
    with op.batch_alter_table("discussion_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_posts_thread_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_posts_sync_partition"))

    op.drop_table("discussion_posts")
    with op.batch_alter_table("community_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_votes_sync_partition"))

    op.drop_table("community_votes")
    with op.batch_alter_table("community_seen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_seen_sync_partition"))

    op.drop_table("community_seen")
    with op.batch_alter_table("community_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_reports_sync_partition"))

    op.drop_table("community_reports")
    with op.batch_alter_table("community_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_questions_sync_partition"))
        batch_op.drop_index(batch_op.f("ix_community_questions_lesson_id"))
        batch_op.drop_index("ix_community_questions_course_created")

    op.drop_table("community_questions")
    with op.batch_alter_table("community_edit_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_edit_conflicts_target_id"))
        batch_op.drop_index(batch_op.f("ix_community_edit_conflicts_sync_partition"))

    op.drop_table("community_edit_conflicts")
    with op.batch_alter_table("community_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_answers_sync_partition"))
        batch_op.drop_index(batch_op.f("ix_community_answers_question_id"))

    op.drop_table("community_answers")

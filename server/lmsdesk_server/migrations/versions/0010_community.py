"""community: questions, answers, threads, posts, votes, reports (DESIGN.md section 11.2)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 21:13:46.184687

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Questions are searched by words, ranked (the model declares the same expression index).
_SEARCH = (
    "CREATE INDEX ix_community_questions_search ON community_questions "
    "USING gin (to_tsvector('english', title || ' ' || body))"
)


def upgrade() -> None:
    op.create_table(
        "community_votes",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "question",
                "answer",
                "review",
                name="vote_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_community_votes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", "target_id", name=op.f("pk_community_votes")),
    )
    op.create_index(
        "ix_community_votes_sync",
        "community_votes",
        ["sync_partition", "sync_version"],
        unique=False,
    )
    op.create_table(
        "community_edit_conflicts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "question",
                "answer",
                "thread",
                "post",
                "review",
                name="conflict_post_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_community_edit_conflicts_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_community_edit_conflicts_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_edit_conflicts")),
    )
    op.create_index(
        "ix_community_edit_conflicts_sync",
        "community_edit_conflicts",
        ["sync_partition", "sync_version"],
        unique=False,
    )
    op.create_index(
        op.f("ix_community_edit_conflicts_target_id"),
        "community_edit_conflicts",
        ["target_id"],
        unique=False,
    )
    op.create_table(
        "community_reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reporter_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "question",
                "answer",
                "thread",
                "post",
                "review",
                name="post_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "hidden",
                "dismissed",
                name="report_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="open",
            nullable=False,
        ),
        sa.Column("course_title", sa.String(length=200), server_default="", nullable=False),
        sa.Column("context_title", sa.String(length=200), server_default="", nullable=False),
        sa.Column("excerpt", sa.Text(), server_default="", nullable=False),
        sa.Column("author_name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("reporter_name", sa.String(length=200), server_default="", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), server_default="", nullable=False),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_community_reports_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_community_reports_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name=op.f("fk_community_reports_reporter_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_reports")),
        sa.UniqueConstraint(
            "reporter_id",
            "kind",
            "target_id",
            name=op.f("uq_community_reports_reporter_id_kind_target_id"),
        ),
    )
    op.create_index(
        "ix_community_reports_status_created",
        "community_reports",
        ["status", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_community_reports_sync",
        "community_reports",
        ["sync_partition", "sync_version"],
        unique=False,
    )
    op.create_index(
        op.f("ix_community_reports_target_id"), "community_reports", ["target_id"], unique=False
    )
    op.create_table(
        "community_seen",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("seen_through", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_community_seen_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_community_seen_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "course_id", name=op.f("pk_community_seen")),
    )
    op.create_index(
        "ix_community_seen_sync", "community_seen", ["sync_partition", "sync_version"], unique=False
    )
    op.create_table(
        "discussion_threads",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("section_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("pinned", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("post_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "last_post_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_discussion_threads_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_discussion_threads_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["course_sections.id"],
            name=op.f("fk_discussion_threads_section_id_course_sections"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_threads")),
    )
    op.create_index(
        op.f("ix_discussion_threads_author_id"), "discussion_threads", ["author_id"], unique=False
    )
    op.create_index(
        "ix_discussion_threads_course_last",
        "discussion_threads",
        ["course_id", "last_post_at"],
        unique=False,
    )
    op.create_index(
        "ix_discussion_threads_sync",
        "discussion_threads",
        ["sync_partition", "sync_version"],
        unique=False,
    )
    op.create_table(
        "community_questions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("lesson_id", sa.Uuid(), nullable=True),
        sa.Column("video_second", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "resolved",
                name="question_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="open",
            nullable=False,
        ),
        sa.Column("accepted_answer_id", sa.Uuid(), nullable=True),
        sa.Column("vote_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("answer_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_community_questions_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_community_questions_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_community_questions_lesson_id_lessons"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_questions")),
    )
    op.create_index(
        op.f("ix_community_questions_author_id"), "community_questions", ["author_id"], unique=False
    )
    op.create_index(
        "ix_community_questions_course_created",
        "community_questions",
        ["course_id", "created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_community_questions_lesson_id"), "community_questions", ["lesson_id"], unique=False
    )
    op.create_index(
        "ix_community_questions_sync",
        "community_questions",
        ["sync_partition", "sync_version"],
        unique=False,
    )
    op.create_table(
        "discussion_posts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("thread_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("parent_post_id", sa.Uuid(), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_discussion_posts_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_discussion_posts_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_post_id"],
            ["discussion_posts.id"],
            name=op.f("fk_discussion_posts_parent_post_id_discussion_posts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["discussion_threads.id"],
            name=op.f("fk_discussion_posts_thread_id_discussion_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_posts")),
    )
    op.create_index(
        op.f("ix_discussion_posts_author_id"), "discussion_posts", ["author_id"], unique=False
    )
    op.create_index(
        "ix_discussion_posts_sync",
        "discussion_posts",
        ["sync_partition", "sync_version"],
        unique=False,
    )
    op.create_index(
        op.f("ix_discussion_posts_thread_id"), "discussion_posts", ["thread_id"], unique=False
    )
    op.create_table(
        "community_answers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("question_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("vote_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sync_partition", sa.String(length=80), nullable=False),
        sa.Column("sync_version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_community_answers_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_community_answers_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["community_questions.id"],
            name=op.f("fk_community_answers_question_id_community_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_answers")),
    )
    op.create_index(
        op.f("ix_community_answers_author_id"), "community_answers", ["author_id"], unique=False
    )
    op.create_index(
        op.f("ix_community_answers_question_id"), "community_answers", ["question_id"], unique=False
    )
    op.create_index(
        "ix_community_answers_sync",
        "community_answers",
        ["sync_partition", "sync_version"],
        unique=False,
    )
    op.add_column(
        "course_ratings",
        sa.Column("helpful_count", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "course_ratings", sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(_SEARCH)
    # A vote's key (user, kind, target) is longer than any key before it.
    op.alter_column(
        "sync_tombstones",
        "row_id",
        existing_type=sa.String(80),
        type_=sa.String(120),
        existing_nullable=False,
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_community_questions_search")
    op.alter_column(
        "sync_tombstones",
        "row_id",
        existing_type=sa.String(120),
        type_=sa.String(80),
        existing_nullable=False,
    )
    op.drop_column("course_ratings", "hidden_at")
    op.drop_column("course_ratings", "helpful_count")
    op.drop_index("ix_community_answers_sync", table_name="community_answers")
    op.drop_index(op.f("ix_community_answers_question_id"), table_name="community_answers")
    op.drop_index(op.f("ix_community_answers_author_id"), table_name="community_answers")
    op.drop_table("community_answers")
    op.drop_index(op.f("ix_discussion_posts_thread_id"), table_name="discussion_posts")
    op.drop_index("ix_discussion_posts_sync", table_name="discussion_posts")
    op.drop_index(op.f("ix_discussion_posts_author_id"), table_name="discussion_posts")
    op.drop_table("discussion_posts")
    op.drop_index("ix_community_questions_sync", table_name="community_questions")
    op.drop_index(op.f("ix_community_questions_lesson_id"), table_name="community_questions")
    op.drop_index("ix_community_questions_course_created", table_name="community_questions")
    op.drop_index(op.f("ix_community_questions_author_id"), table_name="community_questions")
    op.drop_table("community_questions")
    op.drop_index("ix_discussion_threads_sync", table_name="discussion_threads")
    op.drop_index("ix_discussion_threads_course_last", table_name="discussion_threads")
    op.drop_index(op.f("ix_discussion_threads_author_id"), table_name="discussion_threads")
    op.drop_table("discussion_threads")
    op.drop_index("ix_community_seen_sync", table_name="community_seen")
    op.drop_table("community_seen")
    op.drop_index(op.f("ix_community_reports_target_id"), table_name="community_reports")
    op.drop_index("ix_community_reports_sync", table_name="community_reports")
    op.drop_index("ix_community_reports_status_created", table_name="community_reports")
    op.drop_table("community_reports")
    op.drop_index(
        op.f("ix_community_edit_conflicts_target_id"), table_name="community_edit_conflicts"
    )
    op.drop_index("ix_community_edit_conflicts_sync", table_name="community_edit_conflicts")
    op.drop_table("community_edit_conflicts")
    op.drop_index("ix_community_votes_sync", table_name="community_votes")
    op.drop_table("community_votes")

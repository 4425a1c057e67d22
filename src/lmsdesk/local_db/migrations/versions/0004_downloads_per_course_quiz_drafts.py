"""downloads per course, quiz drafts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 01:37:35

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lmsdesk.local_db.types

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATES = ("queued", "downloading", "paused", "verifying", "done", "failed", "cancelled")


def _state_type() -> sa.Enum:
    return sa.Enum(
        *_STATES, name="download_state", native_enum=False, create_constraint=True, length=32
    )


def _downloads(*, per_course: bool) -> None:
    # Nothing wrote downloads before this revision (the queue arrives with it), so the table is
    # rebuilt rather than migrated row by row.
    op.create_table(
        "downloads",
        sa.Column("course_id", sa.Uuid(), nullable=not per_course),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        *([sa.Column("lesson_id", sa.Uuid(), nullable=True)] if per_course else []),
        sa.Column("relative_path", sa.String(length=500), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("bytes_done", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                *_STATES,
                name="download_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("updated_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=False),
        sa.PrimaryKeyConstraint(
            *(("course_id", "asset_id") if per_course else ("asset_id",)),
            name=op.f("pk_downloads"),
        ),
    )
    indexed = "asset_id" if per_course else "course_id"
    op.create_index(op.f(f"ix_downloads_{indexed}"), "downloads", [indexed], unique=False)


def upgrade() -> None:
    op.create_table(
        "quiz_drafts",
        sa.Column("quiz_id", sa.Uuid(), nullable=False),
        sa.Column("attempt_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("question_order", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("elapsed_seconds", sa.Double(), nullable=False),
        sa.Column("updated_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=False),
        sa.PrimaryKeyConstraint("quiz_id", name=op.f("pk_quiz_drafts")),
    )
    op.drop_index(op.f("ix_downloads_course_id"), table_name="downloads")
    op.drop_table("downloads")
    _downloads(per_course=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_downloads_asset_id"), table_name="downloads")
    op.drop_table("downloads")
    _downloads(per_course=False)
    op.drop_table("quiz_drafts")

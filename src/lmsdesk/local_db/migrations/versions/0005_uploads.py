"""uploads: files imported into lessons, on their way to the server

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 08:55:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import lmsdesk.local_db.types

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_STATE = sa.Enum(
    "queued",
    "uploading",
    "done",
    "failed",
    name="upload_state",
    native_enum=False,
    create_constraint=True,
    length=32,
)


def upgrade() -> None:
    op.create_table(
        "uploads",
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("lesson_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("relative_path", sa.String(length=500), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("mime_type", sa.String(length=120), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("duration_seconds", sa.Double(), nullable=True),
        sa.Column("bytes_sent", sa.BigInteger(), nullable=False),
        sa.Column("state", _STATE, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("updated_at", lmsdesk.local_db.types.UTCDateTime(length=32), nullable=False),
        sa.PrimaryKeyConstraint("asset_id", name=op.f("pk_uploads")),
    )
    op.create_index(op.f("ix_uploads_lesson_id"), "uploads", ["lesson_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_uploads_lesson_id"), table_name="uploads")
    op.drop_table("uploads")

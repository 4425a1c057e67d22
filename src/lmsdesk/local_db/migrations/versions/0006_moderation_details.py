"""moderation details: lesson notes, reviewer name, revision and snapshot of each review

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 10:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("moderation_reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lesson_notes", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("reviewer_name", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("snapshot", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("moderation_reviews", schema=None) as batch_op:
        batch_op.drop_column("snapshot")
        batch_op.drop_column("revision")
        batch_op.drop_column("reviewer_name")
        batch_op.drop_column("lesson_notes")

"""who wrote a review, as others see them

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 17:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("course_ratings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reviewer_name", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("reviewer_avatar_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("course_ratings", schema=None) as batch_op:
        batch_op.drop_column("reviewer_avatar_id")
        batch_op.drop_column("reviewer_name")

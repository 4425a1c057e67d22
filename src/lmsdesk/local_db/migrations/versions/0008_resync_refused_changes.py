"""refused changes: the partitions each queued change touched, and those to receive again

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 09:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partitions", sa.JSON(), nullable=True))
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resync", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.drop_column("resync")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("partitions")

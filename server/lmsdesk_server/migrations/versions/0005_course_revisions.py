"""course revisions: a draft copy of a published course, at most one open per course

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 10:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("courses", sa.Column("revision_of", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_courses_revision_of_courses"), "courses", "courses", ["revision_of"], ["id"]
    )
    op.create_index(
        "uq_courses_open_revision",
        "courses",
        ["revision_of"],
        unique=True,
        postgresql_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_courses_open_revision", table_name="courses")
    op.drop_constraint(op.f("fk_courses_revision_of_courses"), "courses", type_="foreignkey")
    op.drop_column("courses", "revision_of")

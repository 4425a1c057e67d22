"""moderation details: lesson notes, reviewer name, revision, snapshot; append-only reviews

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:05:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = postgresql.JSONB(astext_type=sa.Text())


def upgrade() -> None:
    op.add_column(
        "moderation_reviews", sa.Column("lesson_notes", _JSON, server_default="{}", nullable=False)
    )
    op.add_column(
        "moderation_reviews",
        sa.Column("reviewer_name", sa.String(length=200), server_default="", nullable=False),
    )
    op.add_column(
        "moderation_reviews",
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
    )
    op.add_column("moderation_reviews", sa.Column("snapshot", _JSON, nullable=True))
    # The audit of decisions is append-only, whatever code (or person with psql) tries.
    op.execute(
        """
        CREATE FUNCTION moderation_reviews_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'moderation_reviews is append-only';
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER moderation_reviews_append_only BEFORE UPDATE OR DELETE "
        "ON moderation_reviews FOR EACH ROW EXECUTE FUNCTION moderation_reviews_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER moderation_reviews_append_only ON moderation_reviews")
    op.execute("DROP FUNCTION moderation_reviews_append_only()")
    op.drop_column("moderation_reviews", "snapshot")
    op.drop_column("moderation_reviews", "revision")
    op.drop_column("moderation_reviews", "reviewer_name")
    op.drop_column("moderation_reviews", "lesson_notes")

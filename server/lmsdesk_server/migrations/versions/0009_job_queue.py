"""the background job queue: procrastinate's schema, in a PostgreSQL schema of its own

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 19:15:00

procrastinate (DESIGN.md section 12) keeps its jobs, periodic defers and workers in tables,
types, functions and triggers of its own; here they live in the `procrastinate` schema, which its
connections put first on their search_path, so ours stay apart and downgrade drops them at once.
A later procrastinate release ships SQL migrations: apply them in a new revision like this one.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from procrastinate.schema import SchemaManager

    op.execute("CREATE SCHEMA procrastinate")
    op.execute("SET LOCAL search_path TO procrastinate")
    # Straight to the driver, without parameters: the schema is many statements, and its '%'
    # signs are not placeholders.
    driver = op.get_bind().connection.driver_connection
    with driver.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute(SchemaManager.get_schema())
    op.execute("SET LOCAL search_path TO public")


def downgrade() -> None:
    op.execute("DROP SCHEMA procrastinate CASCADE")

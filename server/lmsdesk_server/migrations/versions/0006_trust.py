"""trust: mutation ids scoped to their user; look-alike keys of email addresses

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 13:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Mutation results: the user each belongs to (from its device), then the id unique per user.
    op.add_column("mutation_results", sa.Column("user_id", sa.Uuid(), nullable=True))
    op.execute(
        "UPDATE mutation_results r SET user_id = d.user_id FROM devices d "
        "WHERE d.device_id = r.device_id"
    )
    op.alter_column("mutation_results", "user_id", nullable=False)
    op.create_foreign_key(
        op.f("fk_mutation_results_user_id_users"),
        "mutation_results",
        "users",
        ["user_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_unique_constraint(
        op.f("uq_mutation_results_user_id_mutation_id"),
        "mutation_results",
        ["user_id", "mutation_id"],
    )
    op.drop_constraint(op.f("uq_mutation_results_mutation_id"), "mutation_results", type_="unique")

    op.add_column("users", sa.Column("email_skeleton", sa.String(length=320), nullable=True))
    op.create_index(op.f("ix_users_email_skeleton"), "users", ["email_skeleton"])
    # The key is computed by the server's own function (a data step, run once).
    from lmsdesk_server.security.emails import email_skeleton

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, email FROM users")).all()
    for user_id, email in rows:
        bind.execute(
            sa.text("UPDATE users SET email_skeleton = :key WHERE id = :id"),
            {"key": email_skeleton(email), "id": user_id},
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_users_email_skeleton"), table_name="users")
    op.drop_column("users", "email_skeleton")
    op.create_unique_constraint(
        op.f("uq_mutation_results_mutation_id"), "mutation_results", ["mutation_id"]
    )
    op.drop_constraint(
        op.f("uq_mutation_results_user_id_mutation_id"), "mutation_results", type_="unique"
    )
    op.drop_constraint(
        op.f("fk_mutation_results_user_id_users"), "mutation_results", type_="foreignkey"
    )
    op.drop_column("mutation_results", "user_id")

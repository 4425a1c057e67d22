"""accounts and the admin console: profiles, mailed codes, two-factor sign-in, the mail
outbox, and the append-only audit of admin actions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 15:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("headline", sa.String(200), server_default="", nullable=False))
    op.add_column("users", sa.Column("bio", sa.Text(), server_default="", nullable=False))
    op.add_column(
        "users", sa.Column("timezone", sa.String(64), server_default="UTC", nullable=False)
    )
    op.add_column("users", sa.Column("avatar_asset_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_users_avatar_asset_id_media_assets"),
        "users",
        "media_assets",
        ["avatar_asset_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.add_column("users", sa.Column("totp_secret", sa.String(255), nullable=True))
    op.add_column("users", sa.Column("totp_confirmed_at", sa.DateTime(timezone=True)))
    op.add_column("users", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))

    op.add_column(
        "test_checkout_sessions",
        sa.Column(
            "refunds", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
    )
    op.create_table(
        "account_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "verify_email",
                "password_reset",
                name="account_code_purpose",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_account_codes_code_hash")),
    )
    op.create_index(op.f("ix_account_codes_user_id"), "account_codes", ["user_id"])

    op.create_table(
        "mfa_recovery_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mfa_recovery_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mfa_recovery_codes")),
        sa.UniqueConstraint(
            "user_id", "code_hash", name=op.f("uq_mfa_recovery_codes_user_id_code_hash")
        ),
    )

    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), server_default="", nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index(
        "ix_mail_outbox_due",
        "mail_outbox",
        ["next_attempt_at"],
        postgresql_where=sa.text("sent_at IS NULL AND failed_at IS NULL"),
    )

    op.create_table(
        "admin_audit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target_kind", sa.String(32), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_admin_audit_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_audit")),
    )
    op.create_index("ix_admin_audit_actor_created", "admin_audit", ["actor_id", "created_at"])
    op.create_index("ix_admin_audit_action_created", "admin_audit", ["action", "created_at"])
    # Nobody edits the audit: not the code, not a person with psql.
    op.execute(
        """
        CREATE FUNCTION admin_audit_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'admin_audit is append-only';
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER admin_audit_append_only BEFORE UPDATE OR DELETE "
        "ON admin_audit FOR EACH ROW EXECUTE FUNCTION admin_audit_append_only()"
    )
    # TRUNCATE skips row triggers; a statement trigger covers it.
    op.execute(
        "CREATE TRIGGER admin_audit_no_truncate BEFORE TRUNCATE "
        "ON admin_audit FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_append_only()"
    )


def downgrade() -> None:
    op.drop_column("test_checkout_sessions", "refunds")
    op.execute("DROP TRIGGER admin_audit_no_truncate ON admin_audit")
    op.execute("DROP TRIGGER admin_audit_append_only ON admin_audit")
    op.execute("DROP FUNCTION admin_audit_append_only()")
    op.drop_index("ix_admin_audit_action_created", table_name="admin_audit")
    op.drop_index("ix_admin_audit_actor_created", table_name="admin_audit")
    op.drop_table("admin_audit")
    op.drop_index("ix_mail_outbox_due", table_name="mail_outbox")
    op.drop_table("mail_outbox")
    op.drop_table("mfa_recovery_codes")
    op.drop_index(op.f("ix_account_codes_user_id"), table_name="account_codes")
    op.drop_table("account_codes")
    for column in ("totp_last_step", "totp_confirmed_at", "totp_secret"):
        op.drop_column("users", column)
    op.drop_constraint(op.f("fk_users_avatar_asset_id_media_assets"), "users", type_="foreignkey")
    for column in ("avatar_asset_id", "timezone", "bio", "headline"):
        op.drop_column("users", column)

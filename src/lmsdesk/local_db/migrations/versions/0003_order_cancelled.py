"""orders may be cancelled

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 01:00:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = ("pending", "completed", "failed", "expired", "refunded")


def _order_statuses(values: tuple[str, ...]) -> None:
    # SQLite cannot alter a CHECK constraint: batch mode rebuilds the mirror table.
    allowed = ", ".join(f"'{v}'" for v in values)
    with op.batch_alter_table("orders", recreate="always") as batch_op:
        batch_op.drop_constraint(op.f("ck_orders_order_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_orders_order_status"), f"status IN ({allowed})")


def upgrade() -> None:
    _order_statuses((*_STATUSES, "cancelled"))


def downgrade() -> None:
    op.execute("UPDATE orders SET status = 'expired' WHERE status = 'cancelled'")
    _order_statuses(_STATUSES)

"""Alembic environment for the local SQLite store (batch mode: SQLite cannot ALTER much)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from lmsdesk.local_db.models import LocalBase


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=LocalBase.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes["connection"]
_run(connection)

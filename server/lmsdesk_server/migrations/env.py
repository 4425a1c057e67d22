"""Alembic environment: online migrations only, against the URL the caller configured."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

import lmsdesk_server.db.models  # noqa: F401 - registers every table on Base.metadata
from lmsdesk_server.db.base import Base

target_metadata = Base.metadata

# Expression indexes PostgreSQL reports in its own normal form, which Alembic's comparison never
# matches to the model's text: declared on the model, created by their migration, not compared.
_EXPRESSION_INDEXES = frozenset({"ix_community_questions_search"})


def _compared(
    _object: object, name: str | None, type_: str, _reflected: bool, _other: object
) -> bool:
    return not (type_ == "index" and name in _EXPRESSION_INDEXES)


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url must be set"
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
        include_object=_compared,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()

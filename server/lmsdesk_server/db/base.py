"""Declarative base with a naming convention, so Alembic constraint names are stable."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Enum, Index, MetaData, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {  # noqa: RUF012 - SQLAlchemy reads it as a class attribute
        datetime: DateTime(timezone=True),
    }


def status_enum(enum_cls: type[enum.StrEnum], name: str) -> Enum:
    """A status column: VARCHAR plus a CHECK constraint (adding a value later is a plain
    migration, unlike a PostgreSQL enum type)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def uuid_pk() -> Mapped[uuid.UUID]:
    # Clients create rows offline, so the key is chosen by whoever creates the row.
    return mapped_column(primary_key=True, default=uuid.uuid4)


def now_default() -> Mapped[datetime]:
    return mapped_column(server_default=func.now())


class Synced:
    """Rows that clients mirror: stamped with their partition and its version at the last write."""

    sync_partition: Mapped[str] = mapped_column(String(80))
    sync_version: Mapped[int] = mapped_column(BigInteger)


def sync_index(table: str) -> Index:
    return Index(f"ix_{table}_sync", "sync_partition", "sync_version")

"""Bookkeeping of the sync protocol (DESIGN.md section 5)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from lmsdesk.contracts.enums import MutationStatus
from lmsdesk_server.db.base import Base, now_default, status_enum, uuid_pk


class PartitionClock(Base):
    """One row per partition; every write to the partition bumps it under a row lock."""

    __tablename__ = "partition_clocks"

    partition: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    # Tombstones at or below this version were purged: an older cursor resets the partition.
    tombstones_purged_through: Mapped[int] = mapped_column(BigInteger, server_default="0")


class SyncTombstone(Base):
    __tablename__ = "sync_tombstones"
    __table_args__ = (Index("ix_sync_tombstones_sync", "partition", "version"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    partition: Mapped[str] = mapped_column(String(80))
    table_name: Mapped[str] = mapped_column(String(60))
    #: The key, parts joined by ":" (a vote's: user, kind, target: two UUIDs and a word).
    row_id: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(BigInteger)
    deleted_at: Mapped[datetime] = now_default()


class Device(Base):
    __tablename__ = "devices"

    device_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    epoch: Mapped[int] = mapped_column(server_default="0")
    last_seq: Mapped[int] = mapped_column(BigInteger, server_default="0")
    last_seen_at: Mapped[datetime] = now_default()


class MutationResult(Base):
    __tablename__ = "mutation_results"
    # A mutation's identity is its user's: another account pushing the same id is a different
    # change, never a duplicate of this one (and never shown this one's result).
    __table_args__ = (UniqueConstraint("user_id", "mutation_id"),)

    device_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("devices.device_id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mutation_id: Mapped[uuid.UUID]
    status: Mapped[MutationStatus] = mapped_column(status_enum(MutationStatus, "mutation_status"))
    result: Mapped[Any] = mapped_column(JSONB, nullable=True)
    applied_at: Mapped[datetime] = now_default()

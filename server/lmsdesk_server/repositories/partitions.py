"""Partition clocks: the version every synced write is stamped with (DESIGN.md section 5)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

_BUMP = text(
    "INSERT INTO partition_clocks (partition, version) VALUES (:partition, 1) "
    "ON CONFLICT (partition) DO UPDATE SET version = partition_clocks.version + 1 "
    "RETURNING version"
)


def bump_partition(session: Session, partition: str) -> int:
    """Advance the partition's clock and return the new version.

    The upsert holds the clock row's lock until the transaction ends, so writers to one partition
    commit in version order and a reader never sees version N+1 before N.
    """
    return int(session.execute(_BUMP, {"partition": partition}).scalar_one())


def course_partition(course_id: object) -> str:
    return f"course:{course_id}"


def user_partition(user_id: object) -> str:
    return f"user:{user_id}"


def draft_partition(course_id: object) -> str:
    return f"draft:{course_id}"


CATALOG_PARTITION = "catalog"
MODERATION_PARTITION = "moderation"

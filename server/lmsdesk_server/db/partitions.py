"""Partition clocks and stamping: the version every synced write carries (DESIGN.md section 5).

Published course content of every course shares the `catalog` clock, so a cursor stays a few
entries long however many courses exist (a no-op sync must fit in 4 KB); which courses a user
receives in full travels in the cursor as a list of course ids. Likewise every course's
community partition (`community:{course}`: what is added, revoked and deleted per course) takes
its versions from one `community` clock, so a student of a hundred courses still has one
community entry in the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from lmsdesk.contracts.partitions import (
    CATALOG_PARTITION,
    MODERATION_PARTITION,
    REMOVED_PARTITION,
    community_partition,
    course_partition,
    draft_partition,
    user_partition,
)
from lmsdesk_server.db.models import PartitionClock, SyncTombstone

# The names are the wire contract's; re-exported here beside the clocks that version them.
__all__ = [
    "CATALOG_PARTITION",
    "COMMUNITY_CLOCK",
    "MODERATION_PARTITION",
    "REMOVED_PARTITION",
    "bump_partition",
    "clock_of",
    "clocks",
    "community_partition",
    "course_partition",
    "draft_partition",
    "lock_partition",
    "pin_partition",
    "stamp",
    "unpin_partitions",
    "user_partition",
    "write_tombstone",
    "written",
]


#: The one clock every `community:{course}` partition takes its versions from.
COMMUNITY_CLOCK = "community"


def clock_of(partition: str) -> str:
    """The clock that versions a partition's rows (its own, except a course's community)."""
    return COMMUNITY_CLOCK if partition.startswith("community:") else partition


_BUMP = text(
    "INSERT INTO partition_clocks (partition, version) VALUES (:partition, 1) "
    "ON CONFLICT (partition) DO UPDATE SET version = partition_clocks.version + 1 "
    "RETURNING version"
)


_BUMPED = "lmsdesk.bumped_clocks"
_STAMPED = "lmsdesk.stamped_tables"


def bump_partition(session: Session, partition: str) -> int:
    """Advance the partition's clock and return the new version.

    The upsert holds the clock row's lock until the transaction ends, so writers to one partition
    commit in version order and a reader never sees version N+1 before N.
    """
    version = int(session.execute(_BUMP, {"partition": partition}).scalar_one())
    session.info.setdefault(_BUMPED, []).append((partition, version))
    return version


@dataclass(frozen=True)
class Written:
    """What this session wrote to the feed so far: every clock bump in order, including any a
    rolled-back savepoint undid (so it errs towards "more was written"), and the tables of
    the rows stamped, per partition."""

    bumps: list[tuple[str, int]]
    tables: dict[str, set[str]]


def written(session: Session) -> Written:
    return Written(list(session.info.get(_BUMPED, [])), dict(session.info.get(_STAMPED, {})))


_LOCK = text(
    "INSERT INTO partition_clocks (partition, version) VALUES (:partition, 0) "
    "ON CONFLICT (partition) DO UPDATE SET version = partition_clocks.version "
    "RETURNING version"
)


def lock_partition(session: Session, partition: str) -> None:
    """Hold the partition's clock row until the transaction ends, without advancing it: a rule
    that counts rows of the partition (a quiz's attempts) checks and writes with no other
    writer in between. A push already holds its user's partition (pin_partition), so taking it
    first here keeps one lock order for both doors."""
    session.execute(_LOCK, {"partition": partition})


_PINNED = "lmsdesk.pinned_versions"


def pin_partition(session: Session, partition: str) -> int:
    """Bump a partition once for the rest of this transaction: every row stamped into it until
    `unpin_partitions` shares the version (a push batch is one transaction, so one version).
    Call outside any savepoint, so a rolled-back savepoint cannot undo the bump."""
    version = bump_partition(session, partition)
    session.info.setdefault(_PINNED, {})[partition] = version
    return version


def unpin_partitions(session: Session) -> None:
    session.info.pop(_PINNED, None)


def stamp(session: Session, row: Any, partition: str) -> None:
    """Mark a row written in this transaction: its partition and that partition's new version."""
    clock = clock_of(partition)
    version = session.info.get(_PINNED, {}).get(clock)
    if version is None:
        # No autoflush: a pending row must not be flushed before it has its version.
        with session.no_autoflush:
            version = bump_partition(session, clock)
    row.sync_partition = partition
    row.sync_version = version
    table = getattr(row, "__tablename__", "?")  # unknown: after_push leaves it to a pull
    session.info.setdefault(_STAMPED, {}).setdefault(partition, set()).add(table)


def write_tombstone(session: Session, partition: str, table: str, row_id: str) -> None:
    session.add(
        SyncTombstone(
            partition=partition,
            table_name=table,
            row_id=row_id,
            version=bump_partition(session, clock_of(partition)),
        )
    )


def clocks(session: Session, partitions: list[str]) -> dict[str, tuple[int, int]]:
    """partition -> (version, tombstones purged through), for the partitions that have a clock."""
    rows = session.execute(
        select(
            PartitionClock.partition,
            PartitionClock.version,
            PartitionClock.tombstones_purged_through,
        ).where(PartitionClock.partition.in_(partitions))
    )
    return {p: (v, purged) for p, v, purged in rows}

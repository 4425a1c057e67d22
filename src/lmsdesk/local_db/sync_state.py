"""The pull cursor and the health of the last sync, stored with the data they describe."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from lmsdesk.local_db.models.client import SyncState

PULL_SCOPE = "pull"


@dataclass(frozen=True)
class SyncHealth:
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None


def _row(session: Session) -> SyncState:
    row = session.get(SyncState, PULL_SCOPE)
    if row is None:
        row = SyncState(scope=PULL_SCOPE)
        session.add(row)
    return row


def cursor(session: Session) -> str | None:
    row = session.get(SyncState, PULL_SCOPE)
    return row.cursor if row else None


def save_cursor(session: Session, value: str) -> None:
    _row(session).cursor = value


def want_resync(session: Session, partitions: list[str]) -> None:
    """Ask for these partitions whole on the next pull (they show refused changes)."""
    if partitions:
        row = _row(session)
        row.resync = sorted(set(row.resync or ()) | set(partitions))


def resync_wanted(session: Session) -> list[str]:
    row = session.get(SyncState, PULL_SCOPE)
    return list(row.resync or ()) if row else []


def resynced(session: Session, partitions: list[str]) -> None:
    """Asked for and answered (reset or revoked) in the page being applied."""
    if partitions:
        row = _row(session)
        row.resync = sorted(set(row.resync or ()) - set(partitions)) or None


def record_attempt(session: Session, at: datetime, *, error: str | None) -> None:
    row = _row(session)
    row.last_attempt_at = at
    row.last_error = error
    if error is None:
        row.last_success_at = at


def health(session: Session) -> SyncHealth:
    row = session.get(SyncState, PULL_SCOPE)
    if row is None:
        return SyncHealth(None, None, None)
    return SyncHealth(row.last_success_at, row.last_attempt_at, row.last_error)


def _boot_id() -> str:
    """This boot of the machine (Linux); elsewhere unknown, and a reading is trusted only
    within the running app."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return f"process-{id(time)}"


def observe_server_time(session: Session, server_time: datetime) -> None:
    row = _row(session)
    row.server_time = server_time
    row.server_monotonic = time.monotonic()
    row.boot_id = _boot_id()


def trusted_now(session: Session) -> datetime:
    """Now, by a clock the user cannot move: the server's time at the last pull plus the
    monotonic time since (setting the computer's clock forward opens nothing early). After a
    reboot the last server time itself (the schedule waits for the next sync); never synced,
    the wall clock (nothing scheduled is on this computer yet)."""
    row = session.get(SyncState, PULL_SCOPE)
    if row is None or row.server_time is None:
        return datetime.now(UTC)
    if row.server_monotonic is None or row.boot_id != _boot_id():
        return row.server_time
    elapsed = max(time.monotonic() - row.server_monotonic, 0.0)
    return row.server_time + timedelta(seconds=elapsed)

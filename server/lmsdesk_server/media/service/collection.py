"""Media garbage collection: stored objects no asset row names (an upload refused at its last
check, a crash between writing a picture and committing its row) are removed once they are a
day old, so a file being written right now is never taken for garbage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from lmsdesk_server.db.engine import transaction
from lmsdesk_server.media.repository import MediaRepository
from lmsdesk_server.storage import MediaStore

GRACE = timedelta(days=1)


@dataclass(frozen=True)
class CollectionReport:
    examined: int
    removed: int


def collect_garbage(
    session_factory: sessionmaker[Session], store: MediaStore, *, now: datetime | None = None
) -> CollectionReport:
    cutoff = (now or datetime.now(UTC)) - GRACE
    # Listed first, then checked against the rows: a row committed in between keeps its file.
    candidates = list(store.keys_before(cutoff))
    with transaction(session_factory) as session:
        named = MediaRepository(session).storage_keys_among(candidates)
    removed = 0
    for key in candidates:
        if key not in named:
            store.delete(key)
            removed += 1
    return CollectionReport(examined=len(candidates), removed=removed)

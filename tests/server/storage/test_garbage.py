"""Media garbage collection removes only what no asset row names, and only once it is a day
old: a file being written while the job runs is never taken for garbage."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from lmsdesk.contracts.enums import MediaStatus
from lmsdesk_server.db.models import MediaAsset
from lmsdesk_server.db.partitions import CATALOG_PARTITION, stamp
from lmsdesk_server.media.service.collection import collect_garbage
from lmsdesk_server.storage import MediaStore
from tests.factories import make_user
from tests.support.s3 import store_for


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> MediaStore:
    return store_for(request.param, request, tmp_path / "media")


def test_only_old_objects_no_row_names_are_removed(
    store: MediaStore, session: Session, session_factory: sessionmaker[Session]
) -> None:
    owner = make_user(session)
    kept = b"a lesson video"
    store.put("uploads/kept.mp4", kept)
    asset = MediaAsset(
        owner_id=owner.id,
        sha256=hashlib.sha256(kept).hexdigest(),
        size_bytes=len(kept),
        mime_type="video/mp4",
        original_filename="kept.mp4",
        storage_key="uploads/kept.mp4",
        status=MediaStatus.READY,
    )
    stamp(session, asset, CATALOG_PARTITION)
    session.add(asset)
    session.commit()
    store.put("uploads/orphan.mp4", b"refused at its last check")

    fresh = collect_garbage(session_factory, store)
    assert fresh.removed == 0, "a new object may still be getting its row"

    later = collect_garbage(session_factory, store, now=datetime.now(UTC) + timedelta(days=2))
    assert (later.examined, later.removed) == (2, 1)
    assert list(store.object_keys()) == ["uploads/kept.mp4"]

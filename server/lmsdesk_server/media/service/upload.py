"""Resumable uploads of an instructor's media (`POST /media`, `PUT /media/{id}/content`).

The client announces the file (its own id, size, sha256, type) and sends it in chunks, each at
the offset the server already has; after a dropped connection it asks where the server stands
and carries on from there. The bytes received so far are the partial file itself, so nothing is
counted that was not written. The last chunk is checked against the announced sha256 before the
asset becomes ready; a damaged file is discarded and sent again from the start.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import MediaStatus
from lmsdesk.contracts.media import (
    SNIFF_BYTES,
    UPLOAD_TYPES,
    UploadStart,
    UploadState,
    content_problem,
)
from lmsdesk_server.actor import Actor
from lmsdesk_server.db.models import MediaAsset
from lmsdesk_server.db.partitions import stamp, user_partition
from lmsdesk_server.errors import ApiError
from lmsdesk_server.media.repository import MediaRepository
from lmsdesk_server.storage import MediaStore

#: What a student may upload (UPLOAD_TYPES kinds): the work they hand in.
STUDENT_KINDS = frozenset({"document", "image"})


def _human(size: int) -> str:
    return f"{size / 1024**3:.1f} GB" if size >= 1024**3 else f"{size / 1024**2:.0f} MB"


class MediaUploads:
    def __init__(self, session: Session, store: MediaStore, *, max_bytes: int) -> None:
        self._session = session
        self._store = store
        self._max_bytes = max_bytes

    def start(self, actor: Actor, args: UploadStart) -> UploadState:
        # Students upload the work they hand in (documents and pictures); videos and subtitles
        # are course media, an instructor's.
        if not actor.has(Role.INSTRUCTOR) and UPLOAD_TYPES.get(args.mime_type) not in STUDENT_KINDS:
            raise ApiError(
                403,
                "refused",
                "Students can upload documents and pictures (PDF, ZIP, text, PNG, JPEG).",
            )
        if args.size_bytes > self._max_bytes:
            raise ApiError(
                413,
                "too_large",
                f"'{args.filename}' is {_human(args.size_bytes)}; the "
                f"largest file the server takes is {_human(self._max_bytes)}.",
            )
        asset = MediaRepository(self._session).find(MediaAsset, args.asset_id, lock=True)
        if asset is not None:
            self._check_owner(actor, asset)
            if (asset.sha256, asset.size_bytes) != (args.sha256, args.size_bytes):
                raise ApiError(409, "upload_mismatch", "This upload id belongs to another file.")
            return self._settled_state(asset)
        suffix = re.sub(r"[^a-z0-9.]", "", Path(args.filename).suffix.lower())[:10]
        asset = MediaAsset(
            id=args.asset_id,
            owner_id=actor.id,
            sha256=args.sha256,
            size_bytes=args.size_bytes,
            mime_type=args.mime_type,
            original_filename=args.filename,
            storage_key=f"uploads/{actor.id}/{args.asset_id}{suffix}",
            duration_seconds=args.duration_seconds,
            status=MediaStatus.UPLOADING,
            created_at=datetime.now(UTC),
        )
        self._session.add(asset)
        stamp(self._session, asset, user_partition(actor.id))
        self._session.flush()
        return self._state(asset)

    def state(self, actor: Actor, asset_id: uuid.UUID) -> UploadState:
        return self._settled_state(self._own(actor, asset_id))

    def _settled_state(self, asset: MediaAsset) -> UploadState:
        """Where the upload stands. Every byte stored but never finished (the server stopped
        between the last chunk and its check): finished now, or the client would wait for
        ever with nothing left to send."""
        if asset.status is MediaStatus.UPLOADING:
            stored = self._store.received(asset.storage_key)
            if stored < asset.size_bytes:
                return self._state(asset, stored)
            self._finish(asset)
        return self._state(asset)

    def receive(self, actor: Actor, asset_id: uuid.UUID, offset: int, data: bytes) -> UploadState:
        asset = self._own(actor, asset_id)
        if asset.status is MediaStatus.READY:
            return self._state(asset)  # a retried last chunk whose answer was lost
        if asset.status is MediaStatus.FAILED:
            raise ApiError(422, "upload_failed", "The server refused this file; import another.")
        received = self._store.received(asset.storage_key)
        if offset != received:
            raise ApiError(
                409,
                "wrong_offset",
                f"The server has {received} bytes of this file; continue from there.",
                details={"received_bytes": received},
            )
        if received + len(data) > asset.size_bytes:
            raise ApiError(413, "too_many_bytes", "More bytes than the file was announced with.")
        if offset == 0:
            self._check_content(asset, data[:SNIFF_BYTES])
        self._store.append(asset.storage_key, data, total=asset.size_bytes)
        if received + len(data) == asset.size_bytes:
            self._finish(asset)
        return self._state(asset, received + len(data))

    def _check_content(self, asset: MediaAsset, head: bytes) -> None:
        """The first bytes must be what the file was announced as (the same rule the app
        applies at import): checked on the first chunk, so a 4 GB file of the wrong kind is
        refused before the rest of it is sent. The asset fails for good: no lesson can use it,
        and the submit checklist counts it as missing."""
        problem = content_problem(asset.mime_type, head)
        if problem is None:
            return
        asset.status = MediaStatus.FAILED
        stamp(self._session, asset, asset.sync_partition)
        self._session.flush()
        raise ApiError(
            422,
            "content_mismatch",
            f"'{asset.original_filename}' was refused: {problem}",
            keep_changes=True,
        )

    def _finish(self, asset: MediaAsset) -> None:
        if self._store.complete(asset.storage_key) != asset.sha256:
            self._store.delete(asset.storage_key)
            raise ApiError(
                422,
                "checksum_mismatch",
                "The file arrived damaged (its sha256 differs from "
                "the one announced); send it again from the start.",
            )
        asset.status = MediaStatus.READY
        stamp(self._session, asset, asset.sync_partition)
        self._session.flush()

    def _own(self, actor: Actor, asset_id: uuid.UUID) -> MediaAsset:
        asset = MediaRepository(self._session).get_or_refuse(
            MediaAsset,
            asset_id,
            "There is no such upload; start it again.",
            lock=True,
            status=404,
            code="asset_not_found",
        )
        self._check_owner(actor, asset)
        return asset

    @staticmethod
    def _check_owner(actor: Actor, asset: MediaAsset) -> None:
        if asset.owner_id != actor.id:
            raise ApiError(403, "refused", "That upload belongs to someone else.")

    def _state(self, asset: MediaAsset, received: int | None = None) -> UploadState:
        """`received`: what the store holds, when the caller has just asked it."""
        if asset.status is MediaStatus.READY:
            received = asset.size_bytes
        elif received is None:
            received = self._store.received(asset.storage_key)
        return UploadState(
            asset_id=asset.id,
            received_bytes=received,
            size_bytes=asset.size_bytes,
            status=asset.status,
        )

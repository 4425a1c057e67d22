"""Course thumbnails for the catalog: fetched once when online, kept on disk, shown offline.

A thumbnail is small (at most 10 MB, usually far less) and the same for every user, so it is
fetched whole, checked against the sha256 the catalog carries, and written under the account's
media folder with a rename, so a half-written image is never shown.

Blocking: call on the io lane.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select

from lmsdesk.local_db.models.mirror import MediaAsset
from lmsdesk.services.session import NotSignedIn, SessionService
from lmsdesk.sync.api_client import ApiClient, ApiRejected, ServerUnreachable
from lmsdesk.sync.auth_session import SessionEnded

_log = logging.getLogger(__name__)
MAX_BYTES = 10 * 1024 * 1024


class ThumbnailCache:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def _folder(self) -> Path:
        return self._session.require_media_root() / "thumbnails"

    def cached(self, asset_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Path]:
        folder = self._folder()
        found = {asset: folder / f"{asset}.img" for asset in asset_ids}
        return {asset: path for asset, path in found.items() if path.is_file()}

    def fetch(self, asset_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Path]:
        """Fetch the thumbnails not on disk yet; returns every one now on disk. Stops quietly
        when offline (the next catalog redraw tries again)."""
        wanted = set(asset_ids)
        have = self.cached(wanted)
        with self._session.require_store().reading() as session:
            checksums = dict(
                session.execute(
                    select(MediaAsset.id, MediaAsset.sha256).where(
                        MediaAsset.id.in_(wanted - set(have))
                    )
                ).all()
            )
        folder = self._folder()
        folder.mkdir(parents=True, exist_ok=True)
        for asset, sha256 in checksums.items():
            try:
                data = self._download(asset)
            except (ServerUnreachable, SessionEnded, NotSignedIn):
                break
            except ApiRejected as exc:
                _log.info("thumbnail %s not fetched: %s", asset, exc.message)
                continue
            if data is None or hashlib.sha256(data).hexdigest() != sha256:
                _log.warning("thumbnail %s: wrong size or checksum, not kept", asset)
                continue
            part = folder / f"{asset}.part"
            part.write_bytes(data)
            part.replace(folder / f"{asset}.img")
            have[asset] = folder / f"{asset}.img"
        return have

    def _download(self, asset: uuid.UUID) -> bytes | None:
        def read(api: ApiClient, token: str) -> bytes | None:
            chunks = bytearray()
            with api.open_media(token, asset, start=0, etag="", chunk_bytes=1 << 16) as stream:
                for chunk in stream.chunks:
                    chunks += chunk
                    if len(chunks) > MAX_BYTES:
                        return None
            return bytes(chunks)

        return self._session.api_call(read)

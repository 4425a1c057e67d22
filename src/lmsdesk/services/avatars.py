"""People's pictures: fetched once per picture when online, kept on disk (named by the
picture's id, so a new picture is a new file), shown offline.

Blocking: call on the io lane.
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path

from lmsdesk.services.session import NotSignedIn, SessionService
from lmsdesk.sync.api_client import ApiRejected, ServerUnreachable
from lmsdesk.sync.auth_session import SessionEnded

_log = logging.getLogger(__name__)


class AvatarCache:
    def __init__(self, session: SessionService) -> None:
        self._session = session

    def _path(self, picture_id: uuid.UUID) -> Path:
        return self._session.require_media_root() / "avatars" / f"{picture_id}.img"

    def cached(self, picture_id: uuid.UUID | None) -> Path | None:
        if picture_id is None:
            return None
        path = self._path(picture_id)
        return path if path.is_file() else None

    def fetch(self, user_id: uuid.UUID, picture_id: uuid.UUID | None) -> Path | None:
        """The picture on disk, fetched first when missing; None when there is none, or it
        cannot be fetched now (offline: the next look tries again)."""
        if picture_id is None:
            return None
        have = self.cached(picture_id)
        if have is not None:
            return have
        current = self._session.current
        if current is None:
            return None
        api = self._session.api_for(current.profile.server_url)
        try:
            data = api.avatar(user_id)
        except (ServerUnreachable, SessionEnded, NotSignedIn, ApiRejected) as exc:
            _log.info("picture of %s not fetched: %s", user_id, type(exc).__name__)
            return None
        if not data:
            return None
        path = self._path(picture_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(".part")
        part.write_bytes(data)
        os.replace(part, path)  # never a half-written picture on screen
        return path

"""Who may read a media asset, and short-lived signed links for players that cannot send headers.

The same entitlement rule as the sync feed (DESIGN.md section 7): preview lessons and published
thumbnails for any signed-in user; everything else for an active enrollment, the course's own
instructor, the asset's owner, or an admin. A signed link names the user, so the rule is checked
again on every request made with it: a refund ends streaming as well as downloading.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import MediaStatus
from lmsdesk.contracts.media import MediaLink
from lmsdesk_server.actor import Actor
from lmsdesk_server.db.models import MediaAsset
from lmsdesk_server.errors import ApiError
from lmsdesk_server.learning.repository.lessons import LearningRepository
from lmsdesk_server.media.repository import MediaRepository
from lmsdesk_server.mutation import MutationRejected
from lmsdesk_server.schedule.service import gates
from lmsdesk_server.storage import MediaStore

#: Long enough to watch a long lecture with pauses (players re-request ranges when seeking),
#: short enough that a leaked link is soon useless. Each lesson opening asks for a fresh one.
LINK_LIFETIME = timedelta(hours=2)


@dataclass(frozen=True)
class ReadableAsset:
    key: str
    size: int
    sha256: str
    mime_type: str
    filename: str


class LinkSigner:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def sign(
        self, asset_id: uuid.UUID, user_id: uuid.UUID, session_id: uuid.UUID | None, expires: int
    ) -> str:
        message = f"media:{asset_id}:{user_id}:{session_id or ''}:{expires}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def verify(
        self,
        asset_id: uuid.UUID,
        user_id: uuid.UUID,
        session_id: uuid.UUID | None,
        expires: int,
        signature: str,
    ) -> bool:
        expected = self.sign(asset_id, user_id, session_id, expires)
        # As bytes: compare_digest refuses non-ASCII text, and a forged link may hold any.
        same = hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))
        return same and expires > datetime.now(UTC).timestamp()


def link_key(jwt_secret: str) -> bytes:
    """A key of its own, derived from the server secret: a link signature can never be replayed
    as (or forged from) any other signed value."""
    return hmac.new(jwt_secret.encode(), b"lmsdesk media links", hashlib.sha256).digest()


class MediaAccess:
    def __init__(self, session: Session, store: MediaStore) -> None:
        self._session = session
        self._media = MediaRepository(session)
        self._learning = LearningRepository(session)
        self._store = store

    def readable(self, actor: Actor, asset_id: uuid.UUID) -> ReadableAsset:
        asset = self._media.asset(asset_id)
        if asset is None or asset.status is not MediaStatus.READY:
            raise ApiError(404, "asset_not_found", "There is no such media file.")
        if not self._may_read(actor, asset):
            raise ApiError(
                403, "not_entitled", "Enroll in the course to watch or download its media."
            )
        self._refuse_if_closed(actor, asset)
        size = self._store.size(asset.storage_key)
        if size is None:
            raise ApiError(404, "asset_missing", "This media file is missing on the server.")
        return ReadableAsset(
            asset.storage_key, size, asset.sha256, asset.mime_type, asset.original_filename
        )

    def link(
        self, actor: Actor, asset_id: uuid.UUID, *, signer: LinkSigner, public_url: str
    ) -> MediaLink:
        self.readable(actor, asset_id)
        expires_at = datetime.now(UTC).replace(microsecond=0) + LINK_LIFETIME
        expires = int(expires_at.timestamp())
        # The link names the sign-in too: signing out (everywhere) ends its streams as well.
        fields: dict[str, str | int] = {"u": str(actor.id)}
        if actor.session_id is not None:
            fields["f"] = str(actor.session_id)
        fields |= {"e": expires, "s": signer.sign(asset_id, actor.id, actor.session_id, expires)}
        query = urlencode(fields)
        url = f"{public_url.rstrip('/')}/api/v1/media/{asset_id}?{query}"
        return MediaLink(url=url, expires_at=expires_at)

    def _refuse_if_closed(self, actor: Actor, asset: MediaAsset) -> None:
        """A student's media of a lesson their cohort has not released, or whose prerequisites
        are not complete: refused as the lesson itself is (an asset any open lesson of theirs
        also uses stays readable)."""
        if actor.has_admin() or asset.owner_id == actor.id or self._media.is_public(asset.id):
            return
        lessons = self._media.lessons_using(asset.id)
        if not lessons:
            return
        owners = self._learning.owners(sorted({lesson.course_id for lesson in lessons}))
        refusal: MutationRejected | None = None
        now = datetime.now(UTC)
        for lesson in lessons:
            if owners.get(lesson.course_id) == actor.id:
                return
            if not self._learning.has_active_enrollment(actor.id, lesson.course_id):
                continue
            try:
                gates.refuse_if_closed(self._session, actor.id, lesson, now)
            except MutationRejected as exc:
                refusal = refusal or exc
            else:
                return
        if refusal is not None:
            raise ApiError(403, refusal.code, refusal.reason)

    def _may_read(self, actor: Actor, asset: MediaAsset) -> bool:
        if actor.has_admin() or asset.owner_id == actor.id or self._media.is_public(asset.id):
            return True
        if self._media.graded_by(asset.id, actor.id):  # a student's work, for their instructor
            return True
        entitled = self._learning.entitled_course_ids(actor.id, is_admin=False)
        return any(str(c) in entitled for c in self._media.courses_using(asset.id))

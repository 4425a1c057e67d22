"""Media on the wire: signed links for streaming, and resumable uploads."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, field_validator

from lmsdesk.contracts.common import WireModel
from lmsdesk.contracts.enums import MediaStatus


class MediaLink(WireModel):
    """A URL a player can open without headers; valid until `expires_at`, for one user."""

    url: str
    expires_at: datetime


#: What an instructor may upload: lesson videos, their subtitles, thumbnails, and resources.
UPLOAD_TYPES = {
    "video/mp4": "video", "video/webm": "video", "video/quicktime": "video",
    "text/vtt": "subtitles", "image/png": "image", "image/jpeg": "image",
    "application/pdf": "document", "application/zip": "document", "text/plain": "document",
}  # fmt: skip
#: What each use of an uploaded file accepts.
THUMBNAIL_KINDS = frozenset({"image"})
RESOURCE_KINDS = frozenset({"document", "image"})
#: The largest chunk one upload request may carry.
MAX_CHUNK_BYTES = 16 * 1024 * 1024


class UploadStart(WireModel):
    """Announce a file before its bytes: the client picks the id, so a retried start after a
    lost answer finds the same upload instead of making a second one."""

    asset_id: uuid.UUID
    filename: Annotated[str, Field(min_length=1, max_length=255)]
    mime_type: str
    size_bytes: Annotated[int, Field(gt=0)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    duration_seconds: Annotated[float | None, Field(ge=0)] = None

    @field_validator("mime_type")
    @classmethod
    def _allowed(cls, value: str) -> str:
        if value not in UPLOAD_TYPES:
            allowed = ", ".join(sorted(UPLOAD_TYPES))
            raise ValueError(f"'{value}' files cannot be uploaded (allowed: {allowed})")
        return value


class UploadState(WireModel):
    """Where an upload stands: the client resumes from `received_bytes`."""

    asset_id: uuid.UUID
    received_bytes: int
    size_bytes: int
    status: MediaStatus

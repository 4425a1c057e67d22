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
    "video/mp4": "video",
    "video/webm": "video",
    "video/quicktime": "video",
    "text/vtt": "subtitles",
    "image/png": "image",
    "image/jpeg": "image",
    "application/pdf": "document",
    "application/zip": "document",
    "text/plain": "document",
}
#: How many leading bytes `content_problem` needs.
SNIFF_BYTES = 4096
_ISO_MEDIA_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot")
_MARKUP = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<svg",
    b"<?xml",
    b"<iframe",
)
_KIND_WORDS = {
    "video/mp4": "an MP4 video",
    "video/webm": "a WebM video",
    "video/quicktime": "a QuickTime video",
    "text/vtt": "WebVTT subtitles",
    "image/png": "a PNG image",
    "image/jpeg": "a JPEG image",
    "application/pdf": "a PDF",
    "application/zip": "a ZIP archive",
    "text/plain": "plain text",
}


def content_problem(mime_type: str, head: bytes) -> str | None:
    """Why the first bytes of a file do not match the type it is declared as (None when they
    do). The signatures of the few types UPLOAD_TYPES admits are part of the wire contract, so
    the app refuses a file at import, offline, by the same rule the server applies when the
    upload completes: a web page named .txt or random bytes named .mp4 never become a lesson's
    file. A mismatch that a whole-file decoder would find (a truncated video) is the player's
    to report."""
    ok: bool
    if mime_type in ("video/mp4", "video/quicktime"):
        ok = head[4:8] in _ISO_MEDIA_BOXES
    elif mime_type == "video/webm":
        ok = head.startswith(b"\x1a\x45\xdf\xa3")
    elif mime_type == "image/png":
        ok = head.startswith(b"\x89PNG\r\n\x1a\n")
    elif mime_type == "image/jpeg":
        ok = head.startswith(b"\xff\xd8\xff")
    elif mime_type == "application/pdf":
        ok = b"%PDF-" in head[:1024]
    elif mime_type == "application/zip":
        ok = head[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
    elif mime_type == "text/vtt":
        text = head.removeprefix(b"\xef\xbb\xbf")
        ok = text.startswith(b"WEBVTT") and text[6:7] in (b"", b" ", b"\t", b"\n", b"\r")
    elif mime_type == "text/plain":
        return _text_problem(head)
    else:
        return "This kind of file cannot be uploaded."
    return None if ok else f"The file's content is not {_KIND_WORDS[mime_type]}."


def _text_problem(head: bytes) -> str | None:
    # Any 8-bit encoding is text (a Windows-1252 note is fine); binary files hold NUL bytes.
    if b"\x00" in head:
        return "The file's content is not plain text."
    start = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n").lower()
    if start.encode().startswith(_MARKUP):
        return "The file is a web page or markup, not plain text."
    return None


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

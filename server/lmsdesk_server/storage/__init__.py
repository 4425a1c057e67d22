"""Where media bytes live (DESIGN.md section 12): one interface, a folder on this host (the
default) or S3-compatible object storage shared by every host. Keys are made by the server
(`uploads/<owner>/<asset>.mp4`, `avatars/...`, a sha256), never taken from a request."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit


class MediaStore(Protocol):
    #: For logs and `lmsdesk-server` messages: where the bytes go.
    description: str

    def put(self, key: str, data: bytes) -> None:
        """Store a whole (small) object: a picture, a demo file."""

    def put_file(self, key: str, path: Path) -> None:
        """Store a file of any size from disk (a restore), without reading it into memory."""

    def size(self, key: str) -> int | None:
        """The object's size, or None when it is not there."""

    def read(self, key: str, first: int = 0, last: int | None = None) -> Iterator[bytes]:
        """Bytes first..last (inclusive; None: to the end), in pieces."""

    def delete(self, key: str) -> None: ...

    def object_keys(self) -> Iterator[str]:
        """Every stored object (not unfinished uploads)."""

    def keys_before(self, cutoff: datetime) -> Iterator[str]:
        """Stored objects last written before `cutoff` (for garbage collection)."""

    # Resumable uploads: the caller holds the asset's row lock, so one chunk at a time.
    def received(self, key: str) -> int:
        """How many bytes of the unfinished upload to `key` are stored."""

    def append(self, key: str, data: bytes, *, total: int) -> None:
        """The next chunk, at exactly `received(key)`; `total` is the announced size."""

    def complete(self, key: str) -> str:
        """Make the upload the object at `key`; the sha256 of what was stored."""

    def discard(self, key: str) -> None:
        """Forget an unfinished upload (a damaged file is sent again from the start)."""


def open_store(url: str | None, default_dir: Path) -> MediaStore:
    """`file:///path` (default: the data dir's media/) or `s3://bucket?endpoint=URL&region=R
    &prefix=P`; S3 credentials come from the usual AWS variables or files."""
    from lmsdesk_server.storage.filesystem import FileStore

    if not url:
        return FileStore(default_dir)
    parts = urlsplit(url)
    if parts.scheme == "file":
        return FileStore(Path(parts.path))
    if parts.scheme == "s3":
        from lmsdesk_server.storage.s3 import S3Store

        if not parts.netloc:
            raise ValueError(f"LMSDESK_MEDIA_STORE={url!r} names no bucket (s3://bucket?...)")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return S3Store(
            parts.netloc,
            endpoint=query.get("endpoint"),
            region=query.get("region"),
            prefix=query.get("prefix", ""),
        )
    raise ValueError(
        f"LMSDESK_MEDIA_STORE={url!r}: use file:///path or s3://bucket?endpoint=URL&region=R"
    )

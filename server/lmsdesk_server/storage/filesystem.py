"""Media in a folder of this host: the single-box default. Each write lands under a temporary
name, is flushed to disk, then renamed into place, so a crash leaves no half-written object."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

PIECE = 1 << 20


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.description = f"file://{root}"

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()) or key.startswith("partial/"):
            raise ValueError(f"not a media key: {key!r}")
        return path

    def _partial(self, key: str) -> Path:
        return self.root / "partial" / (key.replace("/", "__") + ".part")

    def put(self, key: str, data: bytes) -> None:
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        part = final.with_name(final.name + ".part")
        with part.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, final)

    def put_file(self, key: str, path: Path) -> None:
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        part = final.with_name(final.name + ".part")
        shutil.copyfile(path, part)
        with part.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(part, final)

    def size(self, key: str) -> int | None:
        path = self._path(key)
        return path.stat().st_size if path.is_file() else None

    def read(self, key: str, first: int = 0, last: int | None = None) -> Iterator[bytes]:
        with self._path(key).open("rb") as data:
            data.seek(first)
            left = None if last is None else last - first + 1
            while left is None or left > 0:
                piece = data.read(PIECE if left is None else min(PIECE, left))
                if not piece:
                    return
                if left is not None:
                    left -= len(piece)
                yield piece

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def object_keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            relative = path.relative_to(self.root).as_posix()
            if (
                path.is_file()
                and not relative.startswith("partial/")
                and not relative.endswith(".part")
            ):
                yield relative

    def keys_before(self, cutoff: datetime) -> Iterator[str]:
        for key in self.object_keys():
            modified = datetime.fromtimestamp((self.root / key).stat().st_mtime, UTC)
            if modified < cutoff:
                yield key

    def received(self, key: str) -> int:
        part = self._partial(key)
        return part.stat().st_size if part.exists() else 0

    def append(self, key: str, data: bytes, *, total: int) -> None:  # noqa: ARG002 - S3 needs it
        part = self._partial(key)
        part.parent.mkdir(parents=True, exist_ok=True)
        with part.open("ab") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())

    def complete(self, key: str) -> str:
        part = self._partial(key)
        digest = hashlib.sha256()
        with part.open("rb") as data:
            while piece := data.read(PIECE):
                digest.update(piece)
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(part, final)
        return digest.hexdigest()

    def discard(self, key: str) -> None:
        self._partial(key).unlink(missing_ok=True)

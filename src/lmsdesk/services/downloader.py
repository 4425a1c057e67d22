"""Moves the bytes of queued downloads: resumable (HTTP Range from the size of `<file>.part`),
verified (sha256 before the file counts), interruptible (pause, cancel, quit) between chunks.

Runs on the download lane, one file at a time; its row updates are short transactions. Network
loss leaves the file queued with its bytes kept, and the run ends: the caller starts a new run
when the connection returns.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from lmsdesk.local_db.models.client import DownloadState
from lmsdesk.services.download_queue import DownloadError, DownloadQueue, FileJob
from lmsdesk.services.session import NotSignedIn, SessionService
from lmsdesk.sync.api_client import ApiClient, ApiRejected, ServerUnreachable
from lmsdesk.sync.auth_session import SessionEnded

_log = logging.getLogger(__name__)
S = DownloadState
CHUNK_BYTES = 256 * 1024
#: How often progress is reported: often enough for a smooth bar, rare enough to be free.
REPORT_EVERY_S = 0.2
WRITEBACK_BYTES = 16 * 1024 * 1024
WAITING_FOR_CONNECTION = "Waiting for the connection to come back."


@dataclass(frozen=True)
class TransferProgress:
    course_id: uuid.UUID
    asset_id: uuid.UUID
    bytes_done: int
    bytes_total: int
    bytes_per_second: float
    resumed_from: int = 0  # the byte this request started at (0: from the beginning)

    @property
    def seconds_left(self) -> float | None:
        if self.bytes_per_second <= 0:
            return None
        return (self.bytes_total - self.bytes_done) / self.bytes_per_second


@dataclass(frozen=True)
class RunOutcome:
    files_done: int
    files_failed: int
    offline: bool


class _Interrupted(Exception):
    pass


class Downloader:
    def __init__(
        self,
        session: SessionService,
        queue: DownloadQueue,
        *,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self._session = session
        self._queue = queue
        self._chunk_bytes = chunk_bytes
        self._stop = threading.Event()
        self._interrupt: set[uuid.UUID] = set()
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- any thread
    def interrupt_course(self, course_id: uuid.UUID) -> None:
        """Stop the course's file in flight at the next chunk (pause, cancel, delete)."""
        with self._lock:
            self._interrupt.add(course_id)

    def stop(self) -> None:
        """Quit: the file in flight keeps its bytes and its queued state for next time."""
        self._stop.set()

    # ---------------------------------------------------------------- download lane
    def run(self, report: Callable[[TransferProgress], None]) -> RunOutcome:
        done = failed = 0
        self._stop.clear()
        while not self._stop.is_set():
            job = self._queue.next_job()
            if job is None:
                break
            with self._lock:
                self._interrupt.discard(job.course_id)
            try:
                self._transfer(job, report)
            except _Interrupted:
                if self._stop.is_set():
                    self._queue.finish(job, S.QUEUED)
                continue  # paused or cancelled: the row already says so
            except ServerUnreachable:
                self._queue.finish(job, S.QUEUED, error=WAITING_FOR_CONNECTION)
                return RunOutcome(done, failed, offline=True)
            except (DownloadError, ApiRejected, SessionEnded, NotSignedIn, OSError) as exc:
                failed += 1
                self._queue.finish(job, S.FAILED, error=_message(exc))
                continue
            done += 1
        return RunOutcome(done, failed, offline=False)

    def _transfer(self, job: FileJob, report: Callable[[TransferProgress], None]) -> None:
        part = job.path.with_name(job.path.name + ".part")
        part.parent.mkdir(parents=True, exist_ok=True)
        digest = self._session.api_call(
            lambda api, token: self._fetch(api, token, job, part, report)
        )
        if self._should_stop(job) or not self._queue.finish(job, S.VERIFYING):
            raise _Interrupted  # paused, cancelled or deleted as the last bytes arrived
        if digest != job.sha256:
            part.unlink(missing_ok=True)
            raise DownloadError(
                "The downloaded file was damaged on the way (its checksum does not match). "
                "Its bytes were discarded; download it again."
            )
        os.replace(part, job.path)
        self._queue.finish(job, S.DONE)
        _log.info("Downloaded %s (%d bytes)", job.path.name, job.size_bytes)

    def _fetch(
        self,
        api: ApiClient,
        token: str,
        job: FileJob,
        part: Path,
        report: Callable[[TransferProgress], None],
    ) -> str:
        """Fetch the missing bytes into `part`; returns the sha256 of the whole file, hashed as
        the bytes arrive (the kept bytes first), so verifying costs no second read."""
        start = part.stat().st_size if part.exists() else 0
        if start > job.size_bytes:
            start = 0  # not this file's bytes: start over
        elif start == job.size_bytes:
            return _sha256_of(part)  # every byte is here already
        self._queue.check_space(job.size_bytes - start)
        with api.open_media(
            token, job.asset_id, start=start, etag=job.sha256, chunk_bytes=self._chunk_bytes
        ) as stream:
            resuming = stream.offset == start and start > 0
            digest = _sha256_prefix(part, start) if resuming else hashlib.sha256()
            meter = _Meter(job, stream.offset, report)
            with part.open("r+b" if resuming else "wb") as sink, _Writeback(sink) as writeback:
                sink.seek(stream.offset)
                for chunk in stream.chunks:
                    sink.write(chunk)
                    digest.update(chunk)
                    meter.add(len(chunk))
                    writeback.wrote(len(chunk))
                    if self._should_stop(job):
                        raise _Interrupted
                sink.truncate()
            meter.flush()
        return digest.hexdigest()

    def _should_stop(self, job: FileJob) -> bool:
        with self._lock:
            return self._stop.is_set() or job.course_id in self._interrupt


class _Meter:
    """Progress with a speed over the last few seconds, reported a few times a second."""

    def __init__(
        self, job: FileJob, offset: int, report: Callable[[TransferProgress], None]
    ) -> None:
        self._job, self._report = job, report
        self.done = self._offset = offset
        self._window: list[tuple[float, int]] = [(time.monotonic(), offset)]
        self._last_report = 0.0

    def add(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self._last_report >= REPORT_EVERY_S:
            self._window = [(t, b) for t, b in self._window if now - t <= 3.0] + [(now, self.done)]
            self._last_report = now
            self.flush()

    def flush(self) -> None:
        (t0, b0), (t1, b1) = self._window[0], self._window[-1]
        speed = (b1 - b0) / (t1 - t0) if t1 > t0 else 0.0
        self._report(
            TransferProgress(
                self._job.course_id,
                self._job.asset_id,
                self.done,
                self._job.size_bytes,
                speed,
                self._offset,
            )
        )


def _sha256_prefix(path: Path, length: int) -> Any:
    """A sha256 fed with the first `length` bytes of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while length > 0 and (block := source.read(min(1024 * 1024, length))):
            digest.update(block)
            length -= len(block)
    return digest


def _sha256_of(path: Path) -> str:
    return str(_sha256_prefix(path, path.stat().st_size).hexdigest())


class _Writeback:
    """Durable bytes without a long stall at the end: every WRITEBACK_BYTES the file is synced
    on a helper thread while the download goes on (fsync releases the GIL), so the final sync,
    before the file is moved into place, has little left to write. On leaving, even through
    an interruption, the bytes on disk are synced: they are the resume point."""

    def __init__(self, sink: BinaryIO) -> None:
        self._sink = sink
        self._unsynced = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lmsdesk-fsync")
        self._pending: Future[None] | None = None

    def __enter__(self) -> _Writeback:
        return self

    def wrote(self, count: int) -> None:
        self._unsynced += count
        if self._unsynced >= WRITEBACK_BYTES and (self._pending is None or self._pending.done()):
            self._sink.flush()
            self._pending = self._pool.submit(os.fdatasync, self._sink.fileno())
            self._unsynced = 0

    def __exit__(self, *_exc: object) -> None:
        if self._pending is not None:
            self._pending.result()
        self._pool.shutdown()
        self._sink.flush()
        os.fsync(self._sink.fileno())


def _message(exc: BaseException) -> str:
    if isinstance(exc, DownloadError | ApiRejected):
        return exc.message
    if isinstance(exc, OSError):
        return f"Could not write the file: {exc.strerror or exc}."
    return "Sign in again to download."

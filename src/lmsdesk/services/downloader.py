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
from dataclasses import dataclass
from pathlib import Path

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
WAITING_FOR_CONNECTION = "Waiting for the connection to come back."


@dataclass(frozen=True)
class TransferProgress:
    course_id: uuid.UUID
    asset_id: uuid.UUID
    bytes_done: int
    bytes_total: int
    bytes_per_second: float

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
        self._session.api_call(lambda api, token: self._fetch(api, token, job, part, report))
        if self._should_stop(job) or not self._queue.finish(job, S.VERIFYING):
            raise _Interrupted  # paused, cancelled or deleted as the last bytes arrived
        if _sha256_of(part) != job.sha256:
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
    ) -> None:
        start = part.stat().st_size if part.exists() else 0
        if start > job.size_bytes:
            start = 0  # not this file's bytes: start over
        elif start == job.size_bytes:
            return  # every byte is here; verification decides
        self._queue.check_space(job.size_bytes - start)
        with api.open_media(token, job.asset_id, start=start, etag=job.sha256,
                            chunk_bytes=self._chunk_bytes) as stream:  # fmt: skip
            mode = "ab" if stream.offset == start and start > 0 else "wb"
            meter = _Meter(job, stream.offset, report)
            with part.open(mode) as sink:
                for chunk in stream.chunks:
                    sink.write(chunk)
                    meter.add(len(chunk))
                    if self._should_stop(job):
                        sink.flush()
                        os.fsync(sink.fileno())
                        raise _Interrupted
                sink.flush()
                os.fsync(sink.fileno())
            meter.flush()

    def _should_stop(self, job: FileJob) -> bool:
        with self._lock:
            return self._stop.is_set() or job.course_id in self._interrupt


class _Meter:
    """Progress with a speed over the last few seconds, reported a few times a second."""

    def __init__(
        self, job: FileJob, offset: int, report: Callable[[TransferProgress], None]
    ) -> None:
        self._job, self._report = job, report
        self.done = offset
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
        self._report(TransferProgress(self._job.course_id, self._job.asset_id, self.done,
                                      self._job.size_bytes, speed))  # fmt: skip


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _message(exc: BaseException) -> str:
    if isinstance(exc, DownloadError | ApiRejected):
        return exc.message
    if isinstance(exc, OSError):
        return f"Could not write the file: {exc.strerror or exc}."
    return "Sign in again to download."

"""Downloading a course's media from the real server: resumes at the byte where the network
dropped, verifies the checksum, refuses to start without disk space, pauses and cancels."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from sqlalchemy import update

from lmsdesk.local_db.models.client import Download, DownloadState
from lmsdesk.services.download_queue import DownloadError, DownloadQueue
from lmsdesk.services.downloader import WAITING_FOR_CONNECTION, Downloader, TransferProgress
from lmsdesk.services.purchases import PurchaseService
from lmsdesk.services.session import SessionService
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.sync.api_client import ApiClient, MediaStream
from lmsdesk_server.demo.seed import demo_id
from lmsdesk_server.resources import resources_dir
from tests.support.network import CuttableLink

FREE = demo_id("course:offline-first-basics")
PAID = demo_id("course:practical-sqlite")
VIDEO = demo_id("asset:welcome.mp4")
SUBTITLES = demo_id("asset:welcome.vtt")
VIDEO_BYTES = (resources_dir() / "demo" / "welcome.mp4").read_bytes()
PLENTY = 10**12


@pytest.fixture
def enrolled(student: SessionService) -> SessionService:
    PurchaseService(student).enroll_free(FREE)
    SyncService(student).sync()
    return student


def _queue(service: SessionService, free_bytes: int = PLENTY) -> DownloadQueue:
    assert service.store is not None
    assert service.account_dir is not None
    return DownloadQueue(
        service.store, service.account_dir / "media", free_bytes=lambda _path: free_bytes
    )


@pytest.fixture
def starts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The byte each media request asked to start at."""
    asked: list[int] = []
    original = ApiClient.open_media

    def recording(
        self: ApiClient, *args: Any, **kwargs: Any
    ) -> AbstractContextManager[MediaStream]:
        asked.append(kwargs["start"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ApiClient, "open_media", recording)
    return asked


def _when(
    condition: Callable[[TransferProgress], bool], action: Callable[[], None]
) -> Callable[[TransferProgress], None]:
    fired: list[bool] = []

    def report(progress: TransferProgress) -> None:
        if not fired and condition(progress):
            fired.append(True)
            action()

    return report


def _row(service: SessionService, asset_id: uuid.UUID) -> Download:
    assert service.store is not None
    with service.store.reading() as session:
        return session.get_one(Download, (FREE, asset_id))


def test_a_course_downloads_whole_and_verified(enrolled: SessionService) -> None:
    queue = _queue(enrolled)
    queue.queue_course(FREE)
    outcome = Downloader(enrolled, queue).run(lambda _p: None)
    assert (outcome.files_done, outcome.files_failed, outcome.offline) == (2, 0, False)
    video = queue.local_file(VIDEO)
    assert video is not None
    assert video.read_bytes() == VIDEO_BYTES
    assert queue.local_file(SUBTITLES) is not None
    summary = queue.overview()[FREE]
    assert summary.complete
    assert summary.state is DownloadState.DONE
    assert summary.bytes_done == summary.bytes_total > len(VIDEO_BYTES)
    assert not list((enrolled.account_dir / "media").rglob("*.part"))  # type: ignore[operator]


def test_a_dropped_connection_resumes_at_the_byte_where_it_stopped(
    enrolled: SessionService, link: CuttableLink, starts: list[int]
) -> None:
    queue = _queue(enrolled)
    queue.queue_course(FREE, lesson_id=demo_id("offline-first-basics:video"))
    downloader = Downloader(enrolled, queue, chunk_bytes=16 * 1024)
    link.slow_down(1_000_000)
    cut_at = _when(lambda p: p.bytes_done >= 400_000, link.cut)
    first = downloader.run(cut_at)

    assert first.offline
    row = _row(enrolled, VIDEO)
    assert row.state is DownloadState.QUEUED
    assert row.error == WAITING_FOR_CONNECTION
    part = enrolled.account_dir / "media" / (row.relative_path + ".part")  # type: ignore[operator]
    kept = part.stat().st_size
    assert 400_000 <= kept < len(VIDEO_BYTES)

    link.restore()
    seen: list[int] = []
    second = downloader.run(lambda p: seen.append(p.bytes_done))
    assert second.files_done == 1
    assert seen[0] > kept, "the server sent only the missing bytes"
    assert starts == [0, 0, kept], "subtitles, video; then the video from its kept bytes"
    assert queue.local_file(VIDEO).read_bytes() == VIDEO_BYTES  # type: ignore[union-attr]


def test_a_checksum_mismatch_discards_the_bytes_and_says_so(enrolled: SessionService) -> None:
    queue = _queue(enrolled)
    queue.queue_course(FREE)
    assert enrolled.store is not None
    with enrolled.store.transaction() as session:
        session.execute(update(Download).where(Download.asset_id == VIDEO).values(sha256="0" * 64))
    outcome = Downloader(enrolled, queue).run(lambda _p: None)
    assert (outcome.files_done, outcome.files_failed) == (1, 1)
    row = _row(enrolled, VIDEO)
    assert row.state is DownloadState.FAILED
    assert row.error is not None
    assert "checksum" in row.error
    assert queue.local_file(VIDEO) is None
    assert not list((enrolled.account_dir / "media").rglob("*.mp4*"))  # type: ignore[operator]


def test_no_disk_space_refuses_to_start_and_queues_nothing(enrolled: SessionService) -> None:
    queue = _queue(enrolled, free_bytes=50 * 1024 * 1024)
    with pytest.raises(DownloadError, match=r"Not enough disk space: this download needs 1\.5 MB"):
        queue.queue_course(FREE)
    assert queue.overview() == {}


def test_only_enrolled_courses_download(student: SessionService) -> None:
    SyncService(student).sync()
    with pytest.raises(DownloadError, match="enrolled"):
        _queue(student).queue_course(PAID)


def _interrupted_midway(
    service: SessionService,
    link: CuttableLink,
    at_byte: int,
    action: Callable[[DownloadQueue, uuid.UUID], None],
) -> tuple[DownloadQueue, Downloader]:
    """Download the video lesson over a slow link and, past `at_byte`, do what the buttons do:
    interrupt the transfer, then pause or cancel the course."""
    link.slow_down(1_000_000)
    queue = _queue(service)
    queue.queue_course(FREE, lesson_id=demo_id("offline-first-basics:video"))
    downloader = Downloader(service, queue, chunk_bytes=16 * 1024)

    def interrupt() -> None:
        downloader.interrupt_course(FREE)
        action(queue, FREE)

    downloader.run(_when(lambda p: p.bytes_done >= at_byte, interrupt))
    return queue, downloader


def test_pause_keeps_the_bytes_and_resume_finishes(
    enrolled: SessionService, starts: list[int], link: CuttableLink
) -> None:
    queue, downloader = _interrupted_midway(enrolled, link, 300_000, DownloadQueue.pause_course)
    assert _row(enrolled, VIDEO).state is DownloadState.PAUSED
    assert downloader.run(lambda _p: None).files_done == 0, "a paused file is not picked up"

    queue.resume_course(FREE)
    assert downloader.run(lambda _p: None).files_done == 1
    assert starts[-1] >= 300_000, "resumed from the kept bytes"
    assert queue.local_file(VIDEO).read_bytes() == VIDEO_BYTES  # type: ignore[union-attr]


def test_cancel_throws_the_partial_bytes_away(enrolled: SessionService, link: CuttableLink) -> None:
    _interrupted_midway(enrolled, link, 200_000, DownloadQueue.cancel_course)
    queue = _queue(enrolled)
    assert _row(enrolled, VIDEO).state is DownloadState.CANCELLED
    left = queue.overview()[FREE]
    assert (left.files_total, left.bytes_total) == (1, 451), "only the finished subtitles count"
    assert not list((enrolled.account_dir / "media").rglob("*.part"))  # type: ignore[operator]


def test_a_stale_partial_file_is_replaced_not_extended(enrolled: SessionService) -> None:
    queue = _queue(enrolled)
    queue.queue_course(FREE, lesson_id=demo_id("offline-first-basics:video"))
    row = _row(enrolled, VIDEO)
    part = enrolled.account_dir / "media" / (row.relative_path + ".part")  # type: ignore[operator]
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(b"x" * (len(VIDEO_BYTES) + 10))  # longer than the file: not its bytes
    assert Downloader(enrolled, queue).run(lambda _p: None).files_done == 2
    video = queue.local_file(VIDEO)
    assert video is not None
    assert hashlib.sha256(video.read_bytes()).hexdigest() == row.sha256


def test_a_file_cut_by_a_crash_goes_back_in_the_queue_with_its_bytes(
    enrolled: SessionService, starts: list[int]
) -> None:
    queue = _queue(enrolled)
    queue.queue_course(FREE, lesson_id=demo_id("offline-first-basics:video"))
    job = queue.next_job()  # claimed, then the process was killed
    while job is not None and job.asset_id != VIDEO:
        queue.finish(job, DownloadState.QUEUED)
        job = queue.next_job()
    assert job is not None
    part = job.path.with_name(job.path.name + ".part")
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(VIDEO_BYTES[:300_000])
    assert Downloader(enrolled, queue).run(lambda _p: None).files_done <= 1
    assert _row(enrolled, VIDEO).state is DownloadState.DOWNLOADING, "stuck until recovered"

    assert queue.recover_interrupted() == 1
    assert Downloader(enrolled, queue).run(lambda _p: None).files_done == 1
    assert 300_000 in starts, "resumed from the bytes the crash left"
    assert queue.local_file(VIDEO).read_bytes() == VIDEO_BYTES  # type: ignore[union-attr]

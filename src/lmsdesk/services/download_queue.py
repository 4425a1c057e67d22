"""The download queue as stored: which media files of which course, in what state.

Downloads state machine (every change goes through `move`):

    queued      -> downloading | paused | cancelled
    downloading -> verifying | queued (connection lost: retried on reconnect) | paused | failed
                   | cancelled
    verifying   -> done | failed (checksum mismatch: the bytes are discarded) | queued (crash)
    paused      -> queued | cancelled
    failed      -> queued | cancelled
    cancelled   -> queued
    done        -> (row removed with the course's media)

The bytes already on disk (`<file>.part`) are the resume point, so a crash, a quit or a sleeping
laptop never needs a row write per chunk. Blocking: call on the database lane.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from lmsdesk.contracts.enums import EnrollmentStatus
from lmsdesk.local_db.engine import LocalStore
from lmsdesk.local_db.models.client import Download, DownloadState
from lmsdesk.local_db.models.mirror import Enrollment, Lesson, LessonResource, MediaAsset
from lmsdesk.services.errors import UserFacingError

S = DownloadState
TRANSITIONS: dict[DownloadState, frozenset[DownloadState]] = {
    S.QUEUED: frozenset({S.DOWNLOADING, S.PAUSED, S.CANCELLED}),
    S.DOWNLOADING: frozenset({S.VERIFYING, S.QUEUED, S.PAUSED, S.FAILED, S.CANCELLED}),
    S.VERIFYING: frozenset({S.DONE, S.FAILED, S.QUEUED}),
    S.PAUSED: frozenset({S.QUEUED, S.CANCELLED}),
    S.FAILED: frozenset({S.QUEUED, S.CANCELLED}),
    S.CANCELLED: frozenset({S.QUEUED}),
    S.DONE: frozenset(),
}
_RESTARTABLE = frozenset({S.PAUSED, S.FAILED, S.CANCELLED})
#: Room left free on the drive after a download: a full disk breaks far more than this app.
DISK_RESERVE_BYTES = 200 * 1024 * 1024
_EXTENSIONS = {
    "video/mp4": ".mp4",
    "text/vtt": ".vtt",
    "application/x-subrip": ".srt",
    "application/pdf": ".pdf",
    "video/webm": ".webm",
}


class DownloadError(UserFacingError):
    """The download cannot start or go on; `message` is written for the user."""


def move(row: Download, target: DownloadState, *, error: str | None = None) -> bool:
    """Apply a transition if the machine allows it; returns whether it happened."""
    if target is not row.state and target not in TRANSITIONS[row.state]:
        return False
    row.state, row.error, row.updated_at = target, error, datetime.now(UTC)
    return True


@dataclass(frozen=True)
class CourseDownloads:
    """A course's media on this computer, summed over its files."""

    course_id: uuid.UUID
    files_total: int
    files_done: int
    bytes_total: int
    bytes_done: int
    state: DownloadState | None  # None: nothing requested
    error: str | None

    @property
    def complete(self) -> bool:
        return self.files_total > 0 and self.files_done == self.files_total


@dataclass(frozen=True)
class FileJob:
    course_id: uuid.UUID
    asset_id: uuid.UUID
    path: Path
    size_bytes: int
    sha256: str


def human_bytes(count: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    raise AssertionError("unreachable")


class DownloadQueue:
    def __init__(
        self,
        store: LocalStore,
        media_root: Path,
        *,
        free_bytes: Callable[[Path], int] | None = None,
    ) -> None:
        self._store = store
        self.root = media_root
        self._free_bytes = free_bytes or _free_bytes

    # ---------------------------------------------------------------- requests
    def queue_course(self, course_id: uuid.UUID, lesson_id: uuid.UUID | None = None) -> None:
        """Queue every media file of the course (or of one lesson). Raises DownloadError, and
        changes nothing, if the course is not enrolled or the drive lacks room."""
        with self._store.transaction() as session:
            if not _enrolled(session, course_id):
                raise DownloadError("Only courses you are enrolled in can be downloaded.")
            wanted = course_media(session, course_id, lesson_id)
            if not wanted:
                raise DownloadError("This has no media to download.")
            rows = {r.asset_id: r for r in _rows(session, course_id)}
            needed = sum(a.size_bytes - self._on_disk(course_id, a) for a in wanted.values())
            self.check_space(needed)
            for asset_id, asset in wanted.items():
                row = rows.get(asset_id)
                if row is None:
                    session.add(self._new_row(course_id, asset, lesson_id))
                elif row.state in _RESTARTABLE:
                    move(row, S.QUEUED)

    def check_space(self, needed: int) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        free = self._free_bytes(self.root)
        if needed > 0 and needed + DISK_RESERVE_BYTES > free:
            raise DownloadError(
                f"Not enough disk space: this download needs {human_bytes(needed)} and only "
                f"{human_bytes(max(free - DISK_RESERVE_BYTES, 0))} can be used on this drive. "
                "Free some space, then try again."
            )

    def pause_course(self, course_id: uuid.UUID) -> None:
        self._move_all(course_id, DownloadState.PAUSED)

    def resume_course(self, course_id: uuid.UUID) -> None:
        with self._store.transaction() as session:
            for row in _rows(session, course_id):
                if row.state in _RESTARTABLE:
                    move(row, S.QUEUED)

    def cancel_course(self, course_id: uuid.UUID) -> None:
        """Stop and throw away the partial bytes; finished files stay."""
        self._move_all(course_id, DownloadState.CANCELLED)
        for part in self.root.glob(f"{course_id}/*.part"):
            part.unlink(missing_ok=True)

    def recover_interrupted(self) -> int:
        """After a crash or a kill: files left downloading or verifying go back in the queue
        (their bytes are kept). Call before a run starts, never during one."""
        with self._store.transaction() as session:
            stuck = session.scalars(
                select(Download).where(Download.state.in_([S.DOWNLOADING, S.VERIFYING]))
            ).all()
            return sum(move(row, S.QUEUED) for row in stuck)

    # ---------------------------------------------------------------- the worker's side
    def next_job(self) -> FileJob | None:
        """Claim the oldest queued file, small ones first among equals: subtitles are ready
        before the video they belong to (queued -> downloading)."""
        with self._store.transaction() as session:
            row = session.scalars(
                select(Download)
                .where(Download.state == S.QUEUED)
                .order_by(Download.updated_at, Download.size_bytes)
            ).first()
            if row is None:
                return None
            move(row, S.DOWNLOADING)
            return FileJob(
                row.course_id,
                row.asset_id,
                self.root / row.relative_path,
                row.size_bytes,
                row.sha256,
            )

    def finish(self, job: FileJob, target: DownloadState, *, error: str | None = None) -> bool:
        """Move the job's row on; False if the machine refuses (the user paused or cancelled
        it meanwhile) or the row is gone (the course's media were deleted)."""
        with self._store.transaction() as session:
            row = session.get(Download, (job.course_id, job.asset_id))
            if row is None or not move(row, target, error=error):
                return False
            if target is S.DONE:
                row.bytes_done = row.size_bytes
            return True

    def state_of(self, job: FileJob) -> DownloadState | None:
        with self._store.reading() as session:
            row = session.get(Download, (job.course_id, job.asset_id))
            return row.state if row else None

    # ---------------------------------------------------------------- reading
    def overview(self) -> dict[uuid.UUID, CourseDownloads]:
        with self._store.reading() as session:
            rows = session.scalars(select(Download)).all()
        by_course: dict[uuid.UUID, list[Download]] = {}
        for row in rows:
            by_course.setdefault(row.course_id, []).append(row)
        return {c: self._summary(c, rs) for c, rs in by_course.items()}

    def local_file(self, asset_id: uuid.UUID) -> Path | None:
        """A finished, verified copy of the asset, from whichever course downloaded it."""
        with self._store.reading() as session:
            row = session.scalars(
                select(Download).where(Download.asset_id == asset_id, Download.state == S.DONE)
            ).first()
        if row is None:
            return None
        path = self.root / row.relative_path
        return path if path.is_file() else None

    # ---------------------------------------------------------------- pieces
    def _summary(self, course_id: uuid.UUID, rows: list[Download]) -> CourseDownloads:
        active = [r for r in rows if r.state is not S.CANCELLED]
        done = [r for r in active if r.state is S.DONE]
        state = _course_state([r.state for r in active])
        errors = [r.error for r in active if r.error]
        return CourseDownloads(
            course_id=course_id,
            files_total=len(active),
            files_done=len(done),
            bytes_total=sum(r.size_bytes for r in active),
            bytes_done=sum(
                r.size_bytes if r.state is S.DONE else self._part_size(r) for r in active
            ),
            state=state,
            error=errors[0] if errors else None,
        )

    def _part_size(self, row: Download) -> int:
        part = _part_path(self.root / row.relative_path)
        return part.stat().st_size if part.exists() else 0

    def _on_disk(self, course_id: uuid.UUID, asset: MediaAsset) -> int:
        final = self.root / _relative_path(course_id, asset)
        if final.exists():
            return asset.size_bytes
        part = _part_path(final)
        return part.stat().st_size if part.exists() else 0

    def _new_row(
        self, course_id: uuid.UUID, asset: MediaAsset, lesson_id: uuid.UUID | None
    ) -> Download:
        return Download(
            course_id=course_id,
            asset_id=asset.id,
            lesson_id=lesson_id,
            relative_path=_relative_path(course_id, asset),
            size_bytes=asset.size_bytes,
            bytes_done=0,
            sha256=asset.sha256,
            state=S.QUEUED,
            updated_at=datetime.now(UTC),
        )

    def _move_all(self, course_id: uuid.UUID, target: DownloadState) -> None:
        with self._store.transaction() as session:
            for row in _rows(session, course_id):
                move(row, target)


def _course_state(states: list[DownloadState]) -> DownloadState | None:
    """The state a person would name for the whole course."""
    for candidate in (S.DOWNLOADING, S.VERIFYING, S.QUEUED, S.FAILED, S.PAUSED, S.DONE):
        if candidate in states:
            return candidate
    return None


def _rows(session: Session, course_id: uuid.UUID) -> list[Download]:
    return list(session.scalars(select(Download).where(Download.course_id == course_id)))


def _enrolled(session: Session, course_id: uuid.UUID) -> bool:
    stmt = select(Enrollment.id).where(
        Enrollment.course_id == course_id, Enrollment.status == EnrollmentStatus.ACTIVE
    )
    return session.scalar(stmt) is not None


def course_media(
    session: Session, course_id: uuid.UUID, lesson_id: uuid.UUID | None
) -> dict[uuid.UUID, MediaAsset]:
    lessons = select(Lesson).where(Lesson.course_id == course_id)
    if lesson_id is not None:
        lessons = lessons.where(Lesson.id == lesson_id)
    found = list(session.scalars(lessons))
    ids = {i for lesson in found for i in (lesson.video_asset_id, lesson.subtitles_asset_id) if i}
    lesson_ids = [lesson.id for lesson in found]
    ids |= {
        a
        for a in session.scalars(
            select(LessonResource.asset_id).where(
                LessonResource.lesson_id.in_(lesson_ids), LessonResource.asset_id.is_not(None)
            )
        )
        if a is not None
    }
    assets = session.scalars(select(MediaAsset).where(MediaAsset.id.in_(ids)))
    return {a.id: a for a in assets}


def _relative_path(course_id: uuid.UUID, asset: MediaAsset) -> str:
    suffix = _EXTENSIONS.get(asset.mime_type) or PurePosixPath(asset.original_filename).suffix
    return f"{course_id}/{asset.id}{suffix[:10]}"


def _part_path(final: Path) -> Path:
    return final.with_name(final.name + ".part")


def _free_bytes(path: Path) -> int:
    return shutil.disk_usage(path).free

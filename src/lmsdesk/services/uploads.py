"""A lesson's video, subtitles or files, or a course's thumbnail, from the instructor's disk to
the server.

Import works offline: the file is copied under the account's media root (hashed on the way, its
length probed), and waits in `uploads`. When online, each waiting file is announced to the
server and sent in chunks from the offset the server reports, so a dropped connection or a
restart resumes instead of starting over. When the server has the whole file, the lesson (or
course) gets it through an ordinary synced change: `draft.attach_media`, `draft.add_file` or
`draft.set_thumbnail`. (`Upload.lesson_id` names the course for a thumbnail.)

Blocking: import on the io lane, run on the upload lane, queries on the database lane.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import mimetypes
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from lmsdesk.contracts import mutations as m
from lmsdesk.contracts.assignments import SubmitAssignmentArgs
from lmsdesk.contracts.authoring import AddFileArgs, AttachMediaArgs, SetThumbnailArgs
from lmsdesk.contracts.enums import MediaStatus
from lmsdesk.contracts.media import (
    RESOURCE_KINDS,
    SNIFF_BYTES,
    THUMBNAIL_KINDS,
    UPLOAD_TYPES,
    UploadStart,
    content_problem,
)
from lmsdesk.contracts.media import UploadState as ApiUploadState
from lmsdesk.local_db.models.client import Upload, UploadState
from lmsdesk.local_db.models.grading import SubmissionDraft
from lmsdesk.local_db.models.mirror import Course, Lesson
from lmsdesk.player.vlc_player import probe_video
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import SessionService
from lmsdesk.sync.api_client import ApiClient, ApiRejected, ServerUnreachable

_log = logging.getLogger(__name__)
CHUNK_BYTES = 8 * 1024 * 1024
#: The server's limit (ServerSettings.media_max_bytes by default), checked before copying.
MAX_BYTES = 4 * 1024**3
_EXTRA_TYPES = {".vtt": "text/vtt", ".mov": "video/quicktime", ".webm": "video/webm"}
#: upload kind -> (the file kinds it accepts, in words)
_ACCEPTS: dict[str, tuple[frozenset[str], str]] = {
    "video": (frozenset({"video"}), "an MP4, WebM or MOV video"),
    "subtitles": (frozenset({"subtitles"}), "a WebVTT (.vtt) file"),
    "thumbnail": (THUMBNAIL_KINDS, "a PNG or JPEG image"),
    "resource": (RESOURCE_KINDS, "a PDF, ZIP, text file or image"),
    # A student's work for an assignment (the lesson id names the assignment).
    "submission": (RESOURCE_KINDS, "a PDF, ZIP, text file or image"),
}
THUMBNAIL_MAX_BYTES = 10 * 1024 * 1024

#: (asset id, bytes the server has, size)
UploadProgress = Callable[[uuid.UUID, int, int], None]


class _Stopped(Exception):
    pass


class UploadRefused(UserFacingError):
    """The file cannot be used; `message` says why."""


@dataclass(frozen=True)
class UploadView:
    asset_id: uuid.UUID
    lesson_id: uuid.UUID
    kind: str
    filename: str
    size_bytes: int
    bytes_sent: int
    state: UploadState
    error: str | None


class UploadService:
    def __init__(self, session: SessionService, *, chunk_bytes: int = CHUNK_BYTES) -> None:
        self._session = session
        self._chunk_bytes = chunk_bytes
        self._stop = threading.Event()

    def stop(self) -> None:
        """Stop the file in flight before its next chunk (quitting); it resumes next time."""
        self._stop.set()

    def import_file(self, lesson_id: uuid.UUID, source: Path, kind: str) -> UploadView:
        """Copy a file in for a lesson (for a thumbnail: a course), offline too; it uploads
        when the app is online."""
        mime = _EXTRA_TYPES.get(source.suffix.lower()) or mimetypes.guess_type(source.name)[0]
        accepted, wanted = _ACCEPTS[kind]
        if mime is None or UPLOAD_TYPES.get(mime) not in accepted:
            raise UploadRefused(f"'{source.name}' is not {wanted}.")
        try:
            size = source.stat().st_size
        except OSError as exc:
            raise UploadRefused(f"'{source.name}' cannot be read: {exc.strerror}.") from exc
        if size == 0 or size > MAX_BYTES:
            raise UploadRefused(
                f"'{source.name}' is empty."
                if size == 0
                else f"'{source.name}' is larger than the 4 GB limit."
            )
        if kind == "thumbnail" and size > THUMBNAIL_MAX_BYTES:
            raise UploadRefused(
                f"'{source.name}' is larger than 10 MB; a thumbnail needs far "
                "less (1280×720 is plenty)."
            )
        try:
            with source.open("rb") as head:
                problem = content_problem(mime, head.read(SNIFF_BYTES))
        except OSError as exc:
            raise UploadRefused(f"'{source.name}' cannot be read: {exc.strerror}.") from exc
        if problem is not None:
            raise UploadRefused(f"'{source.name}' cannot be used. {problem}")
        duration = None
        if kind == "video":
            probe = probe_video(source)
            if probe.checked and not probe.playable:
                raise UploadRefused(
                    f"'{source.name}' cannot be played: "
                    + (
                        "it has no video track."
                        if probe.duration_seconds
                        else "it is damaged or not a video this app can read."
                    )
                    + " Export it again as MP4 (H.264) or WebM and import that."
                )
            duration = probe.duration_seconds
        asset_id = uuid.uuid4()
        relative = f"uploads/{asset_id}{source.suffix.lower()}"
        root = self._session.require_media_root()
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        try:
            with source.open("rb") as src, target.open("wb") as out:
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        except OSError as exc:
            target.unlink(missing_ok=True)
            raise UploadRefused(f"Could not copy '{source.name}': {exc.strerror}.") from exc
        with self._session.require_store().transaction() as session:
            owner = Course if kind == "thumbnail" else Lesson
            if session.get(owner, lesson_id) is None:
                target.unlink(missing_ok=True)
                raise UploadRefused(
                    f"That {'course' if kind == 'thumbnail' else 'lesson'} was deleted."
                )
            older_files = select(Upload).where(
                Upload.lesson_id == lesson_id, Upload.kind == kind, Upload.state != UploadState.DONE
            )
            for older in session.scalars(older_files) if kind != "resource" else ():
                (root / older.relative_path).unlink(missing_ok=True)
                session.delete(older)  # a newer file replaces one not yet sent
            upload = Upload(
                asset_id=asset_id,
                lesson_id=lesson_id,
                kind=kind,
                relative_path=relative,
                filename=source.name,
                mime_type=mime,
                size_bytes=size,
                sha256=digest.hexdigest(),
                duration_seconds=duration,
                bytes_sent=0,
                state=UploadState.QUEUED,
                updated_at=datetime.now(UTC),
            )
            session.add(upload)
            session.flush()
            return _view(upload)

    def for_lessons(
        self, lesson_ids: list[uuid.UUID], kind: str = "video"
    ) -> dict[uuid.UUID, UploadView]:
        """The newest upload of this kind for each lesson that has one."""
        with self._session.require_store().reading() as session:
            rows = session.scalars(
                select(Upload)
                .where(Upload.lesson_id.in_(lesson_ids), Upload.kind == kind)
                .order_by(Upload.updated_at)
            )
            return {row.lesson_id: _view(row) for row in rows}

    def run(self, progress: UploadProgress | None = None) -> int:
        """Send every waiting file; returns how many finished. Raises ServerUnreachable when
        the connection goes (what was sent is kept: the next run resumes)."""
        report = progress or (lambda _a, _d, _t: None)
        self._stop.clear()
        store = self._session.require_store()
        with store.transaction() as session:
            waiting = session.scalars(
                select(Upload).where(Upload.state.in_([UploadState.QUEUED, UploadState.UPLOADING]))
            ).all()
            jobs_data = [
                (
                    u.asset_id,
                    u.relative_path,
                    u.filename,
                    u.mime_type,
                    u.size_bytes,
                    u.sha256,
                    u.duration_seconds,
                    u.lesson_id,
                    u.kind,
                )
                for u in waiting
            ]
        with store.reading() as session:
            targets = [job[7] for job in jobs_data]
            alive = set(session.scalars(select(Lesson.id).where(Lesson.id.in_(targets))))
            alive |= set(session.scalars(select(Course.id).where(Course.id.in_(targets))))
        finished = 0
        for asset_id, relative, filename, mime, size, sha256, duration, lesson, kind in jobs_data:
            if lesson not in alive:  # deleted (or its course was) since the import
                self._settle(asset_id, UploadState.FAILED, error="Its lesson was deleted.")
                continue
            try:
                self._send(
                    asset_id,
                    self._session.require_media_root() / relative,
                    UploadStart(
                        asset_id=asset_id,
                        filename=filename,
                        mime_type=mime,
                        size_bytes=size,
                        sha256=sha256,
                        duration_seconds=duration,
                    ),
                    report,
                )
            except ApiRejected as exc:
                self._settle(asset_id, UploadState.FAILED, error=exc.message)
                continue
            except ServerUnreachable:
                self._settle(asset_id, UploadState.QUEUED)
                raise
            except _Stopped:
                self._settle(asset_id, UploadState.QUEUED)
                return finished
            self._attach(kind, lesson, asset_id, filename)
            self._settle(asset_id, UploadState.DONE, sent=size)
            finished += 1
        return finished

    def _attach(self, kind: str, target: uuid.UUID, asset_id: uuid.UUID, filename: str) -> None:
        """The server has the file: give it to its lesson or course (a synced change)."""
        engine = self._session.require_engine()
        if kind == "submission":
            self._hand_in_waiting(target, asset_id)
        elif kind == "thumbnail":
            engine.record(m.SET_THUMBNAIL, SetThumbnailArgs(course_id=target, asset_id=asset_id))
        elif kind == "resource":  # the resource takes the asset's id: one row per file
            args = AddFileArgs(
                lesson_id=target, resource_id=asset_id, title=filename[:200], asset_id=asset_id
            )
            engine.record(m.ADD_FILE, args)
        else:
            engine.record(
                m.ATTACH_MEDIA,
                AttachMediaArgs.model_validate(
                    {"lesson_id": target, "kind": kind, "asset_id": asset_id}
                ),
            )

    def _hand_in_waiting(self, lesson_id: uuid.UUID, asset_id: uuid.UUID) -> None:
        """Submit was pressed while this file was uploading: send the submission now."""
        with self._session.require_store().reading() as session:
            draft = session.get(SubmissionDraft, lesson_id)
            if draft is None or draft.file_asset_id != asset_id or draft.submitted_at is None:
                return  # still being written: Submit sends it
            args = SubmitAssignmentArgs(
                submission_id=draft.submission_id or uuid.uuid4(),
                lesson_id=lesson_id,
                text=draft.text or None,
                file_asset_id=asset_id,
                url=draft.url or None,
                submitted_at=draft.submitted_at,
            )
        self._session.require_engine().record(m.SUBMIT_ASSIGNMENT, args)

    def upload(self, asset_id: uuid.UUID) -> UploadView | None:
        with self._session.require_store().reading() as session:
            row = session.get(Upload, asset_id)
            return _view(row) if row is not None else None

    def pending_files(self, lesson_id: uuid.UUID) -> list[UploadView]:
        """A lesson's files not yet on the server (uploading, waiting, or failed)."""
        with self._session.require_store().reading() as session:
            rows = session.scalars(
                select(Upload)
                .where(
                    Upload.lesson_id == lesson_id,
                    Upload.kind == "resource",
                    Upload.state != UploadState.DONE,
                )
                .order_by(Upload.updated_at)
            )
            return [_view(row) for row in rows]

    def retry(self, asset_id: uuid.UUID) -> None:
        self._settle(asset_id, UploadState.QUEUED, error=None)

    def _send(
        self, asset_id: uuid.UUID, path: Path, start: UploadStart, report: UploadProgress
    ) -> None:
        state = self._session.api_call(lambda api, token: api.start_upload(token, start))
        self._settle(asset_id, UploadState.UPLOADING, sent=state.received_bytes)
        restarted = False
        with path.open("rb") as data:
            while state.status is not MediaStatus.READY:
                if state.status is MediaStatus.FAILED:
                    raise ApiRejected(422, "upload_failed", "The server refused this file.")
                if self._stop.is_set():
                    raise _Stopped
                offset = state.received_bytes
                report(asset_id, offset, start.size_bytes)
                data.seek(offset)
                chunk = data.read(self._chunk_bytes)
                try:
                    send = functools.partial(_chunk, asset_id=asset_id, offset=offset, data=chunk)
                    state = self._session.api_call(send)
                except ApiRejected as exc:
                    if exc.status_code == 409:  # we were behind or ahead: ask where it stands
                        state = self._session.api_call(
                            lambda api, token: api.upload_state(token, asset_id)
                        )
                    elif exc.code == "checksum_mismatch" and not restarted:
                        restarted = True  # damaged in transit: once more from the start
                        state = self._session.api_call(
                            lambda api, token: api.upload_state(token, asset_id)
                        )
                    else:
                        raise
                self._settle(asset_id, UploadState.UPLOADING, sent=state.received_bytes)
        report(asset_id, start.size_bytes, start.size_bytes)

    def _settle(
        self,
        asset_id: uuid.UUID,
        state: UploadState,
        *,
        sent: int | None = None,
        error: str | None = None,
    ) -> None:
        with self._session.require_store().transaction() as session:
            upload = session.get(Upload, asset_id)
            if upload is None:
                return
            upload.state, upload.error = state, error
            if sent is not None:
                upload.bytes_sent = sent
            upload.updated_at = datetime.now(UTC)


def _chunk(
    api: ApiClient, token: str, *, asset_id: uuid.UUID, offset: int, data: bytes
) -> ApiUploadState:
    return api.upload_chunk(token, asset_id, offset, data)


def _view(upload: Upload) -> UploadView:
    return UploadView(
        upload.asset_id,
        upload.lesson_id,
        upload.kind,
        upload.filename,
        upload.size_bytes,
        upload.bytes_sent,
        upload.state,
        upload.error,
    )

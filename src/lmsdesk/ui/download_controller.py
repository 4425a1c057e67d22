"""Downloads from the user's side: requests from My learning go to the queue on the database
lane; the bytes move on the download lane; progress comes back through a queued signal.

A run that lost the connection is started again when the app is back online, and every
30 s meanwhile; quitting stops the file in flight between two chunks, its bytes kept.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from lmsdesk.services.download_queue import DownloadError, DownloadQueue
from lmsdesk.services.downloader import Downloader, RunOutcome
from lmsdesk.services.media_library import MediaLibrary
from lmsdesk.services.session import NotSignedIn, SessionService
from lmsdesk.ui.tasks import Lane, TaskManager

_log = logging.getLogger(__name__)
RETRY_MS = 30_000


class DownloadController(QObject):
    #: Queue states changed (a request, a finished run): redraw My learning.
    changed = Signal()
    #: Bytes moved (TransferProgress), delivered on the UI thread.
    transferred = Signal(object)
    #: A request was refused; the text says why (no disk space, not enrolled).
    refused = Signal(str)

    def __init__(
        self,
        session: SessionService,
        tasks: TaskManager,
        *,
        free_bytes: Callable[..., int] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session, self._tasks = session, tasks
        self._free_bytes = free_bytes
        self._running: Downloader | None = None
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_MS)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.start)

    def queue(self) -> DownloadQueue:
        return DownloadQueue(
            self._session.require_store(),
            self._session.require_media_root(),
            free_bytes=self._free_bytes,
        )

    # ---------------------------------------------------------------- requests (UI thread)
    def download(self, course_id: uuid.UUID) -> None:
        self._request(lambda: self.queue().queue_course(course_id), start=True)

    def download_lesson(self, course_id: uuid.UUID, lesson_id: uuid.UUID) -> None:
        self._request(lambda: self.queue().queue_course(course_id, lesson_id), start=True)

    def pause(self, course_id: uuid.UUID) -> None:
        self._interrupt(course_id)
        self._request(lambda: self.queue().pause_course(course_id))

    def resume(self, course_id: uuid.UUID) -> None:
        self._request(lambda: self.queue().resume_course(course_id), start=True)

    def cancel(self, course_id: uuid.UUID) -> None:
        self._interrupt(course_id)
        self._request(lambda: self.queue().cancel_course(course_id))

    def delete(self, course_id: uuid.UUID) -> None:
        self._interrupt(course_id)

        def remove() -> None:
            store = self._session.require_store()
            MediaLibrary(store, store.path.parent).remove_course(course_id)

        self._request(remove)

    # ---------------------------------------------------------------- running
    def start(self) -> None:
        """Move the queued files, unless a run is already doing so."""
        if self._running is not None or self._session.store is None:
            return
        queue = self.queue()
        downloader = Downloader(self._session, queue)
        self._running = downloader

        def run() -> RunOutcome:
            queue.recover_interrupted()  # no other run exists: anything "downloading" was cut
            return downloader.run(self.transferred.emit)

        self._tasks.run(
            run, on_success=self._finished, on_failure=self._crashed, lane=Lane.DOWNLOAD
        )

    def stop(self) -> None:
        """Quitting or signing out: the file in flight keeps its bytes for next time."""
        self._retry.stop()
        if self._running is not None:
            self._running.stop()

    def _finished(self, outcome: RunOutcome) -> None:
        self._running = None
        self.changed.emit()
        if outcome.offline:
            self._retry.start()

    def _crashed(self, error: BaseException) -> None:
        self._running = None
        _log.error("download run failed", exc_info=error)
        self.changed.emit()

    def _interrupt(self, course_id: uuid.UUID) -> None:
        if self._running is not None:
            self._running.interrupt_course(course_id)

    def _request(self, op: Callable[[], object], *, start: bool = False) -> None:
        def done(_result: object) -> None:
            self.changed.emit()
            if start:
                self.start()

        def refused(error: BaseException) -> None:
            if isinstance(error, DownloadError | NotSignedIn):
                self.refused.emit(str(error))
            else:
                _log.error("download request failed", exc_info=error)
                self.refused.emit("That did not work; see the log for details.")
            self.changed.emit()

        self._tasks.run(op, on_success=done, on_failure=refused)

"""Background lanes (Anki's taskman): blocking work never runs on the UI thread.

- the database lane has one worker: SQLite has one writer, and sync runs there as one op;
- the io lane is for network-only work (connection checks, streaming links);
- the download lane moves media bytes, one file at a time, for as long as a download takes.
Results and errors come back on the UI thread through a queued signal; an op never touches a
widget. Read widget state before submitting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from enum import Enum
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from lmsdesk.services.session import NotSignedIn

_log = logging.getLogger(__name__)

T = TypeVar("T")


class Lane(Enum):
    DATABASE = "database"
    IO = "io"
    DOWNLOAD = "download"
    UPLOAD = "upload"


class TaskManager(QObject):
    _deliver = Signal(object)
    #: Emitted with the number of ops still running, so the window can show a busy indicator.
    busy_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lanes = {
            Lane.DATABASE: ThreadPoolExecutor(max_workers=1, thread_name_prefix="lmsdesk-db"),
            Lane.IO: ThreadPoolExecutor(max_workers=2, thread_name_prefix="lmsdesk-io"),
            Lane.DOWNLOAD: ThreadPoolExecutor(max_workers=1, thread_name_prefix="lmsdesk-dl"),
            Lane.UPLOAD: ThreadPoolExecutor(max_workers=1, thread_name_prefix="lmsdesk-ul"),
        }
        self._running = 0
        self._closed = False
        self._deliver.connect(self._on_deliver)

    def run(
        self,
        op: Callable[[], T],
        *,
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None] | None = None,
        lane: Lane = Lane.DATABASE,
    ) -> Future[T] | None:
        if self._closed:
            # The app is quitting: late timers and clicks have nothing left to run on.
            _log.debug("op submitted after shutdown ignored: %r", op)
            return None
        self._running += 1
        self.busy_changed.emit(self._running)
        future = self._lanes[lane].submit(op)

        def finished(done: Future[T]) -> None:
            # Runs on the worker thread: only hand over to the UI thread.
            self._deliver.emit((done, on_success, on_failure))

        future.add_done_callback(finished)
        return future

    @Slot(object)
    def _on_deliver(self, packet: tuple[Future[Any], Callable[[Any], None], Any]) -> None:
        future, on_success, on_failure = packet
        self._running -= 1
        self.busy_changed.emit(self._running)
        error = future.exception()
        if error is None:
            on_success(future.result())
        elif on_failure is not None:
            on_failure(error)
        elif isinstance(error, NotSignedIn):
            # Signed out while the step was queued: an ordinary race, there is no one to tell.
            _log.debug("background op ended by sign-out: %s", error)
        else:
            _log.error("background op failed", exc_info=error)

    @property
    def running(self) -> int:
        return self._running

    def shutdown(self) -> None:
        """Wait for queued work (e.g. a final position save) before the app exits."""
        self._closed = True
        for executor in self._lanes.values():
            executor.shutdown(wait=True, cancel_futures=False)

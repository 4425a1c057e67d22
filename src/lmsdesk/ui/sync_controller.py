"""When to sync, and what the window says about it.

Syncs run on the database lane: every 60 s while signed in, two seconds after a local change
(debounced), when the connection comes back, and on "Sync now" (F5). One at a time; a request
during a sync runs once more after it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from lmsdesk.services.sync_overview import SyncService
from lmsdesk.sync.engine import SyncOutcome, SyncStatus
from lmsdesk.ui.tasks import TaskManager

_log = logging.getLogger(__name__)

PERIOD_MS = 60_000
DEBOUNCE_MS = 2_000


class SyncController(QObject):
    #: SyncOutcome after each sync.
    finished = Signal(object)
    #: (phase, done, total or None), emitted from the worker while a sync runs.
    progress = Signal(str, object, object)
    started = Signal()
    #: Emitted from any thread when a change was recorded; queued to the UI thread.
    changed_locally = Signal()

    def __init__(self, *, service: SyncService, tasks: TaskManager, parent: QObject) -> None:
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self._running = False
        self._again = False
        self.last_outcome: SyncOutcome | None = None
        self._period = QTimer(self)
        self._period.setInterval(PERIOD_MS)
        self._period.timeout.connect(self.sync_now)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.sync_now)
        self.changed_locally.connect(self.local_change)

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        self._service.on_local_change(self.changed_locally.emit)
        self._period.start()
        self.sync_now()

    def stop(self) -> None:
        self._period.stop()
        self._debounce.stop()

    def local_change(self) -> None:
        """Something was recorded locally: sync soon, once the burst of changes settles."""
        self._debounce.start()

    def sync_now(self) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        self.started.emit()
        report: Callable[[str, int, int | None], None] = self.progress.emit
        self._tasks.run(
            lambda: self._service.sync(report), on_success=self._done, on_failure=self._failed
        )

    def _done(self, outcome: SyncOutcome) -> None:
        self._running = False
        self.last_outcome = outcome
        self.finished.emit(outcome)
        if self._again:
            self._again = False
            self.sync_now()

    def _failed(self, error: BaseException) -> None:
        _log.error("sync failed unexpectedly", exc_info=error)
        self._done(SyncOutcome(status=SyncStatus.ERROR, message=str(error)))

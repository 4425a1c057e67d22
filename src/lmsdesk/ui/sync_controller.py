"""When to sync, and what the window says about it.

Syncs run on the database lane: every 60 s while signed in, two seconds after a local change
(debounced), when the connection comes back, and on "Sync now" (F5). One at a time; a request
during a sync runs once more after it. A server that answers "too busy, retry after N s" is
left alone that long, and longer each time it says so again (with jitter, so a thousand
laptops turned away together do not come back together); only "Sync now" overrides it.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from lmsdesk.services.session import NotSignedIn
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.sync.engine import SyncOutcome, SyncStatus
from lmsdesk.ui.tasks import TaskManager

_log = logging.getLogger(__name__)

PERIOD_MS = 60_000
DEBOUNCE_MS = 2_000
#: The longest a busy server is left alone, however often it asks.
MAX_BACKOFF_SECONDS = 300.0


def backoff_seconds(retry_after: float, refusals: int, jitter: float) -> float:
    """How long to wait after the `refusals`-th "too busy" in a row: at least what the server
    asked, doubling with each refusal, capped, then spread by `jitter` in [-0.2, 0.2]."""
    wait = min(MAX_BACKOFF_SECONDS, max(retry_after, 1.0) * 2 ** max(refusals - 1, 0))
    return wait * (1.0 + jitter)


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
        self._period.timeout.connect(self.sync_if_allowed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.sync_if_allowed)
        self.changed_locally.connect(self.local_change)
        # A busy server: no automatic sync before this monotonic time.
        self._not_before = 0.0
        self._refusals = 0
        self._backoff = QTimer(self)
        self._backoff.setSingleShot(True)
        self._backoff.timeout.connect(self.sync_now)

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
        self._backoff.stop()

    @property
    def backing_off(self) -> bool:
        return time.monotonic() < self._not_before

    def sync_if_allowed(self) -> None:
        """An automatic sync (timer, local change): not while a busy server asked for time."""
        if not self.backing_off:
            self.sync_now()

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
        if outcome.retry_after is not None:
            self._refusals += 1
            wait = backoff_seconds(outcome.retry_after, self._refusals, random.uniform(-0.2, 0.2))
            self._not_before = time.monotonic() + wait
            self._backoff.start(int(wait * 1000))
            self._again = False  # the queued request waits for the backoff too
        elif outcome.status is not SyncStatus.OFFLINE:
            self._refusals = 0
            self._not_before = 0.0
        self.finished.emit(outcome)
        if self._again:
            self._again = False
            self.sync_now()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, NotSignedIn):  # signed out while the sync was queued
            self._done(SyncOutcome(status=SyncStatus.SIGNED_OUT))
            return
        _log.error("sync failed unexpectedly", exc_info=error)
        self._done(SyncOutcome(status=SyncStatus.ERROR, message=str(error)))

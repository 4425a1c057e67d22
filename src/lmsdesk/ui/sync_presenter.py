"""Puts sync state into words: the status bar button and the sync panel."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject

from lmsdesk.services.sync_overview import SyncOverview, SyncService
from lmsdesk.sync.engine import SyncOutcome, SyncStatus
from lmsdesk.ui.main_window import MainWindow
from lmsdesk.ui.sync_controller import SyncController
from lmsdesk.ui.sync_panel import SyncPanel
from lmsdesk.ui.tasks import TaskManager


def _changes(count: int) -> str:
    return f"{count} change{'s' if count != 1 else ''}"


def describe(outcome: SyncOutcome, *, at: datetime | None = None) -> tuple[str, bool]:
    """(status bar text, is it a warning)"""
    waiting = f" · {_changes(outcome.pending)} waiting" if outcome.pending else ""
    refused = f" · {_changes(outcome.failed)} refused" if outcome.failed else ""
    match outcome.status:
        case SyncStatus.IDLE:
            when = (at or datetime.now()).strftime("%H:%M")
            return f"✓ Synced {when}{waiting}{refused}", bool(outcome.failed)
        case SyncStatus.OFFLINE:  # the connection label already says "Offline"
            text = f"{_changes(outcome.pending)} waiting" if outcome.pending else "Nothing waiting"
            return text + refused, bool(outcome.failed)
        case SyncStatus.UPGRADE_REQUIRED:
            return "Update LMSDesk to sync" + waiting, True
        case SyncStatus.SIGNED_OUT:
            return "Sign in again to sync" + waiting, True
        case _:
            return f"Sync failed{waiting}: {outcome.message or 'unknown error'}", True


class SyncPresenter(QObject):
    def __init__(
        self,
        *,
        window: MainWindow,
        controller: SyncController,
        service: SyncService,
        tasks: TaskManager,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._controller = controller
        self._service = service
        self._tasks = tasks
        self.panel: SyncPanel | None = None
        controller.started.connect(lambda: window.show_sync("⟳ Syncing…"))
        controller.progress.connect(self._progress)
        controller.finished.connect(self._finished)
        window.sync_panel_requested.connect(self.open_panel)

    def _progress(self, phase: str, done: int, total: int | None) -> None:
        if phase == "push":
            self._window.show_sync(f"⟳ Sending changes… {done} of {total}")
        else:
            self._window.show_sync(f"⟳ Receiving… {done:,} rows")

    def _finished(self, outcome: SyncOutcome) -> None:
        text, warning = describe(outcome)
        self._window.show_sync(text, warning=warning)
        if outcome.status is SyncStatus.OFFLINE:
            self._window.set_online(False)
        elif outcome.status is SyncStatus.IDLE:
            self._window.set_online(True)
        self.refresh_panel()

    def open_panel(self) -> None:
        if self.panel is None:
            self.panel = SyncPanel(self._window)
            self.panel.sync_requested.connect(self._controller.sync_now)
            self.panel.sync_requested.connect(self.refresh_panel)
            self.panel.dismiss_requested.connect(self._dismiss)
        self.panel.show()
        self.panel.raise_()
        self.refresh_panel()

    def refresh_panel(self) -> None:
        if self.panel is not None and self.panel.isVisible():
            self._tasks.run(self._service.overview, on_success=self._show_overview)

    def _show_overview(self, overview: SyncOverview | None) -> None:
        if self.panel is not None:
            self.panel.show_overview(overview, syncing=self._controller.running)

    def _dismiss(self) -> None:
        self._tasks.run(self._service.dismiss_failed, on_success=lambda _: self.refresh_panel())

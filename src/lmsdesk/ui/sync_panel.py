"""The sync panel: when the last sync succeeded, what is waiting, what the server refused."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.services.sync_overview import SyncOverview


class SyncPanel(QDialog):
    sync_requested = Signal()
    dismiss_requested = Signal()

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sync")
        self.setMinimumSize(520, 420)
        title = QLabel("Sync")
        title.setObjectName("dialogTitle")
        self.last_sync = QLabel()
        self.last_sync.setObjectName("pageSubtitle")
        self.last_sync.setWordWrap(True)
        self.pending_title = QLabel()
        self.pending = QListWidget()
        self.failed_title = QLabel()
        self.failed_title.setObjectName("errorText")
        self.failed = QListWidget()
        self.failed.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.sync_button = QPushButton("Sync now")
        self.sync_button.setObjectName("primary")
        self.dismiss_button = QPushButton("Dismiss refused")
        buttons.addButton(self.sync_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.dismiss_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self.sync_button.clicked.connect(self.sync_requested)
        self.dismiss_button.clicked.connect(self.dismiss_requested)

        layout = QVBoxLayout(self)
        for widget in (
            title,
            self.last_sync,
            self.pending_title,
            self.pending,
            self.failed_title,
            self.failed,
            buttons,
        ):
            layout.addWidget(widget)

    def show_overview(self, overview: SyncOverview | None, *, syncing: bool) -> None:
        if overview is None:
            self.last_sync.setText("Not signed in.")
            return
        when = overview.last_success_at
        text = (
            f"Last successful sync: {when.astimezone():%Y-%m-%d %H:%M}."
            if when
            else ("Not synced yet.")
        )
        if overview.last_error:
            text += f" The last attempt did not finish: {overview.last_error}"
        self.last_sync.setText(text)
        self.pending_title.setText(f"Waiting to sync ({len(overview.pending)})")
        self._fill(
            self.pending,
            [c.description for c in overview.pending],
            "Nothing waiting: everything you did is on the server.",
        )
        self.failed_title.setText(f"Refused by the server ({len(overview.failed)})")
        self.failed_title.setVisible(bool(overview.failed))
        self.failed.setVisible(bool(overview.failed))
        self._fill(self.failed, [f"{c.description}: {c.reason}" for c in overview.failed], "")
        self.dismiss_button.setEnabled(bool(overview.failed))
        self.sync_button.setEnabled(not syncing)
        self.sync_button.setText("Syncing…" if syncing else "Sync now")

    @staticmethod
    def _fill(widget: QListWidget, lines: list[str], empty: str) -> None:
        widget.clear()
        for line in lines or ([empty] if empty else []):
            item = QListWidgetItem(line)
            if not lines:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
            widget.addItem(item)

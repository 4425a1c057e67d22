"""A lesson's resources: links (further reading, a repository, a tool) and files (slides, a
worksheet, sample code), listed, added, removed. Display only; the authoring controller acts
on its signals."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.services.lesson_content import LinkDraft

ID_ROLE = Qt.ItemDataRole.UserRole


class LinksPanel(QWidget):
    add_requested = Signal()
    add_file_requested = Signal()
    remove_requested = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.items = QListWidget()
        self.items.setAccessibleName("Links and files")
        self.items.setMaximumHeight(80)
        self.add_button = QPushButton("Add link…")
        self.add_button.clicked.connect(self.add_requested)
        self.add_file_button = QPushButton("Add file…")
        self.add_file_button.setToolTip(
            "A PDF, ZIP, text file or image for students to download; uploaded when online"
        )
        self.add_file_button.clicked.connect(self.add_file_requested)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.add_file_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.items)
        layout.addLayout(buttons)

    def show_links(self, links: list[LinkDraft]) -> None:
        self.items.clear()
        for link in links:
            text = f"File: {link.title}" if link.is_file else f"Link: {link.title} — {link.url}"
            item = QListWidgetItem(text + (f" · {link.note}" if link.note else ""))
            item.setData(ID_ROLE, link.id)
            self.items.addItem(item)
        self.items.setVisible(bool(links))
        self.remove_button.setEnabled(bool(links))

    def _remove(self) -> None:
        item = self.items.currentItem() or self.items.item(self.items.count() - 1)
        if item is not None:
            self.remove_requested.emit(item.data(ID_ROLE))

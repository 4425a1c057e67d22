"""The pieces pages share: a heading, and a list page with an empty state."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QLayout,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: The main window's navigation column (and the start window's, which stands in for it).
NAVIGATION_WIDTH = 150

#: The catalog's heading, on its page and in the start window.
CATALOG_HEADING = ("Catalog", "Courses you can take, browsable offline from the last sync.")


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget a layout holds (before filling it again)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


def heading(title: str, subtitle: str) -> QVBoxLayout:
    layout = QVBoxLayout()
    layout.setSpacing(2)
    heading = QLabel(title)
    heading.setObjectName("pageTitle")
    sub = QLabel(subtitle)
    sub.setObjectName("pageSubtitle")
    sub.setWordWrap(True)
    layout.addWidget(heading)
    layout.addWidget(sub)
    return layout


class Page(QWidget):
    def __init__(self, title: str, subtitle: str, empty_state: str) -> None:
        super().__init__()
        self.title = title
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.addLayout(heading(title, subtitle))
        layout.addSpacing(16)
        self.items = QListWidget()
        self.items.setObjectName("courseList")
        self.items.hide()
        layout.addWidget(self.items, 1)
        self.empty_state = QLabel(empty_state)
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setWordWrap(True)
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty_state, 1)

    def show_lines(self, lines: list[str]) -> None:
        """Rows of text (two lines each), or the empty state when there are none."""
        self.items.clear()
        for line in lines:
            self.items.addItem(QListWidgetItem(line))
        self.items.setVisible(bool(lines))
        self.empty_state.setVisible(not lines)

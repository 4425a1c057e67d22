"""The first paint: the window with the catalog as this computer last stored it, drawn with
nothing but Qt and sqlite3 while the rest of the app is imported and opened (about two seconds
on a slow laptop). It looks like the catalog page it stands in for; the app's own window then
takes its place, at the same place and size (app.take_over)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.local_db.first_paint import StoredCourse
from lmsdesk.ui.pages import CATALOG_HEADING, NAVIGATION_WIDTH, heading

#: As the main window's (ui/main_window.py).
DEFAULT_SIZE = (1100, 720)
MINIMUM_SIZE = (760, 480)


class StartWindow(QMainWindow):
    def __init__(self, courses: list[StoredCourse]) -> None:
        super().__init__()
        self.setWindowTitle("LMSDesk")
        self.resize(*DEFAULT_SIZE)
        self.setMinimumSize(*MINIMUM_SIZE)
        navigation = QListWidget()
        navigation.setObjectName("navigation")
        navigation.setFixedWidth(NAVIGATION_WIDTH)
        navigation.addItem(CATALOG_HEADING[0])
        navigation.setCurrentRow(0)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.addLayout(heading(*CATALOG_HEADING))
        layout.addSpacing(12)
        self.courses = QListWidget()
        self.courses.setObjectName("courseList")
        self.courses.setWordWrap(True)
        self.courses.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A picture until the app is ready to act on a click: nothing to select or focus.
        self.courses.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.courses.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for course in courses:
            by = f" · {course.instructor}" if course.instructor else ""
            self.courses.addItem(f"{course.title}\n{course.price}{by}")
        layout.addWidget(self.courses, 1)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(navigation)
        row.addWidget(page, 1)
        self.setCentralWidget(body)
        status = self.statusBar()
        status.addWidget(QLabel("Opening your courses…"))
        busy = QProgressBar()
        busy.setRange(0, 0)  # moving: there is no figure to give
        busy.setMaximumWidth(160)
        busy.setTextVisible(False)
        status.addPermanentWidget(busy)

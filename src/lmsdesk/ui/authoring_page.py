"""The Authoring page (instructors): my courses with their status and the reviewer's feedback,
New course (Ctrl+N), and the course editor. Layout and display only."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.services.authoring import AuthoredCourse
from lmsdesk.ui.course_editor import CourseEditor
from lmsdesk.ui.pages import heading

ID_ROLE = Qt.ItemDataRole.UserRole


def course_line(course: AuthoredCourse) -> str:
    parts = [course.status_text, f"{course.lessons} lesson{'s' * (course.lessons != 1)}"]
    if course.open_conflicts:
        parts.append(f"⚠ {course.open_conflicts} conflict{'s' * (course.open_conflicts != 1)}")
    return f"{course.title}\n{' · '.join(parts)}"


class AuthoringPage(QWidget):
    """Two views: the list of my courses, and the open course's editor (← All courses)."""

    new_course_requested = Signal()
    offers_requested = Signal()
    course_selected = Signal(object)
    back_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.title = "Authoring"
        self.new_button = QPushButton("New course")
        self.new_button.setObjectName("primary")
        self.new_button.setToolTip(
            "Start a new course (Ctrl+N); it is saved on this computer and synced when online"
        )
        self.new_button.clicked.connect(self.new_course_requested)
        shortcut = QShortcut(QKeySequence.StandardKey.New, self)
        # Anywhere in the window while this page shows (Qt skips shortcuts of hidden pages):
        # an instructor who just picked Authoring in the navigation has the focus there.
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(self.new_course_requested)
        # The page heading shows over the list; the editor has the room to itself (its own
        # title and "← All courses" say where one is).
        self.heading = QWidget()
        top = QHBoxLayout(self.heading)
        top.setContentsMargins(0, 0, 0, 12)
        top.addLayout(
            heading("Authoring", "Draft courses, offline if you like, and submit them for review."),
            1,
        )
        self.offers_button = QPushButton("Prices and coupons…")
        self.offers_button.setToolTip("Put a published course on sale, or make a coupon")
        self.offers_button.clicked.connect(self.offers_requested)
        top.addWidget(self.offers_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignTop)

        self.courses = QListWidget()
        self.courses.setObjectName("courseList")
        self.courses.setAccessibleName("My courses")
        self.courses.itemClicked.connect(self._picked)
        self.courses.itemActivated.connect(self._picked)
        self.empty_state = QLabel(_NO_COURSES)
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setWordWrap(True)
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        list_view = QWidget()
        list_layout = QVBoxLayout(list_view)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.courses, 1)
        list_layout.addWidget(self.empty_state, 1)

        self.editor = CourseEditor()
        self.back_button = QPushButton("← All courses")
        self.back_button.setFlat(True)
        self.back_button.setShortcut(QKeySequence("Alt+Left"))
        self.back_button.setToolTip("Back to your courses (Alt+Left)")
        self.back_button.clicked.connect(self.back_requested)
        editor_view = QWidget()
        editor_layout = QVBoxLayout(editor_view)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        editor_layout.addWidget(self.editor, 1)

        self.views = QStackedWidget()
        self.views.addWidget(list_view)
        self.views.addWidget(editor_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.addWidget(self.heading)
        layout.addWidget(self.views, 1)
        self._open: uuid.UUID | None = None

    def show_courses(self, courses: list[AuthoredCourse], open_course: uuid.UUID | None) -> None:
        self.courses.clear()
        for course in courses:
            item = QListWidgetItem(course_line(course))
            item.setData(ID_ROLE, course.id)
            if course.feedback:
                item.setToolTip(f"Reviewer's feedback: {course.feedback}")
            self.courses.addItem(item)
            if course.id == open_course:
                self.courses.setCurrentItem(item)
        self.courses.setVisible(bool(courses))
        self.empty_state.setVisible(not courses)
        self._open = open_course
        if open_course is None:
            self.views.setCurrentIndex(0)
            self.heading.show()

    def selected_course(self) -> uuid.UUID | None:
        return self._open

    def show_editor(self) -> None:
        self.views.setCurrentIndex(1)
        self.heading.hide()

    def _picked(self, item: QListWidgetItem) -> None:
        self.course_selected.emit(item.data(ID_ROLE))


_NO_COURSES = (
    "You have no courses yet. Press New course (Ctrl+N) to start one; it is saved on "
    "this computer, so no network is needed."
)

"""The Catalog page: the courses on this computer on the left, the selected one's detail on the
right with its price and what the student can do (Buy, Enroll, or already enrolled).

It shows state and emits intentions; the purchase controller acts on them."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.services.catalog import CourseSummary
from lmsdesk.ui.pages import heading


class CourseDetail(QFrame):
    buy_requested = Signal(object)  # CourseSummary
    enroll_requested = Signal(object)  # CourseSummary
    open_requested = Signal(object)  # CourseSummary: go to it in My learning

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card")
        self.course: CourseSummary | None = None
        self._online = True
        self._waiting = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 20, 22, 20)
        layout.setSpacing(8)
        self.title = QLabel()
        self.title.setObjectName("courseTitle")
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setWordWrap(True)
        self.instructor = QLabel()
        self.instructor.setObjectName("pageSubtitle")

        buy_row = QHBoxLayout()
        self.price = QLabel()
        self.price.setObjectName("price")
        self.action = QPushButton()
        self.action.setObjectName("primary")
        self.action.setMinimumWidth(140)
        self.action.clicked.connect(self._act)
        buy_row.addWidget(self.price)
        buy_row.addStretch(1)
        buy_row.addWidget(self.action)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("pageSubtitle")

        self.description = QLabel()
        self.description.setTextFormat(Qt.TextFormat.MarkdownText)
        self.description.setWordWrap(True)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        for widget in (self.title, self.subtitle, self.instructor):
            layout.addWidget(widget)
        layout.addSpacing(10)
        layout.addLayout(buy_row)
        layout.addWidget(self.note)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setObjectName("divider")
        layout.addSpacing(6)
        layout.addWidget(line)
        layout.addWidget(self.description, 1)
        self.show_course(None)

    def show_course(self, course: CourseSummary | None, *, waiting: bool = False) -> None:
        self.course, self._waiting = course, waiting
        self.setVisible(course is not None)
        if course is None:
            return
        self.title.setText(course.title)
        self.subtitle.setText(course.subtitle)
        self.subtitle.setVisible(bool(course.subtitle))
        self.instructor.setText(f"by {course.instructor}" if course.instructor else "")
        self.price.setText(course.price_text)
        self.description.setText(course.description or "_No description yet._")
        self._refresh_action()

    def set_online(self, online: bool) -> None:
        self._online = online
        self._refresh_action()

    def show_note(self, text: str, *, error: bool = False) -> None:
        self.note.setText(text)
        self.note.setObjectName("errorText" if error else "pageSubtitle")
        self.note.style().polish(self.note)
        self.note.setVisible(bool(text))

    def _refresh_action(self) -> None:
        course = self.course
        if course is None:
            return
        if course.enrolled:
            self.action.setText("Go to My learning")
            note = "You are enrolled: this course is in My learning."
        elif self._waiting:
            self.action.setText("Waiting for payment…")
            note = "Finish the payment in your browser; this page updates when it is confirmed."
        elif course.price_cents == 0:
            self.action.setText("&Enroll for free")
            note = "" if self._online else "Enrolling needs a connection to the server."
        else:
            self.action.setText(f"&Buy for {course.price_text}")
            note = "" if self._online else (
                "You are offline. Paying needs a connection; nothing is queued.")  # fmt: skip
        self.show_note(note)

    def _act(self) -> None:
        course = self.course
        if course is None:
            return
        if course.enrolled:
            self.open_requested.emit(course)
        elif course.price_cents == 0:
            self.enroll_requested.emit(course)
        else:
            self.buy_requested.emit(course)


class CatalogPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.title = "Catalog"
        self._courses: list[CourseSummary] = []
        self._waiting: set[uuid.UUID] = set()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.addLayout(heading("Catalog", "Courses you can take, browsable offline from the "
                                 "last sync."))  # fmt: skip
        layout.addSpacing(16)

        self.items = QListWidget()
        self.items.setObjectName("courseList")
        self.items.currentRowChanged.connect(self._selected)
        self.detail = CourseDetail()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.detail)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.items)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)

        self.empty_state = QLabel("No courses on this computer yet: they arrive with the first "
                                  "sync.")  # fmt: skip
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty_state, 1)
        self.show_courses([])

    def show_courses(self, courses: list[CourseSummary]) -> None:
        selected = self.detail.course.id if self.detail.course else None
        self._courses = courses
        self.items.blockSignals(True)
        self.items.clear()
        for course in courses:
            by = f" · {course.instructor}" if course.instructor else ""
            mark = "  ✓ Enrolled" if course.enrolled else ""
            item = QListWidgetItem(f"{course.title}{mark}\n{course.price_text}{by}")
            item.setData(Qt.ItemDataRole.UserRole, str(course.id))
            self.items.addItem(item)
        self.items.blockSignals(False)
        self.splitter.setVisible(bool(courses))
        self.empty_state.setVisible(not courses)
        ids = [c.id for c in courses]
        row = ids.index(selected) if selected in ids else (0 if courses else -1)
        self.items.setCurrentRow(row)
        self._selected(row)

    @property
    def courses(self) -> list[CourseSummary]:
        return list(self._courses)

    def select(self, course_id: uuid.UUID) -> None:
        ids = [c.id for c in self._courses]
        if course_id in ids:
            self.items.setCurrentRow(ids.index(course_id))

    def set_waiting(self, course_ids: set[uuid.UUID]) -> None:
        self._waiting = set(course_ids)
        self._selected(self.items.currentRow())

    def _selected(self, row: int) -> None:
        course = self._courses[row] if 0 <= row < len(self._courses) else None
        self.detail.show_course(course, waiting=course is not None and course.id in self._waiting)

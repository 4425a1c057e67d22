"""The instructor's Grading page: the inbox of work handed in (ungraded first, filtered by course
and assignment), one piece of work with its text, file, link or essay answers and the grade
form (by rubric or total, feedback in Markdown), and the gradebook per course with CSV export.
Layout and display only; the grading controller adds behaviour."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.assignments import Gradebook, GradingItem
from lmsdesk.services.grading import InboxEntry
from lmsdesk.ui.markdown_text import MarkdownLabel, open_web_link
from lmsdesk.ui.pages import clear_layout, heading
from lmsdesk.ui.theme import DANGER, MUTED, OK
from lmsdesk.ui.times import local_time

ITEM_ROLE = Qt.ItemDataRole.UserRole


def ago(moment: datetime, now: datetime | None = None) -> str:
    seconds = int(((now or datetime.now(UTC)) - moment).total_seconds())
    if seconds < 3600:
        return f"{max(seconds // 60, 1)} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} d ago"


def entry_text(entry: InboxEntry) -> str:
    item = entry.item
    state = (
        f"graded {item.score:g}/{item.max_score:g}"
        if entry.graded and item.score is not None
        else ("graded" if entry.graded else "to grade")
    )
    if entry.waiting:
        state += " (waiting to send)"
    late = " · late" if item.is_late else ""
    return (
        f"{item.student_name} · {item.lesson_title}\n"
        f"{item.course_title} · {ago(item.submitted_at)}{late} · {state}"
    )


class GradeForm(QWidget):
    """One piece of work and its grade form."""

    grade_requested = Signal()
    open_file_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.item: GradingItem | None = None
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.title.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        self.meta.setStyleSheet(f"color: {MUTED}")
        self.work = MarkdownLabel()
        self.work.setFrameShape(QFrame.Shape.StyledPanel)
        self.file_row = QHBoxLayout()
        self.file_label = QLabel()
        self.open_file = QPushButton("Open file")
        self.open_file.setToolTip("Opens the downloaded copy (downloaded once, then offline too)")
        self.open_file.clicked.connect(self.open_file_requested)
        self.file_row.addWidget(self.file_label, 1)
        self.file_row.addWidget(self.open_file)
        self.link = QLabel()
        self.link.setTextFormat(Qt.TextFormat.RichText)
        self.link.linkActivated.connect(open_web_link)
        self.scores = QFormLayout()
        self.total = QDoubleSpinBox()
        self.total.setDecimals(1)
        self.total.setSingleStep(1)
        self.criteria: dict[str, QDoubleSpinBox] = {}
        self.essays: dict[str, QDoubleSpinBox] = {}
        self.feedback = QPlainTextEdit()
        self.feedback.setPlaceholderText("Feedback for the student (Markdown)")
        self.feedback.setMinimumHeight(80)
        self.save = QPushButton("Save grade")
        self.save.setObjectName("primary")
        self.save.setToolTip("Save the grade (Ctrl+S); offline, it is sent at the next sync")
        self.save.clicked.connect(self.grade_requested)
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.grade_requested)
        self.result = QLabel()
        self.result.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.result, 1)
        actions.addWidget(self.save)

        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 8, 0)
        column.addWidget(self.title)
        column.addWidget(self.meta)
        column.addWidget(self.work)
        column.addLayout(self.file_row)
        column.addWidget(self.link)
        column.addSpacing(6)
        column.addLayout(self.scores)
        column.addWidget(QLabel("Feedback"))
        column.addWidget(self.feedback)
        column.addLayout(actions)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Everything wraps to the width there is: scrolling is up and down only.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.show_item(None)

    def show_item(self, entry: InboxEntry | None) -> None:
        item = entry.item if entry else None
        self.item = item
        for widget in (self.work, self.link, self.save, self.feedback, self.open_file):
            widget.setVisible(item is not None)
        self.file_label.setVisible(item is not None)
        clear_layout(self.scores)
        self.criteria, self.essays = {}, {}
        self.result.clear()
        if item is None:
            self.title.setText("Nothing chosen")
            self.meta.setText("Choose work on the left to grade it.")
            return
        self.title.setText(f"<b>{escape(item.student_name)}: {escape(item.lesson_title)}</b>")
        when = local_time(item.submitted_at)
        late = f" · <span style='color:{DANGER}'>late</span>" if item.is_late else ""
        self.meta.setText(f"{escape(item.course_title)} · handed in {when}{late}")
        self._show_work(item)
        self._show_scores(item)
        self.feedback.setPlainText(item.feedback)
        if entry is not None and entry.waiting:
            self.result.setText("Graded on this computer; sent at the next sync.")
        elif entry is not None and entry.graded:
            self.result.setText(
                f"<span style='color:{OK}'>Graded: {item.score or 0:g} / {item.max_score:g}"
                "</span>. Change it and save to grade again."
            )

    def _show_work(self, item: GradingItem) -> None:
        if item.kind == "attempt":
            parts = [
                f"**{escape(e.prompt)}** ({e.points} points)\n\n{e.answer or '*(no answer)*'}"
                for e in item.essays
            ]
            self.work.set_markdown("\n\n---\n\n".join(parts))
        else:
            self.work.set_markdown(item.text or "*No text handed in.*")
        self.file_label.setText(
            f"File: {escape(item.file_name)}" if item.file_name else "No file handed in."
        )
        self.open_file.setVisible(item.file_asset_id is not None)
        self.link.setVisible(bool(item.url))
        if item.url:
            self.link.setText(f'Link: <a href="{escape(item.url)}">{escape(item.url)}</a>')

    def _spin(self, maximum: float, value: float | None) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setDecimals(1)
        spin.setRange(0, maximum)
        spin.setSuffix(f" / {maximum:g}")
        spin.setValue(value if value is not None else 0)
        return spin

    def _show_scores(self, item: GradingItem) -> None:
        if item.kind == "attempt":
            for number, essay in enumerate(item.essays, start=1):
                spin = self._spin(essay.points, essay.score)
                self.essays[essay.question_id] = spin
                self.scores.addRow(f"Essay {number}", spin)
            return
        if item.rubric:
            given = item.rubric_scores or {}
            for criterion in item.rubric:
                spin = self._spin(criterion.points, given.get(criterion.name))
                spin.valueChanged.connect(self._sum)
                self.criteria[criterion.name] = spin
                self.scores.addRow(criterion.name, spin)
            self.sum_label = QLabel()
            self.scores.addRow("Total", self.sum_label)
            self._sum()
            return
        self.total = self._spin(item.max_score, item.score)
        self.scores.addRow("Score", self.total)

    def _sum(self) -> None:
        total = sum(spin.value() for spin in self.criteria.values())
        maximum = self.item.max_score if self.item else 0
        self.sum_label.setText(f"{total:g} / {maximum:g}")


class GradingPage(QWidget):
    refresh_requested = Signal()
    filter_changed = Signal()
    entry_chosen = Signal(object)  # InboxEntry
    gradebook_course_chosen = Signal(object)  # course id
    export_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.title = "Grading"
        self.all_entries: list[InboxEntry] = []  # the chosen course's
        self.entries: list[InboxEntry] = []  # those shown: of the chosen assignment
        self.courses = QComboBox()
        self.courses.setToolTip("Show the work of one course")
        self.courses.currentIndexChanged.connect(lambda _i: self.filter_changed.emit())
        self.lessons = QComboBox()
        self.lessons.setToolTip("Show the work of one assignment or quiz")
        self.lessons.currentIndexChanged.connect(lambda _i: self._show_list())
        self.ungraded = QCheckBox("To grade only")
        self.ungraded.setChecked(True)
        self.ungraded.toggled.connect(lambda _on: self.filter_changed.emit())
        self.refresh = QPushButton("Refresh")
        self.refresh.setToolTip("Fetch new work from the server (F5 checks the connection)")
        self.refresh.clicked.connect(self.refresh_requested)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setStyleSheet(f"color: {MUTED}")
        # The course on a row of its own: its title is read whole even in the smallest window.
        filters = QVBoxLayout()
        filters.addWidget(self.courses)
        filters.addWidget(self.lessons)
        toggles = QHBoxLayout()
        toggles.addWidget(self.ungraded)
        toggles.addStretch(1)
        toggles.addWidget(self.refresh)
        filters.addLayout(toggles)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._chosen)
        self.empty = QLabel("Nothing to grade. Work your students hand in appears here.")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet(f"color: {MUTED}")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.state)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.empty)
        self.form = GradeForm()
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.form)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([280, 650])
        inbox = QWidget()
        inbox_layout = QVBoxLayout(inbox)
        inbox_layout.setContentsMargins(0, 8, 0, 0)
        inbox_layout.addWidget(self.splitter)

        self.book_course = QComboBox()
        self.book_course.currentIndexChanged.connect(self._book_course)
        self.export = QPushButton("Export CSV…")
        self.export.setToolTip("Save the gradebook as a spreadsheet (CSV)")
        self.export.clicked.connect(self.export_requested)
        self.book_state = QLabel()
        self.book_state.setWordWrap(True)
        self.book_state.setStyleSheet(f"color: {MUTED}")
        book_top = QHBoxLayout()
        book_top.addWidget(self.book_course, 1)
        book_top.addWidget(self.export)
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        book = QWidget()
        book_layout = QVBoxLayout(book)
        book_layout.setContentsMargins(0, 8, 0, 0)
        book_layout.addLayout(book_top)
        book_layout.addWidget(self.book_state)
        book_layout.addWidget(self.table, 1)

        self.sections = QTabWidget()
        self.sections.addTab(inbox, "Inbox")
        self.sections.addTab(book, "Gradebook")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addLayout(heading("Grading", "Work your students handed in, and their grades"))
        layout.addWidget(self.sections, 1)

    # ---------------------------------------------------------------- inbox
    def set_courses(self, courses: list[tuple[uuid.UUID, str]]) -> None:
        for combo, everything in ((self.courses, "All courses"), (self.book_course, None)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            if everything:
                combo.addItem(everything, None)
            for course_id, title in courses:
                combo.addItem(title, str(course_id))  # text: findData cannot match a UUID
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def course_filter(self) -> uuid.UUID | None:
        data = self.courses.currentData()
        return uuid.UUID(data) if data else None

    def book_course_id(self) -> uuid.UUID | None:
        data = self.book_course.currentData()
        return uuid.UUID(data) if data else None

    def show_entries(self, entries: list[InboxEntry]) -> None:
        """The course's work (filtered by the assignment chosen here)."""
        self.all_entries = entries
        current = self.lessons.currentData()
        self.lessons.blockSignals(True)
        self.lessons.clear()
        self.lessons.addItem("All assignments and quizzes", None)
        for lesson_id, title in dict.fromkeys(
            (str(e.item.lesson_id), f"{e.item.lesson_title} ({e.item.course_title})")
            for e in entries
        ):
            self.lessons.addItem(title, lesson_id)
        self.lessons.setCurrentIndex(max(self.lessons.findData(current), 0))
        self.lessons.blockSignals(False)
        self._show_list()

    def _show_list(self) -> None:
        lesson = self.lessons.currentData()
        entries = [e for e in self.all_entries if lesson is None or str(e.item.lesson_id) == lesson]
        chosen = self.form.item.id if self.form.item else None
        self.entries = entries
        self.list.blockSignals(True)
        self.list.clear()
        for entry in entries:
            item = QListWidgetItem(entry_text(entry))
            item.setData(ITEM_ROLE, entry.item.id)
            if not entry.graded:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
            if entry.item.id == chosen:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.empty.setVisible(not entries)
        self.list.setVisible(bool(entries))
        if chosen is None and entries:
            self.list.setCurrentRow(0)
        elif chosen is not None and not any(e.item.id == chosen for e in entries):
            self.form.show_item(None)

    def _chosen(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        wanted = item.data(ITEM_ROLE)
        entry = next((e for e in self.entries if e.item.id == wanted), None)
        self.form.show_item(entry)
        if entry is not None:
            self.entry_chosen.emit(entry)

    def set_state(self, text: str, *, warning: bool = False) -> None:
        self.state.setText(text)
        self.state.setStyleSheet(f"color: {DANGER if warning else MUTED}")

    # ---------------------------------------------------------------- gradebook
    def _book_course(self, _index: int) -> None:
        course = self.book_course_id()
        if course is not None:
            self.gradebook_course_chosen.emit(course)

    def show_gradebook(self, book: Gradebook, *, fresh: bool) -> None:
        columns = ["Student", *(f"{c.title}\n/ {c.max_score:g}" for c in book.columns)]
        self.table.clear()
        self.table.setColumnCount(len(columns))
        self.table.setRowCount(len(book.rows))
        self.table.setHorizontalHeaderLabels(columns)
        for row_index, row in enumerate(book.rows):
            self.table.setItem(row_index, 0, QTableWidgetItem(row.student_name))
            for column_index, column in enumerate(book.columns, start=1):
                key = str(column.lesson_id)
                if key in row.scores:
                    text = f"{row.scores[key]:g}"
                else:
                    text = "to grade" if key in row.pending else "–"
                cell = QTableWidgetItem(text)
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row_index, column_index, cell)
        self.table.resizeColumnsToContents()
        students = len(book.rows)
        self.book_state.setText(
            f"{students} student{'s' if students != 1 else ''}"
            + ("" if fresh else " · offline: the copy fetched last")
        )
        self.export.setEnabled(True)

    def show_gradebook_problem(self, text: str) -> None:
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.book_state.setText(text)
        self.export.setEnabled(False)

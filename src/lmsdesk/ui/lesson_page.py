"""The course player page: the outline on the left (sections, lessons, what is done, what is
locked), the open lesson on the right. Layout and display only; the learning controller acts."""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.enums import LessonType, ProgressStatus
from lmsdesk.services.learning import CourseOutline, LessonEntry, LessonView
from lmsdesk.ui.pages import clear_layout
from lmsdesk.ui.video_view import VideoView, clock

_MARKS = {
    ProgressStatus.COMPLETED: "✓",
    ProgressStatus.IN_PROGRESS: "◐",
    ProgressStatus.NOT_STARTED: "○",
}
_KINDS = {LessonType.VIDEO: "Video", LessonType.TEXT: "Reading", LessonType.QUIZ: "Quiz"}
FILE_SCHEME = "lmsdesk-file:"


def lesson_label(entry: LessonEntry) -> str:
    mark = "🔒" if entry.locked_by else _MARKS[entry.status]
    length = f" · {clock(entry.duration_seconds)}" if entry.duration_seconds else ""
    return f"{mark}  {entry.title}\n     {_KINDS[entry.lesson_type]}{length}"


class TextLessonView(QWidget):
    complete_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.body = QTextBrowser()
        self.body.setOpenExternalLinks(True)
        self.body.setObjectName("lessonText")
        self.body.document().setDocumentMargin(18)
        self.mark_complete = QPushButton("Mark complete")
        self.mark_complete.setObjectName("primary")
        self.mark_complete.setShortcut("Ctrl+Return")
        self.mark_complete.setToolTip("Mark this lesson complete (Ctrl+Enter)")
        self.mark_complete.clicked.connect(self.complete_requested)
        self.done_note = QLabel("✓ Completed")
        self.done_note.setObjectName("okText")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.done_note)
        row.addWidget(self.mark_complete)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.body, 1)
        layout.addLayout(row)
        # Reading to the end completes the lesson, when there is an end to scroll to.
        self.body.verticalScrollBar().valueChanged.connect(self._scrolled)

    def show_lesson(self, lesson: LessonView) -> None:
        self.body.setMarkdown(lesson.content)
        self.show_completed(lesson.status is ProgressStatus.COMPLETED)

    def show_completed(self, done: bool) -> None:
        self.mark_complete.setVisible(not done)
        self.done_note.setVisible(done)

    def _scrolled(self, value: int) -> None:
        bar = self.body.verticalScrollBar()
        if bar.maximum() > 0 and value >= bar.maximum() and self.mark_complete.isVisible():
            self.complete_requested.emit()


class LessonPage(QWidget):
    back_requested = Signal()
    lesson_chosen = Signal(object)  # lesson id
    file_requested = Signal(object)  # asset id of one of the lesson's files
    next_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.title = "Lesson"
        self.outline_data: CourseOutline | None = None
        self.back = QPushButton("← My learning")
        self.back.setToolTip("Back to My learning (Alt+Left)")
        self.back.setShortcut("Alt+Left")
        self.back.clicked.connect(self.back_requested)
        self.course_title = QLabel()
        self.course_title.setObjectName("courseTitle")
        self.progress = QProgressBar()
        self.progress.setFixedWidth(180)
        self.progress.setFormat("%p% complete")
        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addSpacing(12)
        top.addWidget(self.course_title, 1)
        self.preview_note = QLabel("Preview as a student sees it · nothing you do here is recorded")
        self.preview_note.setObjectName("warningText")
        self.preview_note.hide()
        top.addWidget(self.preview_note)
        top.addWidget(self.progress)

        self.outline = QTreeWidget()
        self.outline.setHeaderHidden(True)
        self.outline.setObjectName("outline")
        self.outline.setMinimumWidth(240)
        self.outline.itemActivated.connect(self._chosen)
        self.outline.itemClicked.connect(self._chosen)

        self.lesson_title = QLabel()
        self.lesson_title.setObjectName("dialogTitle")
        self.lesson_title.setWordWrap(True)
        self.links = QLabel()
        # Web links open in the browser; files go through the controller (local copy first).
        self.links.linkActivated.connect(self._link)
        self.links.setWordWrap(True)
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.video = VideoView()
        self.text = TextLessonView()
        self.notice = QLabel()
        self.notice.setObjectName("emptyState")
        self.notice.setWordWrap(True)
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.quiz_holder = QWidget()
        self._quiz_layout = QVBoxLayout(self.quiz_holder)
        self._quiz_layout.setContentsMargins(0, 0, 0, 0)
        self.content = QStackedWidget()
        for widget in (self.video, self.text, self.quiz_holder, self.notice):
            self.content.addWidget(widget)
        self.next = QPushButton("Next lesson →")
        self.next.setShortcut("Alt+Right")
        self.next.setToolTip("Next lesson (Alt+Right)")
        self.next.clicked.connect(self.next_requested)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.next)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(12, 0, 0, 0)
        right_layout.addWidget(self.lesson_title)
        right_layout.addWidget(self.links)
        right_layout.addWidget(self.content, 1)
        right_layout.addLayout(bottom)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.outline)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([280, 800])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addLayout(top)
        layout.addSpacing(8)
        layout.addWidget(self.splitter, 1)

    # ---------------------------------------------------------------- display
    def show_outline(self, outline: CourseOutline, current: uuid.UUID | None) -> None:
        self.outline_data = outline
        self.course_title.setText(outline.title)
        self.progress.setValue(outline.percent_complete)
        self.outline.clear()
        for section in outline.sections:
            parent = QTreeWidgetItem([section.title])
            parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
            self.outline.addTopLevelItem(parent)
            for entry in section.lessons:
                item = QTreeWidgetItem([lesson_label(entry)])
                item.setData(0, Qt.ItemDataRole.UserRole, entry.id)
                if entry.locked_by:
                    item.setToolTip(0, "Complete first: " + ", ".join(entry.locked_by))
                parent.addChild(item)
                if entry.id == current:
                    self.outline.setCurrentItem(item)
        self.outline.expandAll()
        lessons = outline.lessons
        ids = [entry.id for entry in lessons]
        self.next.setEnabled(current in ids and ids.index(current) < len(ids) - 1)

    def _link(self, url: str) -> None:
        if url.startswith(FILE_SCHEME):
            self.file_requested.emit(uuid.UUID(url.removeprefix(FILE_SCHEME)))
        else:
            QDesktopServices.openUrl(QUrl(url))

    def show_lesson(self, lesson: LessonView) -> None:
        self.lesson_title.setText(lesson.title)
        self.preview_note.setVisible(lesson.authoring_preview)
        entries = [
            f'<a href="{html.escape(url)}">{html.escape(title)}</a>' for title, url in lesson.links
        ]
        entries += [
            f'<a href="{FILE_SCHEME}{asset}">{html.escape(title)}</a> (file)'
            for title, asset in lesson.files
        ]
        self.links.setText("Resources: " + " · ".join(entries))
        self.links.setVisible(bool(entries) and not lesson.needs_enrollment)
        self.progress.setVisible(not lesson.authoring_preview)
        if lesson.needs_enrollment:
            self.show_notice(
                "Enroll in this course to open this lesson. Lessons marked ▶ Preview in the "
                "Catalog play before enrolling."
            )
        elif lesson.locked_by:
            self.show_notice(
                "🔒 This lesson unlocks when you complete: " + ", ".join(lesson.locked_by) + "."
            )
        elif lesson.lesson_type is LessonType.VIDEO:
            self.content.setCurrentWidget(self.video)
        elif lesson.lesson_type is LessonType.TEXT:
            self.text.show_lesson(lesson)
            self.content.setCurrentWidget(self.text)
        else:
            self.content.setCurrentWidget(self.quiz_holder)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.content.setCurrentWidget(self.notice)

    def set_quiz_view(self, view: QWidget) -> None:
        clear_layout(self._quiz_layout)
        self._quiz_layout.addWidget(view)

    def set_focus_mode(self, on: bool) -> None:
        """Full screen video: only the lesson remains."""
        for widget in (
            self.outline,
            self.back,
            self.course_title,
            self.progress,
            self.lesson_title,
            self.next,
        ):
            widget.setVisible(not on)

    def _chosen(self, item: QTreeWidgetItem) -> None:
        lesson_id = item.data(0, Qt.ItemDataRole.UserRole)
        if lesson_id is not None:
            self.lesson_chosen.emit(lesson_id)

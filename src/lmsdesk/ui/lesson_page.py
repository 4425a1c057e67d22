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
from lmsdesk.services.learning import CourseOutline, LessonEntry, LessonView, SectionEntry
from lmsdesk.ui.fitting import ElidedLabel
from lmsdesk.ui.icons import icon
from lmsdesk.ui.pages import clear_layout
from lmsdesk.ui.times import local_time, short_time, zone_name
from lmsdesk.ui.video_view import VideoView, clock

_MARKS = {
    ProgressStatus.COMPLETED: "done",
    ProgressStatus.IN_PROGRESS: "in_progress",
    ProgressStatus.NOT_STARTED: "not_started",
}
_KINDS = {
    LessonType.VIDEO: "Video",
    LessonType.TEXT: "Reading",
    LessonType.QUIZ: "Quiz",
    LessonType.ASSIGNMENT: "Assignment",
}
FILE_SCHEME = "lmsdesk-file:"


def lesson_label(entry: LessonEntry) -> str:
    length = f" · {clock(entry.duration_seconds)}" if entry.duration_seconds else ""
    return f"{entry.title}\n{_KINDS[entry.lesson_type]}{length}"


def lesson_mark(entry: LessonEntry, outline: CourseOutline) -> str:
    """The icon beside a lesson in the outline: locked (by a prerequisite, or until enrolling),
    or how far the student got."""
    closed = entry.locked_by or entry.opens_at is not None or not outline.opens(entry)
    return "lock" if closed else _MARKS[entry.status]


def section_label(section: SectionEntry) -> str:
    """ "Week 2 · Check yourself", and when a cohort has not opened it yet, when it opens."""
    title = f"Week {section.week} · {section.title}" if section.week else section.title
    if section.opens_at is not None:
        title += f"\nopens {short_time(section.opens_at)}"
    return title


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
    questions_requested = Signal()
    ask_requested = Signal()
    #: Enroll (free) or buy (paid) the course shown, from its locked lesson (course id).
    enroll_requested = Signal(object)
    schedule_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.title = "Lesson"
        self.outline_data: CourseOutline | None = None
        self.back = QPushButton("← My learning")
        self.back.setToolTip("Back to My learning (Alt+Left)")
        self.back.setShortcut("Alt+Left")
        self.back.clicked.connect(self.back_requested)
        self.course_title = ElidedLabel()
        self.course_title.setObjectName("courseTitle")
        # The percentage beside a thin bar, never printed over the bar's fill.
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedSize(110, 8)
        self.progress_text = QLabel()
        self.progress_text.setObjectName("pageSubtitle")
        self.progress.valueChanged.connect(
            lambda value: self.progress_text.setText(f"{value}% complete")
        )
        # A course taken in a cohort: its calendar (weeks, due times, live sessions).
        self.schedule_button = QPushButton("Schedule")
        self.schedule_button.setIcon(icon("calendar"))
        self.schedule_button.setToolTip("Your cohort's weeks and live sessions (Ctrl+Shift+S)")
        self.schedule_button.setShortcut("Ctrl+Shift+S")
        self.schedule_button.clicked.connect(self.schedule_requested)
        self.schedule_button.hide()
        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addSpacing(12)
        top.addWidget(self.course_title, 1)
        top.addWidget(self.schedule_button)
        top.addWidget(self.progress)
        top.addWidget(self.progress_text)
        self.preview_note = QLabel("Preview as a student sees it · nothing you do here is recorded")
        self.preview_note.setObjectName("warningText")
        self.preview_note.setWordWrap(True)
        self.preview_note.hide()

        self.outline = QTreeWidget()
        self.outline.setHeaderHidden(True)
        self.outline.setObjectName("outline")
        self.outline.setMinimumWidth(170)
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
        self.enroll_button = QPushButton()
        self.enroll_button.setObjectName("primary")
        self.enroll_button.clicked.connect(self._enroll)
        self.notice_panel = QWidget()
        notice_layout = QVBoxLayout(self.notice_panel)
        notice_layout.addStretch(1)
        notice_layout.addWidget(self.notice)
        notice_layout.addWidget(self.enroll_button, 0, Qt.AlignmentFlag.AlignHCenter)
        notice_layout.addStretch(1)
        self.quiz_holder = QWidget()
        self._quiz_layout = QVBoxLayout(self.quiz_holder)
        self._quiz_layout.setContentsMargins(0, 0, 0, 0)
        self.content = QStackedWidget()
        for widget in (self.video, self.text, self.quiz_holder, self.notice_panel):
            self.content.addWidget(widget)
        self.next = QPushButton("Next lesson →")
        self.next.setShortcut("Alt+Right")
        self.next.setToolTip("Next lesson (Alt+Right)")
        self.next.clicked.connect(self.next_requested)
        # The lesson's Q&A: its questions on the Community page, or a new one about it (at the
        # second the video is at).
        self.questions_button = QPushButton("Questions")
        self.questions_button.setToolTip("The questions asked about this lesson")
        self.questions_button.setObjectName("linkButton")
        self.questions_button.clicked.connect(self.questions_requested)
        self.ask_button = QPushButton("Ask a question…")
        self.ask_button.setToolTip(
            "Ask about this lesson, at this moment of its video (Ctrl+Shift+Q)"
        )
        self.ask_button.setShortcut("Ctrl+Shift+Q")
        self.ask_button.clicked.connect(self.ask_requested)
        bottom = QHBoxLayout()
        bottom.addWidget(self.questions_button)
        bottom.addWidget(self.ask_button)
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
        self.splitter.setSizes([260, 800])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addLayout(top)
        layout.addWidget(self.preview_note)
        layout.addSpacing(8)
        layout.addWidget(self.splitter, 1)

    # ---------------------------------------------------------------- display
    def show_outline(self, outline: CourseOutline, current: uuid.UUID | None) -> None:
        self.outline_data = outline
        self.course_title.setText(outline.title)
        self.schedule_button.setVisible(bool(outline.cohort_title))
        self.progress.setValue(outline.percent_complete)
        # Opened from the Catalog before enrolling: there is no progress to show.
        self.progress.setVisible(outline.enrolled)
        self.progress_text.setVisible(outline.enrolled)
        self.outline.clear()
        for section in outline.sections:
            parent = QTreeWidgetItem([section_label(section)])
            parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
            self.outline.addTopLevelItem(parent)
            for entry in section.lessons:
                item = QTreeWidgetItem([lesson_label(entry)])
                item.setIcon(0, icon(lesson_mark(entry, outline)))
                item.setData(0, Qt.ItemDataRole.UserRole, entry.id)
                if not outline.opens(entry):
                    item.setToolTip(0, "Opens once you enroll in this course")
                elif entry.opens_at is not None:
                    item.setToolTip(0, f"Opens {local_time(entry.opens_at)} (your time)")
                elif entry.locked_by:
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
        community = lesson.enrolled and not lesson.authoring_preview
        self.questions_button.setVisible(community)
        self.ask_button.setVisible(community)
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
        shows_progress = lesson.enrolled and not lesson.authoring_preview
        self.progress.setVisible(shows_progress)
        self.progress_text.setVisible(shows_progress)
        if lesson.needs_enrollment:
            price = self.outline_data.price_text if self.outline_data else "Free"
            self.show_notice(
                "Enroll in this course to open this lesson. Lessons marked ▶ Preview in the "
                "Catalog play before enrolling.",
                enroll="Enroll for free" if price == "Free" else f"Buy for {price}",
            )
        elif lesson.opens_at is not None:
            cohort = self.outline_data.cohort_title if self.outline_data else ""
            self.show_notice(
                f"This lesson opens on {local_time(lesson.opens_at)} (your time, "
                f"{zone_name()})"
                + (f", with its week in {cohort}" if cohort else "")
                + ". It downloads at the first sync after that; this computer's clock cannot "
                "open it sooner."
            )
        elif lesson.awaiting_sync:
            self.show_notice(
                "This lesson's week has opened. It arrives at the next sync: connect to the "
                "internet and it opens here."
            )
        elif lesson.locked_by:
            self.show_notice(
                "This lesson unlocks when you complete: " + ", ".join(lesson.locked_by) + "."
            )
        elif lesson.lesson_type is LessonType.VIDEO:
            self.content.setCurrentWidget(self.video)
        elif lesson.lesson_type is LessonType.TEXT:
            self.text.show_lesson(lesson)
            self.content.setCurrentWidget(self.text)
        else:
            self.content.setCurrentWidget(self.quiz_holder)

    def show_notice(self, text: str, *, enroll: str = "") -> None:
        """In place of the lesson: why it does not open, with the way to enroll when that is
        what it needs."""
        self.notice.setText(text)
        self.enroll_button.setText(enroll)
        self.enroll_button.setVisible(bool(enroll))
        self.content.setCurrentWidget(self.notice_panel)

    def _enroll(self) -> None:
        if self.outline_data is not None:
            self.enroll_requested.emit(self.outline_data.course_id)

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
            self.progress_text,
            self.lesson_title,
            self.next,
        ):
            widget.setVisible(not on)

    def _chosen(self, item: QTreeWidgetItem) -> None:
        lesson_id = item.data(0, Qt.ItemDataRole.UserRole)
        if lesson_id is not None:
            self.lesson_chosen.emit(lesson_id)

"""The Moderation page (admins): the queue of courses waiting for review with search and a
category filter, decisions waiting to sync (with Undo), and the selected course in full:
curriculum with quiz answers, description, what changed since the last decision, and the
history. Layout and display only; the controller decides."""

from __future__ import annotations

import html
import uuid
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.enums import LessonType, ReviewDecision
from lmsdesk.services.moderation import CourseReview, LessonReview, Queue, QueueEntry
from lmsdesk.ui.pages import heading
from lmsdesk.ui.reports_panel import ReportsPanel
from lmsdesk.ui.theme import DANGER, MUTED, OK

ID_ROLE = Qt.ItemDataRole.UserRole
ALL_CATEGORIES = "All categories"


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return "not submitted"
    seconds = ((now or datetime.now(UTC)) - moment).total_seconds()
    if seconds < 3600:
        return "submitted just now" if seconds < 120 else f"submitted {int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"submitted {int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    return f"submitted {days} day{'s' * (days != 1)} ago"


def submission_words(revision: int, changes_published: bool) -> str:
    if changes_published:
        return "changes to a published course" + ("" if revision == 1 else f", take {revision}")
    return "first submission" if revision == 1 else f"revision {revision}"


def queue_line(entry: QueueEntry) -> str:
    revision = submission_words(entry.revision, entry.changes_published)
    parts = [entry.instructor_name, ago(entry.submitted_at), revision]
    flag = "⚠ " if entry.refused else ""
    return f"{flag}{entry.title}\n{' · '.join(parts)}"


class ModerationPage(QWidget):
    filter_changed = Signal()
    course_selected = Signal(object)
    approve_requested = Signal()
    reject_requested = Signal()
    preview_requested = Signal()
    take_back_requested = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.title = "Moderation"
        self.review: CourseReview | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search title or instructor")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the review queue")
        self.search.textChanged.connect(lambda _text: self.filter_changed.emit())
        focus = QShortcut(QKeySequence.StandardKey.Find, self)
        focus.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        focus.activated.connect(self.search.setFocus)
        self.category = QComboBox()
        self.category.setAccessibleName("Category filter")
        self.category.addItem(ALL_CATEGORIES)
        self.category.currentIndexChanged.connect(lambda _i: self.filter_changed.emit())
        self.counts = QLabel()
        self.counts.setObjectName("pageSubtitle")
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.category, 1)
        filters.addStretch(1)
        filters.addWidget(self.counts)

        splitter = QSplitter()
        splitter.addWidget(self._queue_column())
        splitter.addWidget(self._detail_column())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 680])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        subtitle = (
            "Courses waiting for review and reported posts, oldest first. You can decide "
            "offline; decisions are sent when you sync."
        )
        layout.addLayout(heading("Moderation", subtitle))
        layout.addSpacing(10)
        courses = QWidget()
        courses_layout = QVBoxLayout(courses)
        courses_layout.setContentsMargins(0, 8, 0, 0)
        courses_layout.addLayout(filters)
        courses_layout.addSpacing(6)
        courses_layout.addWidget(splitter, 1)
        # What people reported in the courses' communities (and reviews): its own queue.
        self.reports = ReportsPanel()
        self.sections = QTabWidget()
        self.sections.addTab(courses, "Courses")
        self.sections.addTab(self.reports, "Reports")
        layout.addWidget(self.sections, 1)
        self.show_review(None)

    # ------------------------------------------------------------------ building
    def _queue_column(self) -> QWidget:
        self.queue = QListWidget()
        self.queue.setObjectName("courseList")
        self.queue.setAccessibleName("Courses waiting for review")
        self.queue.setWordWrap(True)
        self.queue.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queue.currentItemChanged.connect(self._picked)
        self.empty_state = QLabel()
        self.empty_state.setObjectName("emptyState")
        self.empty_state.setWordWrap(True)
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.waiting_title = QLabel("Decisions waiting to sync")
        self.waiting_title.setObjectName("cardTitle")
        self.waiting = QListWidget()
        self.waiting.setAccessibleName("Decisions waiting to sync")
        self.waiting.setMaximumHeight(110)
        self.waiting.setWordWrap(True)
        self.take_back = QPushButton("Undo decision")
        self.take_back.setToolTip("Take back the selected decision; possible until it is sent")
        self.take_back.clicked.connect(self._take_back)
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.addWidget(self.queue, 1)
        layout.addWidget(self.empty_state, 1)
        layout.addWidget(self.waiting_title)
        layout.addWidget(self.waiting)
        layout.addWidget(self.take_back, 0, Qt.AlignmentFlag.AlignLeft)
        return column

    def _detail_column(self) -> QWidget:
        self.course_title = QLabel()
        self.course_title.setObjectName("courseTitle")
        self.course_title.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setObjectName("pageSubtitle")
        self.meta.setWordWrap(True)
        self.refused = QLabel()
        self.refused.setObjectName("feedbackBanner")
        self.refused.setWordWrap(True)
        self.curriculum = QTextBrowser()
        self.curriculum.setOpenExternalLinks(True)
        self.description = QTextBrowser()
        self.description.setOpenExternalLinks(True)
        self.changes = QTextBrowser()
        self.history = QTextBrowser()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.curriculum, "Curriculum")
        self.tabs.addTab(self.description, "Description")
        self.tabs.addTab(self.changes, "Changes")
        self.tabs.addTab(self.history, "History")
        self.preview = QPushButton("Preview as student")
        self.preview.setToolTip("Open the course on the learning screens; nothing is recorded")
        self.preview.clicked.connect(self.preview_requested)
        self.reject = QPushButton("Send back…")
        self.reject.setToolTip("Reject with feedback for the instructor (Ctrl+Shift+R)")
        self.reject.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.reject.clicked.connect(self.reject_requested)
        self.approve = QPushButton("Approve and publish")
        self.approve.setObjectName("primary")
        self.approve.setToolTip("Publish the course to the catalog (Ctrl+Shift+A)")
        self.approve.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.approve.clicked.connect(self.approve_requested)
        actions = QHBoxLayout()
        actions.addWidget(self.preview)
        actions.addStretch(1)
        actions.addWidget(self.reject)
        actions.addWidget(self.approve)
        detail = QWidget()
        layout = QVBoxLayout(detail)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.course_title)
        layout.addWidget(self.meta)
        layout.addWidget(self.refused)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(actions)
        self.nothing = QLabel("Pick a course on the left to review it.")
        self.nothing.setObjectName("emptyState")
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = QStackedWidget()
        self.detail.addWidget(self.nothing)
        self.detail.addWidget(detail)
        return self.detail

    # ------------------------------------------------------------------ showing
    def filters(self) -> tuple[str, str | None]:
        category = self.category.currentText()
        return self.search.text(), None if category == ALL_CATEGORIES else category

    def show_queue(self, queue: Queue, selected: uuid.UUID | None) -> None:
        self.queue.blockSignals(True)
        self.queue.clear()
        for entry in queue.entries:
            item = QListWidgetItem(queue_line(entry))
            item.setData(ID_ROLE, entry.course_id)
            if entry.refused:
                item.setToolTip(entry.refused)
            self.queue.addItem(item)
            if entry.course_id == selected:
                self.queue.setCurrentItem(item)
        self.queue.blockSignals(False)
        self.queue.setVisible(bool(queue.entries))
        self.empty_state.setText(
            "No course is waiting for review. Submitted courses appear here after a sync."
            if queue.total == 0
            else "No course matches the search."
        )
        self.empty_state.setVisible(not queue.entries)
        self._show_categories(queue.categories)
        self.waiting.clear()
        for decision in queue.waiting:
            text = decision.description + (" · sending" if decision.sent else "")
            item = QListWidgetItem(
                ("✓ " if decision.decision is ReviewDecision.APPROVED else "↩ ") + text
            )
            item.setData(ID_ROLE, decision.seq)
            self.waiting.addItem(item)
        for widget in (self.waiting_title, self.waiting, self.take_back):
            widget.setVisible(bool(queue.waiting))
        shown, total, waiting = len(queue.entries), queue.total, len(queue.waiting)
        words = [f"{total} waiting" if shown == total else f"{shown} of {total} shown"]
        if waiting:
            words.append(f"{waiting} decision{'s' * (waiting != 1)} to sync")
        self.counts.setText(" · ".join(words))

    def _show_categories(self, categories: tuple[str, ...]) -> None:
        current = self.category.currentText()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(ALL_CATEGORIES)
        self.category.addItems(list(categories))
        index = self.category.findText(current)
        self.category.setCurrentIndex(max(index, 0))
        self.category.blockSignals(False)

    def show_review(self, review: CourseReview | None, title: str = "") -> None:
        self.review = review
        if review is None:
            self.detail.setCurrentIndex(0)
            return
        self.detail.setCurrentIndex(1)
        self.course_title.setText(title)
        first = submission_words(review.revision, review.changes_published)
        fields = review.fields
        facts = [fields["Instructor"], first, fields["Price"], fields["Category"]]
        self.meta.setText(" · ".join(fact for fact in facts if fact != "—"))
        self.refused.setText(f"Your last decision was not applied: {review.refused}")
        self.refused.setVisible(bool(review.refused))
        self.curriculum.setHtml(curriculum_html(review))
        self.description.setMarkdown(review.description or "*No description.*")
        self.changes.setHtml(changes_html(review))
        self.history.setHtml(history_html(review))
        changed = len(review.changes or ())
        self.tabs.setTabText(2, f"Changes ({changed})" if review.changes is not None else "Changes")
        self.tabs.setTabText(3, f"History ({len(review.history)})")

    def selected_course(self) -> uuid.UUID | None:
        item = self.queue.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def _picked(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is not None:
            self.course_selected.emit(item.data(ID_ROLE))

    def _take_back(self) -> None:
        item = self.waiting.currentItem() or self.waiting.item(0)
        if item is not None:
            self.take_back_requested.emit(item.data(ID_ROLE))


# ------------------------------------------------------------------------------ documents
def _e(text: object) -> str:
    return html.escape(str(text))


def _duration(seconds: int | None) -> str:
    return "" if not seconds else f"{seconds // 60}:{seconds % 60:02d}"


def curriculum_html(review: CourseReview) -> str:
    rows = ["<table cellspacing='0' cellpadding='3'>"]
    for label in ("Subtitle", "Level", "Language", "Tags", "Submitted"):
        rows.append(
            f"<tr><td style='color:{MUTED}'>{label}</td><td>{_e(review.fields[label])}</td></tr>"
        )
    rows.append("</table>")
    for number, section in enumerate(review.sections, start=1):
        rows.append(f"<h3>{number}. {_e(section.title)}</h3>")
        if not section.lessons:
            rows.append(f"<p style='color:{DANGER}'>No lessons.</p>")
        for lesson in section.lessons:
            rows.append(_lesson_html(lesson))
    return "".join(rows)


def _lesson_html(lesson: LessonReview) -> str:
    facts = [str(lesson.lesson_type)]
    if lesson.lesson_type is LessonType.VIDEO:
        facts.append(_duration(lesson.duration_seconds) or "duration unknown")
        if not lesson.has_video:
            facts.append(f"<span style='color:{DANGER}'>no video</span>")
    elif lesson.lesson_type in (LessonType.TEXT, LessonType.ASSIGNMENT):
        facts.append(f"{lesson.words} words")
    if lesson.is_preview:
        facts.append(f"<span style='color:{OK}'>free preview</span>")
    out = [
        f"<p><b>{_e(lesson.title)}</b> <span style='color:{MUTED}'>· {' · '.join(facts)}</span></p>"
    ]
    if lesson.links:
        links = ", ".join(f"<a href='{_e(url)}'>{_e(title)}</a>" for title, url in lesson.links)
        out.append(f"<p style='margin-left:16px'>Links: {links}</p>")
    if lesson.settings:
        out.append(f"<p style='margin-left:16px; color:{MUTED}'>{_e(lesson.settings)}</p>")
    if lesson.questions:
        out.append("<ol style='margin-left:16px'>")
        for question in lesson.questions:
            answers = (
                ", ".join(f"<span style='color:{OK}'>✓ {_e(a)}</span>" for a in question.correct)
                or f"<span style='color:{DANGER}'>no correct answer</span>"
            )
            options = "".join(f"<li>{_e(o)}</li>" for o in question.options)
            out.append(
                f"<li><b>{_e(question.prompt) or '(no text)'}</b> "
                f"<span style='color:{MUTED}'>· {question.question_type.value.replace('_', ' ')}"
                f" · {question.points} pt</span>"
                + (f"<ul>{options}</ul>" if options else "")
                + f"<div>Correct: {answers}</div>"
                + (
                    f"<div style='color:{MUTED}'>Explanation: {_e(question.explanation)}</div>"
                    if question.explanation
                    else ""
                )
                + "</li>"
            )
        out.append("</ol>")
    return "".join(out)


def changes_html(review: CourseReview) -> str:
    if review.changes is None:
        return (
            f"<p style='color:{MUTED}'>A first submission: there is no earlier decision to "
            "compare with.</p>"
        )
    if not review.changes:
        return "<p>Nothing changed since the last decision: it was resubmitted as it was.</p>"
    colour = {"added": OK, "removed": DANGER, "edited": "#1f2933", "moved": MUTED}
    items = []
    for change in review.changes:
        details = "; ".join(change.details)
        items.append(
            f"<p><span style='color:{colour[change.action]}'><b>{change.kind.capitalize()} "
            f"{change.action}</b></span>: {_e(change.title)}"
            + (f"<br><span style='color:{MUTED}'>{_e(details)}</span>" if details else "")
            + "</p>"
        )
    last = review.history[0] if review.history else None
    since = "Since the last decision:"
    if last is None and review.changes_published:
        since = "Compared with the published course students have now:"
    elif last is not None:
        verdict = "approved" if last.decision is ReviewDecision.APPROVED else "sent back"
        since = (
            f"Since it was {verdict} by {_e(last.reviewer_name)} on "
            f"{last.created_at.strftime('%d %b %Y')}:"
        )
    return f"<p>{since}</p>" + "".join(items)


def history_html(review: CourseReview) -> str:
    if not review.history:
        return f"<p style='color:{MUTED}'>No decisions yet.</p>"
    out = []
    for past in review.history:
        verdict = (
            f"<span style='color:{OK}'><b>Approved</b></span>"
            if past.decision is ReviewDecision.APPROVED
            else f"<span style='color:{DANGER}'><b>Sent back</b></span>"
        )
        when = past.created_at.strftime("%d %b %Y, %H:%M")
        out.append(
            f"<p>{verdict} by {_e(past.reviewer_name)} · {when} · revision {past.revision}</p>"
        )
        if past.feedback:
            out.append(f"<blockquote>{_e(past.feedback)}</blockquote>")
        for lesson, note in past.lesson_notes.items():
            out.append(
                f"<p style='margin-left:40px; color:{MUTED}'>Note on “{_e(lesson)}”: {_e(note)}</p>"
            )
    return "".join(out)


def reports_tab_text(count: int) -> str:
    return f"Reports ({count})" if count else "Reports"

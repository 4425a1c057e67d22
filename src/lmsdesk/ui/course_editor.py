"""The course editor: its header (title, status, submit and the other course actions), the
reviewer's feedback, conflicting edits and Undo, then the curriculum beside either the course's
details or the lesson being edited (each a panel of its own). Layout and display only: every
change leaves as a signal, and the controller saves it and redraws from the stored draft."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.authoring import Keep
from lmsdesk.contracts.enums import CourseStatus
from lmsdesk.services.authoring import Conflict, Draft
from lmsdesk.services.lesson_content import LinkDraft, QuizDraft
from lmsdesk.services.uploads import UploadView
from lmsdesk.ui.course_details_panel import CURRENCIES, THUMBNAIL_SIZE, CourseDetailsPanel
from lmsdesk.ui.curriculum_panel import CurriculumPanel
from lmsdesk.ui.fitting import ElidedLabel, scrolling
from lmsdesk.ui.icons import icon
from lmsdesk.ui.lesson_panel import LessonPanel
from lmsdesk.ui.pages import clear_layout

__all__ = ["CURRENCIES", "THUMBNAIL_SIZE", "CourseEditor"]

_STATUS_NOTE = {
    CourseStatus.DRAFT: "Draft · saved on this computer, synced when online",
    CourseStatus.REJECTED: "Changes requested by the reviewer",
    CourseStatus.PENDING: "Waiting for review · editing is locked until a decision",
    CourseStatus.APPROVED: "Published",
    CourseStatus.ARCHIVED: "Archived",
}


def _shown(value: Any) -> str:
    return "(empty)" if value in (None, "") else str(value)


class CourseEditor(QWidget):
    #: (entity, entity id, field, value)
    field_edited = Signal(str, object, str, object)
    undo_requested = Signal()
    submit_requested = Signal()
    #: (conflict id, Keep)
    resolve_requested = Signal(object, object)
    lesson_selected = Signal(object)
    preview_requested = Signal()
    delete_course_requested = Signal()
    revise_requested = Signal()
    #: The published course's cohorts and weeks (course id, title).
    schedule_requested = Signal(object, str)

    def __init__(self) -> None:
        super().__init__()
        self.draft: Draft | None = None
        self._loading = False
        self._select_next: uuid.UUID | None = None
        self.curriculum = CurriculumPanel()
        self.details = CourseDetailsPanel()
        self.lesson = LessonPanel()
        self._expose_parts()
        self.details.field_edited.connect(self.field_edited)
        self.lesson.field_edited.connect(self.field_edited)
        self.curriculum.details_requested.connect(self.show_details)
        self.tree.currentItemChanged.connect(lambda *_: self._selection_changed())

        self.panels = QStackedWidget()
        self.panels.addWidget(self.details)
        self.panels.addWidget(self.lesson)
        splitter = QSplitter()
        splitter.addWidget(self.curriculum)
        # The details or the lesson scroll when the window is smaller than they are tall.
        splitter.addWidget(scrolling(self.panels))
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 750])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._header())
        for banner in self._banners():
            layout.addWidget(banner)
        layout.addWidget(splitter, 1)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo_requested.emit)
        QShortcut(QKeySequence("Ctrl+Up"), self, lambda: self.tree.move_selected(-1))
        QShortcut(QKeySequence("Ctrl+Down"), self, lambda: self.tree.move_selected(1))

    def _expose_parts(self) -> None:
        """The panels' parts the controller and tests reach, under the editor's own names."""
        curriculum, details, lesson = self.curriculum, self.details, self.lesson
        self.tree = curriculum.tree
        self.checklist = curriculum.checklist
        self.add_section_button = curriculum.add_section_button
        self.add_lesson_button = curriculum.add_lesson_button
        self.rename_button = curriculum.rename_button
        self.delete_button = curriculum.delete_button
        self.details_button = curriculum.details_button
        self.add_section_requested = curriculum.add_section_requested
        self.add_lesson_requested = curriculum.add_lesson_requested
        self.delete_requested = curriculum.delete_requested
        self.rename_requested = curriculum.rename_requested
        self.course_title, self.subtitle, self.tags = (
            details.course_title,
            details.subtitle,
            details.tags,
        )
        self.category, self.level, self.language = details.category, details.level, details.language
        self.price, self.currency, self.description = (
            details.price,
            details.currency,
            details.description,
        )
        self.thumbnail, self.thumbnail_button = details.thumbnail, details.thumbnail_button
        self.remove_thumbnail, self.thumbnail_note = (
            details.remove_thumbnail,
            details.thumbnail_note,
        )
        self.tags_edited = details.tags_edited
        self.thumbnail_requested = details.thumbnail_requested
        self.remove_thumbnail_requested = details.remove_thumbnail_requested
        self.lesson_title, self.preview_box = lesson.lesson_title, lesson.preview_box
        self.lesson_kind, self.lesson_body = lesson.lesson_kind, lesson.lesson_body
        self.video, self.links, self.quiz_editor = lesson.video, lesson.links, lesson.quiz_editor

    def _header(self) -> QVBoxLayout:
        self.title = ElidedLabel()
        self.title.setObjectName("courseTitle")
        self.status = QLabel()
        self.status.setObjectName("pageSubtitle")
        self.status.setWordWrap(True)
        self.submit_button = QPushButton("Submit for review")
        self.submit_button.setObjectName("primary")
        self.submit_button.clicked.connect(self.submit_requested)
        self.preview_button = QPushButton("Preview as student")
        self.preview_button.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.preview_button.setToolTip(
            "See the course as a student will (Ctrl+Shift+P); nothing you do there is recorded"
        )
        self.preview_button.clicked.connect(self.preview_requested)
        self.delete_course_button = QPushButton("Delete draft…")
        self.delete_course_button.setToolTip("Throw this draft away, on every computer")
        self.delete_course_button.clicked.connect(self.delete_course_requested)
        self.revise_button = QPushButton("Change in a revision")
        self.revise_button.setToolTip(
            "Edit a copy and submit it for review; students keep the "
            "published course until it is approved"
        )
        self.revise_button.clicked.connect(self.revise_requested)
        self.revise_button.hide()
        self.schedule_button = QPushButton("Schedule…")
        self.schedule_button.setIcon(icon("calendar"))
        self.schedule_button.setToolTip(
            "Cohorts of the published course: start, weeks, due times, live sessions"
        )
        self.schedule_button.clicked.connect(self._schedule)
        self.schedule_button.hide()
        # The title shares its row with the actions (shortened with "…" when the window is
        # narrow); the status has the whole width below them.
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        for button in (
            self.schedule_button,
            self.revise_button,
            self.delete_course_button,
            self.preview_button,
            self.submit_button,
        ):
            top.addWidget(button)
        header = QVBoxLayout()
        header.setSpacing(2)
        header.addLayout(top)
        header.addWidget(self.status)
        return header

    def _schedule(self) -> None:
        draft = self.draft
        if draft is None:
            return
        published = draft.revision_of or draft.id
        self.schedule_requested.emit(published, str(draft.fields.get("title", "")))

    def _banners(self) -> list[QWidget]:
        self.feedback = QLabel()
        self.feedback.setObjectName("feedbackBanner")
        self.feedback.setWordWrap(True)
        self.conflicts = QFrame()
        self.conflicts.setObjectName("conflictBanner")
        self.conflict_rows = QVBoxLayout(self.conflicts)
        self.undo_bar = QFrame()
        self.undo_bar.setObjectName("undoBar")
        self.undo_text = QLabel()
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Put it back (Ctrl+Z)")
        self.undo_button.clicked.connect(self.undo_requested)
        undo_row = QHBoxLayout(self.undo_bar)
        undo_row.setContentsMargins(10, 4, 10, 4)
        undo_row.addWidget(self.undo_text, 1)
        undo_row.addWidget(self.undo_button)
        self.undo_bar.hide()
        return [self.feedback, self.conflicts, self.undo_bar]

    @property
    def lesson_id(self) -> uuid.UUID | None:
        """The lesson being edited (None while the course's details are shown)."""
        return self.lesson.lesson_id if self.panels.currentWidget() is self.lesson else None

    # ------------------------------------------------------------------ showing
    def select_when_shown(self, entity_id: uuid.UUID) -> None:
        """Select and focus this section or lesson once a redraw shows it (one just added:
        what is typed next goes to it, never to the row selected before)."""
        self._select_next = entity_id

    def show_draft(self, draft: Draft) -> None:
        keep = self.tree.selected()
        wanted, self._select_next = self._select_next, None
        self.draft = draft
        self._loading = True
        try:
            self._show_header(draft)
            self._show_conflicts(draft.conflicts)
            self.curriculum.show_draft(draft, wanted or (keep[1] if keep else None))
            self.details.show_draft(draft)
            self.panels.setEnabled(draft.editable)
        finally:
            self._loading = False
        selected = self.tree.selected()
        if wanted is not None and selected is not None and selected[1] == wanted:
            self.tree.setFocus()
            self._selection_changed()  # a new lesson opens in the lesson panel
        elif keep is None or keep[0] != "lesson" or selected != keep:
            self.show_details()

    def _show_header(self, draft: Draft) -> None:
        self.title.setText(draft.fields["title"])
        note = _STATUS_NOTE[draft.status]
        if draft.revision_of is not None:
            note = (
                f"Revision of a published course · {note.split(' ·')[0]} · students "
                "see the published course until this is approved"
            )
        self.status.setText(note)
        notes = "".join(f"\n• “{title}”: {note}" for title, note in draft.lesson_notes)
        self.feedback.setText(
            f"Reviewer's feedback: {draft.feedback}"
            + (f"\n\nNotes on lessons:{notes}" if notes else "")
        )
        self.feedback.setVisible(bool(draft.feedback))
        self.submit_button.setEnabled(draft.editable)
        self.delete_course_button.setVisible(draft.editable)
        self.delete_course_button.setText(
            "Discard revision…" if draft.revision_of else "Delete draft…"
        )
        self.revise_button.setVisible(draft.status is CourseStatus.APPROVED)
        # Cohorts run the published course (a revision schedules the course it revises).
        self.schedule_button.setVisible(
            draft.status is CourseStatus.APPROVED or draft.revision_of is not None
        )
        self.revise_button.setText(
            "Open the revision" if draft.open_revision else "Change in a revision"
        )
        self.submit_button.setText(
            "Submit for review" if draft.editable else _STATUS_NOTE[draft.status].split(" ·")[0]
        )

    def show_details(self) -> None:
        self.lesson.lesson_id = None
        self.panels.setCurrentWidget(self.details)

    def show_lesson(
        self,
        lesson_id: uuid.UUID,
        content: str,
        upload: UploadView | None = None,
        quiz: QuizDraft | None = None,
        subtitles: UploadView | None = None,
        links: list[LinkDraft] | None = None,
        assignment: dict[str, Any] | None = None,
    ) -> None:
        """The selected lesson's editor, with its body read from the store."""
        lesson = next(
            (
                x
                for s in (self.draft.sections if self.draft else ())
                for x in s.lessons
                if x.id == lesson_id
            ),
            None,
        )
        if lesson is None:
            return
        self.lesson.show_lesson(lesson, content, upload, quiz, subtitles, links, assignment)
        self.panels.setCurrentWidget(self.lesson)

    def show_undo(self, text: str | None) -> None:
        self.undo_text.setText(text or "")
        self.undo_bar.setVisible(text is not None)

    def flush(self) -> None:
        """Save what is being typed now (before the selection or the course changes)."""
        self.details.flush()
        self.lesson.flush()

    def _show_conflicts(self, conflicts: tuple[Conflict, ...]) -> None:
        clear_layout(self.conflict_rows)
        if conflicts:
            heading = QLabel(
                "This field was also changed on another computer. Choose which to keep:"
                if len(conflicts) == 1
                else f"{len(conflicts)} fields were also changed on another computer. "
                "Choose which to keep:"
            )
            heading.setObjectName("cardTitle")
            self.conflict_rows.addWidget(heading)
        for conflict in conflicts:
            self.conflict_rows.addWidget(self._conflict_row(conflict))
        self.conflicts.setVisible(bool(conflicts))

    def _conflict_row(self, conflict: Conflict) -> QWidget:
        words = QLabel(
            f"{conflict.where}:  this computer “{_shown(conflict.mine)}”  ·  "
            f"the other “{_shown(conflict.theirs)}”"
        )
        words.setWordWrap(True)
        mine, theirs = QPushButton("Keep mine"), QPushButton("Keep theirs")
        mine.clicked.connect(
            lambda _=False, c=conflict.id: self.resolve_requested.emit(c, Keep.MINE)
        )
        theirs.clicked.connect(
            lambda _=False, c=conflict.id: self.resolve_requested.emit(c, Keep.THEIRS)
        )
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(words, 1)
        row.addWidget(mine)
        row.addWidget(theirs)
        return holder

    def _selection_changed(self) -> None:
        if self._loading:
            return
        self.flush()
        selected = self.tree.selected()
        if selected is not None and selected[0] == "lesson":
            self.lesson_selected.emit(selected[1])
        else:
            self.show_details()

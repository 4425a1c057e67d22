"""The course editor: details, the curriculum tree, the lesson being edited, the submit
checklist, the reviewer's feedback and any conflicting edits. Layout and display only: every
change leaves as a signal, and the controller saves it and redraws from the stored draft."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.authoring import Keep
from lmsdesk.contracts.enums import CourseLevel, CourseStatus, LessonType
from lmsdesk.services.authoring import Conflict, Draft, LinkDraft, QuizDraft
from lmsdesk.services.uploads import UploadView
from lmsdesk.ui.curriculum_tree import CurriculumTree
from lmsdesk.ui.links_panel import LinksPanel
from lmsdesk.ui.markdown_editor import MarkdownEditor
from lmsdesk.ui.pages import clear_layout
from lmsdesk.ui.quiz_editor import QuizEditor
from lmsdesk.ui.video_upload_panel import VideoUploadPanel

CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "INR", "JPY")
_LEVELS = {
    CourseLevel.ALL_LEVELS: "All levels",
    CourseLevel.BEGINNER: "Beginner",
    CourseLevel.INTERMEDIATE: "Intermediate",
    CourseLevel.ADVANCED: "Advanced",
}
THUMBNAIL_SIZE = QSize(160, 90)
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
    add_section_requested = Signal()
    #: (section id or None for the selected one, lesson type)
    add_lesson_requested = Signal(object, object)
    #: ("section" | "lesson", id)
    delete_requested = Signal(str, object)
    undo_requested = Signal()
    submit_requested = Signal()
    #: (conflict id, Keep)
    resolve_requested = Signal(object, object)
    lesson_selected = Signal(object)
    rename_requested = Signal()
    #: (course id, the tags as typed)
    tags_edited = Signal(object, str)
    preview_requested = Signal()
    delete_course_requested = Signal()
    revise_requested = Signal()
    thumbnail_requested = Signal()
    remove_thumbnail_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.draft: Draft | None = None
        self.lesson_id: uuid.UUID | None = None
        self._loading = False

        self.title = QLabel()
        self.title.setObjectName("courseTitle")
        self.status = QLabel()
        self.status.setObjectName("pageSubtitle")
        self.status.setWordWrap(True)
        self.submit_button = QPushButton("Submit for review")
        self.submit_button.setObjectName("primary")
        self.submit_button.clicked.connect(self.submit_requested)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.status)
        top.addLayout(titles, 1)
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
        top.addWidget(self.revise_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.delete_course_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.preview_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.submit_button, 0, Qt.AlignmentFlag.AlignTop)

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

        splitter = QSplitter()
        splitter.addWidget(self._curriculum_panel())
        self.panels = QStackedWidget()
        self.panels.addWidget(self._details_panel())
        self.panels.addWidget(self._lesson_panel())
        splitter.addWidget(self.panels)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 750])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        for banner in (self.feedback, self.conflicts, self.undo_bar):
            layout.addWidget(banner)
        layout.addWidget(splitter, 1)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo_requested.emit)
        QShortcut(QKeySequence("Ctrl+Up"), self, lambda: self.tree.move_selected(-1))
        QShortcut(QKeySequence("Ctrl+Down"), self, lambda: self.tree.move_selected(1))

    # ------------------------------------------------------------------ building
    def _curriculum_panel(self) -> QWidget:
        panel = QFrame()
        panel.setObjectName("card")
        self.tree = CurriculumTree()
        self.tree.currentItemChanged.connect(lambda *_: self._selection_changed())
        self.add_section_button = QPushButton("+ Section")
        self.add_section_button.clicked.connect(self.add_section_requested)
        self.add_lesson_button = QToolButton()
        self.add_lesson_button.setText("+ Lesson")
        self.add_lesson_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_lesson_button)
        for kind, words in (
            (LessonType.TEXT, "Text lesson"),
            (LessonType.VIDEO, "Video lesson"),
            (LessonType.QUIZ, "Quiz"),
        ):
            action = menu.addAction(words)
            action.triggered.connect(self._adder(kind))
        self.add_lesson_button.setMenu(menu)
        self.rename_button = QPushButton("Rename")
        self.rename_button.setShortcut(QKeySequence("F2"))
        self.rename_button.clicked.connect(self.rename_requested)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_button.clicked.connect(self._delete_selected)
        buttons = QGridLayout()  # two rows: the tree may be narrow
        buttons.addWidget(self.add_section_button, 0, 0)
        buttons.addWidget(self.add_lesson_button, 0, 1)
        buttons.addWidget(self.rename_button, 1, 0)
        buttons.addWidget(self.delete_button, 1, 1)
        self.add_lesson_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.details_button = QPushButton("⚙  Course details")
        self.details_button.setObjectName("linkButton")
        self.details_button.setToolTip("Title, description, category, level, language and price")
        curriculum = QLabel("Curriculum")
        curriculum.setObjectName("cardTitle")
        self.details_button.clicked.connect(self.show_details)
        self.checklist = QLabel()
        self.checklist.setWordWrap(True)
        self.checklist.setObjectName("checklist")
        layout = QVBoxLayout(panel)
        layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(curriculum)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.checklist)
        return panel

    def _tags_finished(self) -> None:
        if not self._loading and self.draft is not None:
            self.tags_edited.emit(self.draft.id, self.tags.text())

    def _adder(self, kind: LessonType) -> Callable[[], None]:
        return lambda: self.add_lesson_requested.emit(None, kind)

    def _thumbnail_row(self) -> QHBoxLayout:
        self.thumbnail = QLabel()
        self.thumbnail.setObjectName("thumbnail")
        self.thumbnail.setFixedSize(THUMBNAIL_SIZE)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setWordWrap(True)
        self.thumbnail_button = QPushButton("Choose image…")
        self.thumbnail_button.setToolTip(
            "A PNG or JPEG, 16:9 (1280×720 is plenty); uploaded when online"
        )
        self.thumbnail_button.clicked.connect(self.thumbnail_requested)
        self.remove_thumbnail = QPushButton("Remove")
        self.remove_thumbnail.clicked.connect(self.remove_thumbnail_requested)
        self.thumbnail_note = QLabel()
        self.thumbnail_note.setObjectName("pageSubtitle")
        buttons = QVBoxLayout()
        buttons.addWidget(self.thumbnail_button)
        buttons.addWidget(self.remove_thumbnail)
        buttons.addWidget(self.thumbnail_note)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.thumbnail)
        row.addLayout(buttons)
        row.addStretch(1)
        return row

    def _show_thumbnail(self, draft: Draft) -> None:
        picture = QPixmap(str(draft.thumbnail)) if draft.thumbnail is not None else QPixmap()
        if picture.isNull():
            self.thumbnail.setPixmap(QPixmap())
            self.thumbnail.setText(
                "No image" if draft.thumbnail_note.startswith("No") else "Image on the server"
            )
        else:
            self.thumbnail.setPixmap(
                picture.scaled(
                    THUMBNAIL_SIZE,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        self.thumbnail_note.setText(draft.thumbnail_note)
        self.thumbnail_button.setEnabled(draft.editable)
        has_one = draft.thumbnail is not None or not draft.thumbnail_note.startswith("No")
        self.remove_thumbnail.setEnabled(draft.editable and has_one)

    def _details_panel(self) -> QWidget:
        panel = QWidget()
        self.course_title = QLineEdit()
        self.course_title.setMaxLength(200)
        self.subtitle = QLineEdit()
        self.subtitle.setMaxLength(300)
        self.subtitle.setPlaceholderText("One line that sells the course")
        self.category = QComboBox()
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("Comma separated: sqlite, offline, sync (at most 10)")
        self.level = QComboBox()
        for level, words in _LEVELS.items():
            self.level.addItem(words, level.value)
        self.language = QLineEdit()
        self.language.setPlaceholderText("en, de, pt-BR")
        self.language.setMaximumWidth(120)
        self.price = QDoubleSpinBox()
        self.price.setRange(0, 1_000_000)
        self.price.setDecimals(2)
        self.price.setSpecialValueText("Free")
        self.currency = QComboBox()
        self.currency.addItems(CURRENCIES)
        price_row = QHBoxLayout()
        price_row.addWidget(self.price)
        price_row.addWidget(self.currency)
        price_row.addStretch(1)
        self.description = MarkdownEditor(
            "Describe the course in Markdown: what students learn, who it is for."
        )
        form = QFormLayout(panel)
        form.addRow("Title", self.course_title)
        form.addRow("Subtitle", self.subtitle)
        form.addRow("Category", self.category)
        form.addRow("Tags", self.tags)
        form.addRow("Level", self.level)
        form.addRow("Language", self.language)
        form.addRow("Price", price_row)
        form.addRow("Thumbnail", self._thumbnail_row())
        form.addRow("Description", self.description)

        def course(field: str, value: Any) -> None:
            if not self._loading and self.draft is not None:
                self.field_edited.emit("course", self.draft.id, field, value)

        self.course_title.editingFinished.connect(
            lambda: course("title", self.course_title.text().strip())
        )
        self.subtitle.editingFinished.connect(lambda: course("subtitle", self.subtitle.text()))
        self.language.editingFinished.connect(
            lambda: course("language_code", self.language.text().strip())
        )
        self.price.editingFinished.connect(
            lambda: course("price_cents", round(self.price.value() * 100))
        )
        self.category.activated.connect(
            lambda _i: course("category_id", self.category.currentData())
        )
        self.level.activated.connect(lambda _i: course("level", self.level.currentData()))
        self.currency.activated.connect(lambda _i: course("currency", self.currency.currentText()))
        self.description.edited.connect(lambda text: course("description", text))
        self.tags.editingFinished.connect(self._tags_finished)
        return panel

    def _lesson_panel(self) -> QWidget:
        panel = QWidget()
        self.lesson_title = QLineEdit()
        self.lesson_title.setMaxLength(200)
        self.preview_box = QCheckBox("Free preview (anyone can watch or read it before buying)")
        self.lesson_kind = QLabel()
        self.lesson_kind.setObjectName("pageSubtitle")
        self.lesson_body = MarkdownEditor("Write the lesson in Markdown.")
        self.video = VideoUploadPanel()
        self.links = LinksPanel()
        self.quiz_editor = QuizEditor()
        self.quiz_editor.field_edited.connect(self.field_edited)
        form = QFormLayout(panel)
        form.addRow("Lesson title", self.lesson_title)
        form.addRow("", self.preview_box)
        form.addRow("Type", self.lesson_kind)
        form.addRow(self.lesson_body)
        form.addRow("Video", self.video)
        form.addRow(self.quiz_editor)
        form.addRow("Resources", self.links)
        self._lesson_form = form

        def lesson(field: str, value: Any) -> None:
            if not self._loading and self.lesson_id is not None:
                self.field_edited.emit("lesson", self.lesson_id, field, value)

        self.lesson_title.editingFinished.connect(
            lambda: lesson("title", self.lesson_title.text().strip())
        )
        self.preview_box.toggled.connect(lambda on: lesson("is_preview", on))
        self.lesson_body.edited.connect(lambda text: lesson("content", text))
        return panel

    # ------------------------------------------------------------------ showing
    def show_draft(self, draft: Draft) -> None:
        keep = self.tree.selected()
        self.draft = draft
        self._loading = True
        try:
            fields = draft.fields
            self.title.setText(fields["title"])
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
            self._show_conflicts(draft.conflicts)
            self.tree.show_sections(draft.sections, keep[1] if keep else None)
            self.course_title.setText(fields["title"])
            self.subtitle.setText(fields["subtitle"])
            if not self.tags.hasFocus():
                self.tags.setText(", ".join(draft.tags))
            self.category.clear()
            self.category.addItem("No category", None)
            for category_id, name in draft.categories:
                self.category.addItem(name, category_id)
            self.category.setCurrentIndex(max(self.category.findData(fields["category_id"]), 0))
            self.level.setCurrentIndex(max(self.level.findData(fields["level"]), 0))
            self.language.setText(fields["language_code"])
            self.price.setValue(fields["price_cents"] / 100)
            self.currency.setCurrentText(fields["currency"])
            if self.description.text() != fields["description"]:
                self.description.load(fields["description"])
            ready = not draft.problems
            self.checklist.setText(
                "✓ Ready for review"
                if ready
                else "Before you submit:\n" + "\n".join(f"•  {p}" for p in draft.problems)
            )
            self.checklist.setObjectName("okText" if ready else "warningText")
            self.checklist.style().unpolish(self.checklist)  # the rule follows the new name
            self.checklist.style().polish(self.checklist)
            for widget in (
                self.panels,
                self.add_section_button,
                self.add_lesson_button,
                self.rename_button,
                self.delete_button,
            ):
                widget.setEnabled(draft.editable)
            self.tree.setDragEnabled(draft.editable)
            self.submit_button.setEnabled(draft.editable)
            self.delete_course_button.setVisible(draft.editable)
            self.delete_course_button.setText(
                "Discard revision…" if draft.revision_of else "Delete draft…"
            )
            self._show_thumbnail(draft)
            self.revise_button.setVisible(draft.status is CourseStatus.APPROVED)
            self.revise_button.setText(
                "Open the revision" if draft.open_revision else "Change in a revision"
            )
            self.submit_button.setText(
                "Submit for review" if draft.editable else _STATUS_NOTE[draft.status].split(" ·")[0]
            )
        finally:
            self._loading = False
        if keep is None or keep[0] != "lesson" or self.tree.selected() != keep:
            self.show_details()

    def show_details(self) -> None:
        self.lesson_id = None
        self.panels.setCurrentIndex(0)

    def show_lesson(
        self,
        lesson_id: uuid.UUID,
        content: str,
        upload: UploadView | None = None,
        quiz: QuizDraft | None = None,
        subtitles: UploadView | None = None,
        links: list[LinkDraft] | None = None,
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
        self._loading = True
        try:
            self.lesson_id = lesson_id
            self.lesson_title.setText(lesson.title)
            self.preview_box.setChecked(lesson.is_preview)
            self.lesson_kind.setText(lesson.lesson_type.value.capitalize())
            is_text = lesson.lesson_type is LessonType.TEXT
            self.lesson_body.setVisible(is_text)
            if is_text:
                self.lesson_body.load(content)
            is_video = lesson.lesson_type is LessonType.VIDEO
            self._lesson_form.setRowVisible(self.video, is_video)
            if is_video:
                self.video.show_upload(
                    upload, has_video=lesson.has_video, seconds=lesson.duration_seconds
                )
                self.video.show_subtitles(subtitles, has_subtitles=lesson.has_subtitles)
            self._lesson_form.setRowVisible(self.quiz_editor, quiz is not None)
            self.links.show_links(links or [])
            if quiz is not None:
                self.quiz_editor.show_quiz(quiz)
            self.panels.setCurrentIndex(1)
        finally:
            self._loading = False

    def show_undo(self, text: str | None) -> None:
        self.undo_text.setText(text or "")
        self.undo_bar.setVisible(text is not None)

    def flush(self) -> None:
        """Save what is being typed now (before the selection or the course changes)."""
        self.description.flush()
        self.lesson_body.flush()

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
            row = QHBoxLayout()
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
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(words, 1)
            row.addWidget(mine)
            row.addWidget(theirs)
            holder.setLayout(row)
            self.conflict_rows.addWidget(holder)
        self.conflicts.setVisible(bool(conflicts))

    def _selection_changed(self) -> None:
        if self._loading:
            return
        self.flush()
        selected = self.tree.selected()
        if selected is not None and selected[0] == "lesson":
            self.lesson_selected.emit(selected[1])
        else:
            self.show_details()

    def _delete_selected(self) -> None:
        selected = self.tree.selected()
        if selected is not None:
            self.delete_requested.emit(*selected)

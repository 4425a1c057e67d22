"""The lesson being edited: its title, free preview, and by its type the Markdown body, the
video and subtitles, or the quiz; its resources. Layout and display only: edits leave as
signals."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from lmsdesk.contracts.enums import LessonType
from lmsdesk.services.authoring import LessonOutline
from lmsdesk.services.lesson_content import LinkDraft, QuizDraft
from lmsdesk.services.uploads import UploadView
from lmsdesk.ui.assignment_editor import AssignmentEditor
from lmsdesk.ui.editing import show_checked, show_text
from lmsdesk.ui.fitting import ElidedLabel
from lmsdesk.ui.links_panel import LinksPanel
from lmsdesk.ui.markdown_editor import MarkdownEditor
from lmsdesk.ui.quiz_editor import QuizEditor
from lmsdesk.ui.video_upload_panel import VideoUploadPanel


class LessonPanel(QWidget):
    #: (entity, entity id, field, value)
    field_edited = Signal(str, object, str, object)
    prerequisites_requested = Signal(object)  # lesson id

    def __init__(self) -> None:
        super().__init__()
        self.lesson_id: uuid.UUID | None = None
        self._loading = False
        self.lesson_title = QLineEdit()
        self.lesson_title.setMaxLength(200)
        self.preview_box = QCheckBox("Free preview")
        self.preview_box.setToolTip("Anyone can watch or read this lesson before buying")
        self.lesson_kind = QLabel()
        self.lesson_kind.setObjectName("pageSubtitle")
        self.lesson_body = MarkdownEditor("Write the lesson in Markdown.")
        self.video = VideoUploadPanel()
        self.links = LinksPanel()
        self.quiz_editor = QuizEditor()
        self.quiz_editor.field_edited.connect(self.field_edited)
        self.assignment_editor = AssignmentEditor()
        self.assignment_editor.field_edited.connect(self.field_edited)
        form = QFormLayout(self)
        # Narrow (a small window), a label goes above its field rather than squash it.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Lesson title", self.lesson_title)
        form.addRow("", self.preview_box)
        form.addRow("Type", self.lesson_kind)
        form.addRow(self.lesson_body)
        form.addRow("Video", self.video)
        form.addRow(self.quiz_editor)
        form.addRow(self.assignment_editor)
        form.addRow("Resources", self.links)
        # Prerequisites: the lessons a student completes before this one opens.
        self.prerequisites = ElidedLabel("None: opens with its section")
        self.prerequisites_button = QPushButton("Choose…")
        self.prerequisites_button.setToolTip("Lessons a student must complete before this one")
        self.prerequisites_button.clicked.connect(
            lambda: self.prerequisites_requested.emit(self.lesson_id)
        )
        needs = QHBoxLayout()
        needs.addWidget(self.prerequisites, 1)
        needs.addWidget(self.prerequisites_button)
        form.addRow("Opens after", needs)
        self._form = form

        def lesson(field: str, value: Any) -> None:
            if not self._loading and self.lesson_id is not None:
                self.field_edited.emit("lesson", self.lesson_id, field, value)

        self.lesson_title.editingFinished.connect(
            lambda: lesson("title", self.lesson_title.text().strip())
        )
        self.preview_box.toggled.connect(lambda on: lesson("is_preview", on))
        self.lesson_body.edited.connect(lambda text: lesson("content", text))

    def show_lesson(
        self,
        lesson: LessonOutline,
        content: str,
        upload: UploadView | None = None,
        quiz: QuizDraft | None = None,
        subtitles: UploadView | None = None,
        links: list[LinkDraft] | None = None,
        assignment: dict[str, Any] | None = None,
    ) -> None:
        self._loading = True
        try:
            other_lesson = self.lesson_id != lesson.id
            self.lesson_id = lesson.id
            if other_lesson:  # a new lesson replaces everything shown
                self.lesson_title.setText(lesson.title)
                self.preview_box.setChecked(lesson.is_preview)
            else:  # the same lesson redrawn: what is being edited stays as typed
                show_text(self.lesson_title, lesson.title)
                show_checked(self.preview_box, lesson.is_preview)
            self.lesson_kind.setText(lesson.lesson_type.value.capitalize())
            # An assignment's body is its instructions.
            is_text = lesson.lesson_type in (LessonType.TEXT, LessonType.ASSIGNMENT)
            self.lesson_body.setVisible(is_text)
            if is_text:
                self.lesson_body.load(content)
            self._form.setRowVisible(self.assignment_editor, assignment is not None)
            if assignment is not None:
                self.assignment_editor.show_settings(lesson.id, assignment)
            is_video = lesson.lesson_type is LessonType.VIDEO
            self._form.setRowVisible(self.video, is_video)
            if is_video:
                self.video.show_upload(
                    upload, has_video=lesson.has_video, seconds=lesson.duration_seconds
                )
                self.video.show_subtitles(subtitles, has_subtitles=lesson.has_subtitles)
            self._form.setRowVisible(self.quiz_editor, quiz is not None)
            self.links.show_links(links or [])
            if quiz is not None:
                self.quiz_editor.show_quiz(quiz)
        finally:
            self._loading = False

    def show_prerequisites(self, titles: list[str]) -> None:
        self.prerequisites.setText(
            ", ".join(f"“{t}”" for t in titles) if titles else "None: opens with its section"
        )

    def flush(self) -> None:
        """Save what is being typed now (before the selection or the course changes)."""
        self.lesson_body.flush()
        if self.quiz_editor.isVisibleTo(self):
            self.quiz_editor.flush()

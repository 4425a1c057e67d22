"""Send a course back: feedback for the instructor (required) and optional notes on single
lessons, which the instructor sees beside those lessons."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.services.moderation import CourseReview

ID_ROLE = Qt.ItemDataRole.UserRole


class RejectDialog(QDialog):
    def __init__(self, review: CourseReview, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Send back for changes")
        self.resize(620, 520)
        heading = QLabel(f"Send back “{title}”")
        heading.setObjectName("dialogTitle")
        heading.setWordWrap(True)
        explain = QLabel(
            "What must change before it can be published? The instructor reads "
            "this; it cannot be taken back once sent."
        )
        explain.setWordWrap(True)
        self.feedback = QPlainTextEdit()
        self.feedback.setAccessibleName("Feedback for the instructor")
        self.feedback.setPlaceholderText(
            "e.g. The quiz in section 2 tests things the lessons never explain."
        )
        self.feedback.textChanged.connect(self._update)
        notes_label = QLabel("Notes on single lessons (optional): double-click the Note column.")
        notes_label.setWordWrap(True)
        self.notes = QTreeWidget()
        self.notes.setColumnCount(2)
        self.notes.setHeaderLabels(["Lesson", "Note"])
        self.notes.setAccessibleName("Notes on lessons")
        self.notes.setRootIsDecorated(True)
        for section in review.sections:
            parent_item = QTreeWidgetItem([section.title, ""])
            parent_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for lesson in section.lessons:
                item = QTreeWidgetItem([lesson.title, ""])
                item.setData(0, ID_ROLE, lesson.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                parent_item.addChild(item)
            self.notes.addTopLevelItem(parent_item)
        self.notes.expandAll()
        self.notes.setColumnWidth(0, 240)
        self.notes.itemDoubleClicked.connect(
            lambda item, _column: self.notes.editItem(item, 1) if item.parent() else None
        )
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send = self.buttons.addButton("Send back", QDialogButtonBox.ButtonRole.AcceptRole)
        self.send.setObjectName("primary")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addWidget(self.feedback, 2)
        layout.addWidget(notes_label)
        layout.addWidget(self.notes, 3)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        ready = bool(self.feedback.toPlainText().strip())
        self.send.setEnabled(ready)
        self.send.setToolTip("" if ready else "Write what must change first")

    def set_note(self, lesson_id: uuid.UUID, note: str) -> None:
        for item in self._lesson_items():
            if item.data(0, ID_ROLE) == lesson_id:
                item.setText(1, note)

    def result_value(self) -> tuple[str, dict[uuid.UUID, str]]:
        notes = {item.data(0, ID_ROLE): item.text(1).strip() for item in self._lesson_items()}
        return self.feedback.toPlainText().strip(), {k: v for k, v in notes.items() if v}

    def _lesson_items(self) -> list[QTreeWidgetItem]:
        items = []
        for index in range(self.notes.topLevelItemCount()):
            section = self.notes.topLevelItem(index)
            if section is None:
                continue
            for i in range(section.childCount()):
                child = section.child(i)
                if child is not None:
                    items.append(child)
        return items

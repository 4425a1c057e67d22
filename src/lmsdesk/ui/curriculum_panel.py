"""The curriculum in the editor: the tree of sections and lessons, the buttons that add, rename
and delete them, and the submit checklist. Layout and display only: actions leave as signals."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
)

from lmsdesk.contracts.enums import LessonType
from lmsdesk.services.authoring import Draft
from lmsdesk.ui.curriculum_tree import CurriculumTree


class CurriculumPanel(QFrame):
    add_section_requested = Signal()
    #: (section id or None for the selected one, lesson type)
    add_lesson_requested = Signal(object, object)
    #: ("section" | "lesson", id)
    delete_requested = Signal(str, object)
    rename_requested = Signal()
    details_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card")
        self.tree = CurriculumTree()
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
            (LessonType.ASSIGNMENT, "Assignment"),
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
        self.details_button.clicked.connect(self.details_requested)
        curriculum = QLabel("Curriculum")
        curriculum.setObjectName("cardTitle")
        self.checklist = QLabel()
        self.checklist.setWordWrap(True)
        self.checklist.setObjectName("checklist")
        layout = QVBoxLayout(self)
        layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(curriculum)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.checklist)

    def _adder(self, kind: LessonType) -> Callable[[], None]:
        return lambda: self.add_lesson_requested.emit(None, kind)

    def _delete_selected(self) -> None:
        selected = self.tree.selected()
        if selected is not None:
            self.delete_requested.emit(*selected)

    def show_draft(self, draft: Draft, keep: uuid.UUID | None) -> None:
        """The sections and lessons (the row `keep` stays selected), the checklist, and what
        may be changed."""
        self.tree.show_sections(draft.sections, keep)
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
            self.add_section_button,
            self.add_lesson_button,
            self.rename_button,
            self.delete_button,
        ):
            widget.setEnabled(draft.editable)
        self.tree.setDragEnabled(draft.editable)

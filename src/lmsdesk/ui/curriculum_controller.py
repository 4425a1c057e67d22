"""The curriculum's behaviour in the course editor: sections and lessons added, renamed, moved
by dragging or Ctrl+Up/Down, and deleted with Undo (the bar that appears, or Ctrl+Z)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from lmsdesk.contracts.enums import LessonType
from lmsdesk.services.curriculum import CurriculumService, DeletedLesson, DeletedSection
from lmsdesk.ui.curriculum_tree import ID_ROLE

if TYPE_CHECKING:
    from lmsdesk.ui.authoring_controller import AuthoringController

_KIND_WORDS = {
    LessonType.TEXT: "text lesson",
    LessonType.VIDEO: "video lesson",
    LessonType.QUIZ: "quiz",
    LessonType.ASSIGNMENT: "assignment",
}


class CurriculumController:
    def __init__(self, owner: AuthoringController, service: CurriculumService) -> None:
        self._owner, self.service = owner, service
        self._undo: DeletedSection | DeletedLesson | None = None
        editor = owner.editor
        editor.add_section_requested.connect(self.add_section)
        editor.add_lesson_requested.connect(self.add_lesson)
        editor.delete_requested.connect(self.delete)
        editor.undo_requested.connect(self.undo)
        editor.rename_requested.connect(self.rename_selected)
        editor.tree.section_moved.connect(
            lambda section, index: owner.change(lambda: service.move_section(section, index))
        )
        editor.tree.lesson_moved.connect(
            lambda lesson, section, index: owner.change(
                lambda: service.move_lesson(lesson, section, index)
            )
        )

    def forget_undo(self) -> None:
        """Another course opened: its Undo would put a lesson back into the wrong course."""
        self._undo = None
        self._owner.editor.show_undo(None)

    def add_section(self) -> None:
        course = self._owner.course
        title = self._owner.ask_text("New section", "Section title:", "")
        if course is None or not title:
            return
        self._added(lambda: self.service.add_section(course, title))

    def add_lesson(self, section_id: uuid.UUID | None, kind: LessonType) -> None:
        section = section_id or self._selected_section()
        if section is None:
            self._owner.tell("Add a section first: lessons live in sections.")
            return
        title = self._owner.ask_text(f"New {_KIND_WORDS[kind]}", "Lesson title:", "")
        if title:
            self._added(lambda: self.service.add_lesson(section, title, kind))

    def _added(self, add: Callable[[], uuid.UUID]) -> None:
        """Add a row, then select and focus it when the redraw shows it."""

        def stored(new_id: uuid.UUID) -> None:
            self._owner.editor.select_when_shown(new_id)
            self._owner.refresh()

        self._owner.run(add, on_success=stored)

    def delete(self, kind: str, entity_id: uuid.UUID) -> None:
        remove = self.service.delete_section if kind == "section" else self.service.delete_lesson

        def done(kept: DeletedSection | DeletedLesson) -> None:
            self._undo = kept
            name = kept.title if isinstance(kept, DeletedSection) else kept.lesson["title"]
            extra = (
                f" and its {len(kept.lessons)} lesson(s)"
                if isinstance(kept, DeletedSection) and kept.lessons
                else ""
            )
            self._owner.editor.show_undo(f"Deleted {kind} “{name}”{extra}.")
            self._owner.refresh()

        self._owner.run(lambda: remove(entity_id), on_success=done)

    def undo(self) -> None:
        kept, self._undo = self._undo, None
        self._owner.editor.show_undo(None)
        if kept is not None:
            self._owner.change(lambda: self.service.undo_delete(kept))

    def rename_selected(self) -> None:
        tree = self._owner.editor.tree
        selected, item = tree.selected(), tree.currentItem()
        if selected is None or item is None:
            return
        current = item.text(0).split(": ", 1)[-1] if selected[0] == "section" else ""
        title = self._owner.ask_text(f"Rename {selected[0]}", "Title:", current)
        if title:
            self._owner.edit(selected[0], selected[1], "title", title)

    def _selected_section(self) -> uuid.UUID | None:
        tree = self._owner.editor.tree
        item = tree.currentItem()
        if item is None:  # nothing selected: the last section
            item = tree.topLevelItem(tree.topLevelItemCount() - 1)
            if item is None:
                return None
        section = item.parent() or item
        return section.data(0, ID_ROLE)

"""The Authoring page's behaviour: every edit goes to AuthoringService on the database lane
(a local change plus a draft mutation; sync sends it later) and the editor is redrawn from what
was stored. Deletes can be undone from the bar that appears (or Ctrl+Z)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from lmsdesk.contracts.authoring import Keep
from lmsdesk.contracts.enums import LessonType
from lmsdesk.services.authoring import (
    AuthoredCourse,
    AuthoringService,
    DeletedLesson,
    DeletedSection,
    Draft,
)
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.session import NotSignedIn
from lmsdesk.ui.authoring_page import AuthoringPage
from lmsdesk.ui.curriculum_tree import ID_ROLE
from lmsdesk.ui.tasks import TaskManager

_log = logging.getLogger(__name__)
_KIND_WORDS = {LessonType.TEXT: "text lesson", LessonType.VIDEO: "video lesson",
               LessonType.QUIZ: "quiz"}  # fmt: skip

#: (dialog title, label, suggested text) -> the text, or None when cancelled
AskText = Callable[[str, str, str], str | None]


class AuthoringController(QObject):
    def __init__(
        self,
        *,
        page: AuthoringPage,
        service: AuthoringService,
        tasks: TaskManager,
        ask_text: AskText | None = None,
        tell: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(page)
        self._page, self._service, self._tasks = page, service, tasks
        self.ask_text = ask_text or self._dialog
        self.tell = tell or (lambda text: QMessageBox.information(page, "Authoring", text))
        self._course: uuid.UUID | None = None
        self._undo: DeletedSection | DeletedLesson | None = None
        editor = page.editor
        page.new_course_requested.connect(self.new_course)
        page.course_selected.connect(self.open_course)
        page.back_requested.connect(self.close_course)
        editor.field_edited.connect(self.edit)
        editor.add_section_requested.connect(self.add_section)
        editor.add_lesson_requested.connect(self.add_lesson)
        editor.delete_requested.connect(self.delete)
        editor.undo_requested.connect(self.undo)
        editor.submit_requested.connect(self.submit)
        editor.resolve_requested.connect(self.resolve)
        editor.lesson_selected.connect(self._open_lesson)
        editor.rename_requested.connect(self.rename_selected)
        editor.tree.section_moved.connect(
            lambda section, index: self._change(lambda: service.move_section(section, index))
        )
        editor.tree.lesson_moved.connect(
            lambda lesson, section, index: self._change(
                lambda: service.move_lesson(lesson, section, index)))  # fmt: skip

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        """The course list, and the open course redrawn (after sign-in and every sync)."""
        course = self._course

        def load() -> tuple[list[AuthoredCourse], Draft | None]:
            draft = self._service.draft(course) if course is not None else None
            return self._service.my_courses(), draft

        self._tasks.run(load, on_success=self._show, on_failure=self._not_shown)

    def _not_shown(self, error: BaseException) -> None:
        """A redraw that could not happen (signed out meanwhile, the course gone after a sync):
        show the list as it is; a background refresh never pops up a dialog."""
        if not isinstance(error, (UserFacingError, NotSignedIn)):
            _log.error("authoring redraw failed", exc_info=error)
        self._course = None
        self._page.show_courses([], None)

    def open_course(self, course_id: uuid.UUID) -> None:
        self._page.editor.flush()
        self._course = course_id
        self._undo = None
        self._page.editor.show_undo(None)
        self.refresh()

    def close_course(self) -> None:
        self._page.editor.flush()
        self._course = None
        self.refresh()

    def _show(self, loaded: tuple[list[AuthoredCourse], Draft | None]) -> None:
        courses, draft = loaded
        self._page.show_courses(courses, self._course)
        if draft is not None:
            self._page.editor.show_draft(draft)
            self._page.show_editor()

    def _open_lesson(self, lesson_id: uuid.UUID) -> None:
        editor = self._page.editor
        self._tasks.run(lambda: self._service.lesson_content(lesson_id),
                        on_success=lambda text: editor.show_lesson(lesson_id, text),
                        on_failure=self._failed)  # fmt: skip

    # ------------------------------------------------------------------ changes
    def new_course(self) -> None:
        title = self.ask_text("New course", "Course title:", "")
        if not title:
            return

        def created(course_id: uuid.UUID) -> None:
            self.open_course(course_id)

        self._tasks.run(lambda: self._service.create_course(title), on_success=created,
                        on_failure=self._failed)  # fmt: skip

    def edit(self, entity: str, entity_id: uuid.UUID, field: str, value: Any) -> None:
        self._change(lambda: self._service.edit(entity, entity_id, field, value))

    def add_section(self) -> None:
        course = self._course
        title = self.ask_text("New section", "Section title:", "")
        if course is None or not title:
            return
        self._change(lambda: self._service.add_section(course, title))

    def add_lesson(self, section_id: uuid.UUID | None, kind: LessonType) -> None:
        section = section_id or self._selected_section()
        if section is None:
            self.tell("Add a section first: lessons live in sections.")
            return
        title = self.ask_text(f"New {_KIND_WORDS[kind]}", "Lesson title:", "")
        if title:
            self._change(lambda: self._service.add_lesson(section, title, kind))

    def delete(self, kind: str, entity_id: uuid.UUID) -> None:
        remove = self._service.delete_section if kind == "section" else self._service.delete_lesson

        def done(kept: DeletedSection | DeletedLesson) -> None:
            self._undo = kept
            name = kept.title if isinstance(kept, DeletedSection) else kept.lesson["title"]
            extra = (f" and its {len(kept.lessons)} lesson(s)"
                     if isinstance(kept, DeletedSection) and kept.lessons else "")  # fmt: skip
            self._page.editor.show_undo(f"Deleted {kind} “{name}”{extra}.")
            self.refresh()

        self._tasks.run(lambda: remove(entity_id), on_success=done, on_failure=self._failed)

    def undo(self) -> None:
        kept, self._undo = self._undo, None
        self._page.editor.show_undo(None)
        if kept is not None:
            self._change(lambda: self._service.undo_delete(kept))

    def submit(self) -> None:
        course = self._course
        if course is None:
            return
        self._page.editor.flush()
        self._change(lambda: self._service.submit(course))

    def resolve(self, conflict_id: uuid.UUID, keep: Keep) -> None:
        self._change(lambda: self._service.resolve(conflict_id, keep))

    def rename_selected(self) -> None:
        selected = self._page.editor.tree.selected()
        item = self._page.editor.tree.currentItem()
        if selected is None or item is None:
            return
        current = item.text(0).split(": ", 1)[-1] if selected[0] == "section" else ""
        title = self.ask_text(f"Rename {selected[0]}", "Title:", current)
        if title:
            self.edit(selected[0], selected[1], "title", title)

    # ------------------------------------------------------------------ helpers
    def _change(self, change: Callable[[], object]) -> None:
        self._tasks.run(change, on_success=lambda _r: self.refresh(), on_failure=self._failed)

    def _selected_section(self) -> uuid.UUID | None:
        tree = self._page.editor.tree
        item = tree.currentItem()
        if item is None:  # nothing selected: the last section
            item = tree.topLevelItem(tree.topLevelItemCount() - 1)
            if item is None:
                return None
        section = item.parent() or item
        return section.data(0, ID_ROLE)

    def _dialog(self, title: str, label: str, text: str) -> str | None:
        answer, ok = QInputDialog.getText(self._page, title, label, QLineEdit.EchoMode.Normal,
                                          text)  # fmt: skip
        return answer.strip() if ok and answer.strip() else None

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, UserFacingError):
            self.tell(error.message)
            self.refresh()  # show what was stored, not what was typed
            return
        if isinstance(error, NotSignedIn):
            return  # signed out while the change was on its way: nothing to save it into
        _log.error("authoring step failed", exc_info=error)
        self.tell("That change could not be saved on this computer. Details are in the log.")

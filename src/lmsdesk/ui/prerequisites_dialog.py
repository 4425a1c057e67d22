"""Picking a lesson's prerequisites in the course editor: the course's other lessons, ticked
for those a student completes first. A loop is refused with the loop named, before anything
is saved; the server checks again."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.services.authoring import SectionOutline
from lmsdesk.services.errors import UserFacingError
from lmsdesk.services.schedule import ScheduleService
from lmsdesk.ui.dialog_parts import error_line, primary_buttons
from lmsdesk.ui.lesson_panel import LessonPanel
from lmsdesk.ui.tasks import TaskManager

ID_ROLE = Qt.ItemDataRole.UserRole


class PrerequisitesDialog(QDialog):
    chosen = Signal(object, object)  # lesson id, [lesson ids]

    def __init__(
        self,
        lesson_id: uuid.UUID,
        sections: tuple[SectionOutline, ...],
        current: list[uuid.UUID],
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self.lesson_id = lesson_id
        self.setWindowTitle("Prerequisites")
        self.resize(480, 460)
        title = next(
            (x.title for s in sections for x in s.lessons if x.id == lesson_id), "this lesson"
        )
        heading = QLabel(f"Before “{title}” opens, a student completes:")
        heading.setWordWrap(True)
        heading.setObjectName("dialogTitle")
        self.lessons = QTreeWidget()
        self.lessons.setHeaderHidden(True)
        self.lessons.setAccessibleName("Lessons of the course")
        for section in sections:
            top = QTreeWidgetItem([section.title])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for lesson in section.lessons:
                if lesson.id == lesson_id:
                    continue
                item = QTreeWidgetItem([lesson.title])
                item.setData(0, ID_ROLE, lesson.id)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                ticked = lesson.id in current
                item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
                top.addChild(item)
            self.lessons.addTopLevelItem(top)
        self.lessons.expandAll()
        self.error = error_line()
        buttons, self.ok = primary_buttons("Save")
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.lessons, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _items(self) -> list[QTreeWidgetItem]:
        items: list[QTreeWidgetItem] = []
        for i in range(self.lessons.topLevelItemCount()):
            top = self.lessons.topLevelItem(i)
            if top is None:
                continue
            items += [c for c in (top.child(j) for j in range(top.childCount())) if c is not None]
        return items

    def ticked(self) -> list[uuid.UUID]:
        return [
            item.data(0, ID_ROLE)
            for item in self._items()
            if item.checkState(0) is Qt.CheckState.Checked
        ]

    def tick(self, lesson_id: uuid.UUID, on: bool = True) -> None:
        for item in self._items():
            if item.data(0, ID_ROLE) == lesson_id:
                state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
                item.setCheckState(0, state)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _save(self) -> None:
        self.chosen.emit(self.lesson_id, self.ticked())


class PrerequisitesController(QObject):
    """Shows a lesson's prerequisites in the editor and saves the ones picked."""

    def __init__(
        self,
        service: ScheduleService,
        tasks: TaskManager,
        panel: LessonPanel,
        sections: Callable[[], tuple[SectionOutline, ...]],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._service, self._tasks, self._panel = service, tasks, panel
        self._sections = sections
        self._parent = parent
        self.dialog: PrerequisitesDialog | None = None
        panel.prerequisites_requested.connect(self.choose)

    def show(self, lesson_id: uuid.UUID) -> None:
        """The panel's "Opens after" line for the lesson just opened."""

        def titles(ids: list[uuid.UUID]) -> list[str]:
            names = {x.id: x.title for s in self._sections() for x in s.lessons}
            return [names.get(i, "a lesson") for i in ids]

        self._tasks.run(
            lambda: self._service.prerequisites(lesson_id),
            on_success=lambda ids: self._panel.show_prerequisites(titles(ids)),
        )

    def choose(self, lesson_id: uuid.UUID | None) -> None:
        if lesson_id is None:
            return

        def opened(current: list[uuid.UUID]) -> None:
            self.dialog = PrerequisitesDialog(lesson_id, self._sections(), current, self._parent)
            self.dialog.chosen.connect(self._save)
            self.dialog.open()

        self._tasks.run(lambda: self._service.prerequisites(lesson_id), on_success=opened)

    def _save(self, lesson_id: uuid.UUID, needed: list[uuid.UUID]) -> None:
        dialog = self.dialog

        def saved(_none: None) -> None:
            if dialog is not None:
                dialog.accept()
            self.show(lesson_id)

        def failed(error: BaseException) -> None:
            message = error.message if isinstance(error, UserFacingError) else str(error)
            if dialog is not None:
                dialog.show_error(message)

        self._tasks.run(
            lambda: self._service.set_prerequisites(lesson_id, needed),
            on_success=saved,
            on_failure=failed,
        )

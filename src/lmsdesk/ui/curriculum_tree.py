"""The curriculum as a tree: sections holding lessons, reordered by drag and drop (or Ctrl+Up /
Ctrl+Down). The tree never rearranges itself: a drop is turned into one intent (this section to
index i; this lesson to section s, index i) and the editor redraws from the saved draft, so what
is shown is always what was stored."""

from __future__ import annotations

import uuid
from enum import Enum

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem

from lmsdesk.contracts.enums import LessonType
from lmsdesk.services.authoring import SectionOutline

ID_ROLE = Qt.ItemDataRole.UserRole
KIND_ROLE = Qt.ItemDataRole.UserRole + 1
_ICONS = {
    LessonType.VIDEO: "▶",
    LessonType.TEXT: "≡",
    LessonType.QUIZ: "?",
    LessonType.ASSIGNMENT: "✎",
}


class Where(Enum):
    ABOVE = "above"
    ON = "on"
    BELOW = "below"


class CurriculumTree(QTreeWidget):
    #: (section id, index among the other sections)
    section_moved = Signal(object, int)
    #: (lesson id, target section id, index among the other lessons of that section)
    lesson_moved = Signal(object, object, int)

    def __init__(self) -> None:
        super().__init__()
        self.setHeaderHidden(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAccessibleName("Curriculum")

    # ------------------------------------------------------------------ content
    def show_sections(self, sections: tuple[SectionOutline, ...], keep: uuid.UUID | None) -> None:
        self.clear()
        selected = None
        for number, section in enumerate(sections, start=1):
            top = QTreeWidgetItem([f"Section {number}: {section.title}"])
            top.setData(0, ID_ROLE, section.id)
            top.setData(0, KIND_ROLE, "section")
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            self.addTopLevelItem(top)
            selected = top if section.id == keep else selected
            for lesson in section.lessons:
                flags = ("  · free preview" if lesson.is_preview else "") + (
                    "  · video missing"
                    if lesson.lesson_type is LessonType.VIDEO and not lesson.has_video
                    else ""
                )
                child = QTreeWidgetItem([f"{_ICONS[lesson.lesson_type]}  {lesson.title}{flags}"])
                child.setData(0, ID_ROLE, lesson.id)
                child.setData(0, KIND_ROLE, "lesson")
                child.setFlags(child.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)
                top.addChild(child)
                selected = child if lesson.id == keep else selected
        self.expandAll()
        if selected is not None:
            self.setCurrentItem(selected)

    def selected(self) -> tuple[str, uuid.UUID] | None:
        item = self.currentItem()
        if item is None:
            return None
        return str(item.data(0, KIND_ROLE)), item.data(0, ID_ROLE)

    # ------------------------------------------------------------------ moving
    def move_selected(self, step: int) -> None:
        """Ctrl+Up / Ctrl+Down: one place up or down (a lesson crosses into the next section)."""
        item = self.currentItem()
        if item is None:
            return
        parent = item.parent()
        if parent is None:
            index = self.indexOfTopLevelItem(item) + step
            if 0 <= index < self.topLevelItemCount():
                self.section_moved.emit(item.data(0, ID_ROLE), index)
            return
        index = parent.indexOfChild(item) + step
        if 0 <= index < parent.childCount():
            self.lesson_moved.emit(item.data(0, ID_ROLE), parent.data(0, ID_ROLE), index)
            return
        neighbour = self.topLevelItem(self.indexOfTopLevelItem(parent) + step)
        if neighbour is not None:  # over the edge: into the neighbouring section
            at = 0 if step > 0 else neighbour.childCount()
            self.lesson_moved.emit(item.data(0, ID_ROLE), neighbour.data(0, ID_ROLE), at)

    def dropEvent(self, event: QDropEvent) -> None:
        dragged = self.currentItem()
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()  # the redraw after saving moves it; Qt must not move it too
        if dragged is None:
            return
        point = event.position().toPoint()
        target = self.itemAt(point)
        where = self._where(target, point) if target is not None else Where.BELOW
        if dragged.parent() is None:
            self._drop_section(dragged, target, where)
        else:
            self._drop_lesson(dragged, target, where)

    def _where(self, target: QTreeWidgetItem, point: QPoint) -> Where:
        rect = self.visualItemRect(target)
        quarter = max(rect.height() // 4, 1)
        if point.y() < rect.top() + quarter:
            return Where.ABOVE
        if point.y() > rect.bottom() - quarter:
            return Where.BELOW
        return Where.ON

    def _drop_section(
        self, dragged: QTreeWidgetItem, target: QTreeWidgetItem | None, where: Where
    ) -> None:
        others = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        others = [s for s in others if s is not dragged]
        if target is None:
            index = len(others)
        else:
            section = target.parent() or target
            if section is dragged:
                return
            index = others.index(section) + (0 if where is Where.ABOVE and target is section else 1)
        self.section_moved.emit(dragged.data(0, ID_ROLE), index)

    def _drop_lesson(
        self, dragged: QTreeWidgetItem, target: QTreeWidgetItem | None, where: Where
    ) -> None:
        if target is None or target is dragged:
            return
        if target.parent() is None:  # onto a section: its end; just above it: the one before
            section = target
            if where is Where.ABOVE:
                before = self.topLevelItem(self.indexOfTopLevelItem(target) - 1)
                if before is not None:
                    section = before
            others = [section.child(i) for i in range(section.childCount())]
            others = [x for x in others if x is not dragged]
            index = 0 if where is Where.BELOW and section is target else len(others)
        else:
            section = target.parent() or target  # a lesson: its section
            others = [section.child(i) for i in range(section.childCount())]
            others = [x for x in others if x is not dragged]
            index = others.index(target) + (0 if where is Where.ABOVE else 1)
        self.lesson_moved.emit(dragged.data(0, ID_ROLE), section.data(0, ID_ROLE), index)

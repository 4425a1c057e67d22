"""An assignment lesson's settings in the course editor: which work it takes, its maximum score
and pass mark, an optional due time (in the instructor's time zone), resubmission and late work,
and a rubric of named criteria. Every change leaves as one field edit of the lesson; the rubric
leaves whole (a criterion added, renamed or removed is one edit of the list)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.ui.editing import show_checked, show_number

KINDS = (("text", "Text"), ("file", "A file"), ("link", "A link"))


class AssignmentEditor(QWidget):
    #: ("lesson", lesson id, field, value)
    field_edited = Signal(str, object, str, object)

    def __init__(self) -> None:
        super().__init__()
        self.lesson_id: uuid.UUID | None = None
        self._loading = False
        self.kinds = {kind: QCheckBox(words) for kind, words in KINDS}
        kinds = QHBoxLayout()
        for box in self.kinds.values():
            kinds.addWidget(box)
        kinds.addStretch(1)
        self.max_score = QSpinBox()
        self.max_score.setRange(1, 1000)
        self.max_score.setSuffix(" points")
        self.pass_score = QSpinBox()
        self.pass_score.setRange(0, 1000)
        self.pass_score.setSuffix(" points")
        for spin in (self.max_score, self.pass_score):
            spin.setMinimumWidth(120)
            spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.has_due = QCheckBox("Due")
        self.due = QDateTimeEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("d MMM yyyy HH:mm")
        self.due.setToolTip("In your time zone; each student sees it in theirs")
        due = QHBoxLayout()
        due.addWidget(self.has_due)
        due.addWidget(self.due, 1)
        self.resubmit = QCheckBox("Students can hand in again")
        self.late = QCheckBox("Take late work (marked late)")
        self.rubric = QTableWidget(0, 2)
        self.rubric.setHorizontalHeaderLabels(["Criterion", "Points"])
        self.rubric.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.rubric.setFixedHeight(130)
        self.rubric.itemChanged.connect(lambda _item: self._rubric_edited())
        self.add_criterion = QPushButton("+ Criterion")
        self.add_criterion.clicked.connect(self._add_row)
        self.remove_criterion = QPushButton("Remove")
        self.remove_criterion.clicked.connect(self._remove_row)
        self.rubric_total = QLabel()
        self.rubric_total.setObjectName("pageSubtitle")
        self.rubric_total.setWordWrap(True)
        rubric_buttons = QHBoxLayout()
        rubric_buttons.addWidget(self.add_criterion)
        rubric_buttons.addWidget(self.remove_criterion)
        rubric_buttons.addWidget(self.rubric_total, 1)
        rubric = QVBoxLayout()
        rubric.addWidget(self.rubric)
        rubric.addLayout(rubric_buttons)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Takes", kinds)
        form.addRow("Out of", self.max_score)
        form.addRow("Pass at", self.pass_score)
        form.addRow("", due)
        form.addRow("", self.resubmit)
        form.addRow("", self.late)
        form.addRow("Rubric", rubric)
        self._connect()

    def _edit(self, field: str, value: Any) -> None:
        if not self._loading and self.lesson_id is not None:
            self.field_edited.emit("lesson", self.lesson_id, field, value)

    def _connect(self) -> None:
        for box in self.kinds.values():
            box.toggled.connect(lambda _on: self._edit("submission_kinds", self.chosen_kinds()))
        self.max_score.editingFinished.connect(
            lambda: self._edit("max_score", self.max_score.value())
        )
        self.pass_score.editingFinished.connect(
            lambda: self._edit("pass_score", self.pass_score.value())
        )
        self.has_due.toggled.connect(self._due_toggled)
        self.due.editingFinished.connect(lambda: self._edit("due_at", self.due_value()))
        self.resubmit.toggled.connect(lambda on: self._edit("allow_resubmission", on))
        self.late.toggled.connect(lambda on: self._edit("accept_late", on))

    def chosen_kinds(self) -> list[str]:
        return [kind for kind, box in self.kinds.items() if box.isChecked()]

    def due_value(self) -> str | None:
        if not self.has_due.isChecked():
            return None
        return self.due.dateTime().toUTC().toString(Qt.DateFormat.ISODate)

    def _due_toggled(self, on: bool) -> None:
        self.due.setEnabled(on)
        if on and self.due.dateTime() < QDateTime.currentDateTime():
            self.due.setDateTime(QDateTime.currentDateTime().addDays(7))
        self._edit("due_at", self.due_value())

    # ---------------------------------------------------------------- the rubric
    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for row in range(self.rubric.rowCount()):
            name = self.rubric.item(row, 0)
            points = self.rubric.item(row, 1)
            text = name.text().strip() if name else ""
            try:
                value = int((points.text() if points else "0").strip() or 0)
            except ValueError:
                value = 0
            if text:
                rows.append({"name": text, "points": max(1, min(value, 1000))})
        return rows

    def _rubric_edited(self) -> None:
        if self._loading:
            return
        self._show_total()
        self._edit("rubric", self.rows())

    def _add_row(self) -> None:
        self._loading = True
        row = self.rubric.rowCount()
        self.rubric.insertRow(row)
        self.rubric.setItem(row, 0, QTableWidgetItem(f"Criterion {row + 1}"))
        self.rubric.setItem(row, 1, QTableWidgetItem("10"))
        self._loading = False
        self._rubric_edited()
        name = self.rubric.item(row, 0)
        if name is not None:
            self.rubric.editItem(name)

    def _remove_row(self) -> None:
        row = self.rubric.currentRow()
        if row >= 0:
            self.rubric.removeRow(row)
            self._rubric_edited()

    def _show_total(self) -> None:
        rows = self.rows()
        total = sum(r["points"] for r in rows)
        if not rows:
            self.rubric_total.setText("No rubric: grade with a total.")
        elif total == self.max_score.value():
            self.rubric_total.setText(f"{total} points, as the maximum.")
        else:
            self.rubric_total.setText(f"{total} points; the maximum is {self.max_score.value()}.")

    # ---------------------------------------------------------------- showing
    def show_settings(self, lesson_id: uuid.UUID, settings: dict[str, Any]) -> None:
        other = lesson_id != self.lesson_id
        self._loading = True
        try:
            self.lesson_id = lesson_id
            for kind, box in self.kinds.items():
                show_checked(box, kind in (settings.get("submission_kinds") or []))
            show_number(self.max_score, settings.get("max_score") or 100)
            show_number(self.pass_score, settings.get("pass_score") or 0)
            due = settings.get("due_at")
            show_checked(self.has_due, due is not None)
            self.due.setEnabled(due is not None)
            if due is not None and (other or not self.due.hasFocus()):
                moment = datetime.fromisoformat(str(due).replace("Z", "+00:00"))
                self.due.setDateTime(
                    QDateTime.fromSecsSinceEpoch(int(moment.astimezone(UTC).timestamp()))
                )
            show_checked(self.resubmit, bool(settings.get("allow_resubmission")))
            show_checked(self.late, bool(settings.get("accept_late")))
            rubric = list(settings.get("rubric") or [])
            if other or not self.rubric.hasFocus():
                self.rubric.setRowCount(0)
                for criterion in rubric:
                    row = self.rubric.rowCount()
                    self.rubric.insertRow(row)
                    self.rubric.setItem(row, 0, QTableWidgetItem(str(criterion["name"])))
                    self.rubric.setItem(row, 1, QTableWidgetItem(str(criterion["points"])))
            self._show_total()
        finally:
            self._loading = False

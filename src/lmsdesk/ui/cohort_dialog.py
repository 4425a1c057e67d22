"""Choosing a cohort before enrolling or buying a course that runs in cohorts: each with its
start in the viewer's time, seats left, and when joining closes (or late joining ends). Full
and closed cohorts show but cannot be chosen."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from lmsdesk.contracts.schedule import JoinState
from lmsdesk.services.schedule import CohortView
from lmsdesk.ui.dialog_parts import primary_buttons
from lmsdesk.ui.times import short_time, zone_name

ID_ROLE = Qt.ItemDataRole.UserRole


def cohort_lines(cohort: CohortView) -> str:
    """Two lines about a cohort, for a list."""
    seats = "" if cohort.seats_left is None else f" · {cohort.seats_left} seats left"
    if cohort.state is JoinState.FULL:
        window = "full"
    elif cohort.state is JoinState.OPEN:
        window = f"enrollment closes {short_time(cohort.enrollment_closes_at)}"
    elif cohort.state is JoinState.LATE:
        window = f"started: late join until {short_time(cohort.late_join_until)}"
    else:
        window = "closed"
    return (
        f"{cohort.title}: starts {short_time(cohort.starts_at)}\n"
        f"Runs on {cohort.timezone} time · {len(cohort.weeks)} weeks{seats} · {window}"
    )


class CohortDialog(QDialog):
    chosen = Signal(object)  # cohort id

    def __init__(
        self, course_title: str, cohorts: list[CohortView], action: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose your cohort")
        self.resize(560, 380)
        heading = QLabel(f"“{course_title}” runs in cohorts")
        heading.setObjectName("dialogTitle")
        heading.setWordWrap(True)
        explain = QLabel(
            "You learn with a group: each week's lessons open on the cohort's calendar, work "
            f"is due weekly and there are live sessions. Times are yours ({zone_name()})."
        )
        explain.setWordWrap(True)
        self.choices = QListWidget()
        self.choices.setAccessibleName("Cohorts")
        self.choices.setWordWrap(True)
        self.choices.setSpacing(4)
        for cohort in cohorts:
            item = QListWidgetItem(cohort_lines(cohort))
            item.setData(ID_ROLE, cohort.id)
            if not cohort.joinable:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.choices.addItem(item)
        first = next((i for i, c in enumerate(cohorts) if c.joinable), None)
        if first is not None:
            self.choices.setCurrentRow(first)
        self.choices.itemDoubleClicked.connect(lambda _item: self.accept())
        buttons, self.ok = primary_buttons(action)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.choices.currentItemChanged.connect(lambda *_: self._update())
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addWidget(self.choices, 1)
        layout.addWidget(buttons)
        self._update()

    def selected(self) -> uuid.UUID | None:
        item = self.choices.currentItem()
        return item.data(ID_ROLE) if item is not None and item.flags() else None

    def _update(self) -> None:
        self.ok.setEnabled(self.selected() is not None)

    def accept(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        super().accept()
        self.chosen.emit(chosen)

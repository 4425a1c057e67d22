"""A student's cohort calendar for one course: each week (what opens, when, what is due), the
live sessions with Join, and Add to calendar (the cohort's feed, for any calendar app). Read
offline from the last sync; times in the viewer's zone."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.services.schedule import CourseSchedule
from lmsdesk.ui.dialog_parts import error_line
from lmsdesk.ui.times import short_time, viewer_zone, zone_name


class ScheduleDialog(QDialog):
    join_requested = Signal(str)  # the live session's URL
    calendar_requested = Signal(object)  # cohort id

    def __init__(self, course_title: str, schedule: CourseSchedule, parent: QWidget | None) -> None:
        super().__init__(parent)
        cohort = schedule.cohort
        self.setWindowTitle("Cohort schedule")
        self.resize(680, 460)
        heading = QLabel(f"{course_title}: {cohort.title}")
        heading.setObjectName("dialogTitle")
        heading.setWordWrap(True)
        started = "Started" if cohort.starts_at <= schedule.now else "Starts"
        about = QLabel(
            f"{started} {short_time(cohort.starts_at)}. The cohort runs on {cohort.timezone} "
            f"time; times here are yours ({zone_name()})."
        )
        about.setWordWrap(True)
        self.weeks = QTableWidget(len(cohort.weeks), 4)
        self.weeks.setHorizontalHeaderLabels(["Week", "Opens", "Lessons", "Due"])
        self.weeks.setAccessibleName("Weeks")
        self.weeks.verticalHeader().setVisible(False)
        self.weeks.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.weeks.setWordWrap(True)
        header = self.weeks.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, week in enumerate(cohort.weeks):
            opens = "open" if week.is_open else short_time(week.release_at)
            cells = [
                str(week.number),
                opens,
                ", ".join(week.section_titles) or "—",
                short_time(week.due_at) if week.due_at else "—",
            ]
            for column, text in enumerate(cells):
                self.weeks.setItem(row, column, QTableWidgetItem(text))
        self.weeks.resizeColumnsToContents()
        self.weeks.resizeRowsToContents()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        live_title = QLabel("Live sessions")
        live_title.setObjectName("sectionTitle")
        lives = QVBoxLayout()
        self.join_buttons: list[QPushButton] = []
        upcoming = schedule.upcoming_live
        for number, live in upcoming:
            line = QHBoxLayout()
            words = QLabel(
                f"Week {number}: <b>{live.title}</b>, {short_time(live.starts_at)}–"
                f"{live.ends_at.astimezone(viewer_zone()):%H:%M}"
            )
            words.setWordWrap(True)
            words.setTextFormat(Qt.TextFormat.RichText)
            line.addWidget(words, 1)
            if live.url:
                join = QPushButton("Join")
                join.setToolTip(live.url)
                join.clicked.connect(lambda _=False, url=live.url: self.join_requested.emit(url))
                self.join_buttons.append(join)
                line.addWidget(join)
            lives.addLayout(line)
        if not upcoming:
            none = QLabel("No live sessions coming up.")
            none.setObjectName("muted")
            lives.addWidget(none)
        self.error = error_line()
        self.add_calendar = QPushButton("Add to calendar")
        self.add_calendar.setToolTip(
            "Subscribe to this cohort's calendar (releases, due times, live sessions) in your "
            "calendar app"
        )
        self.add_calendar.clicked.connect(lambda: self.calendar_requested.emit(cohort.id))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.add_calendar, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(about)
        layout.addWidget(self.weeks, 1)
        layout.addWidget(live_title)
        layout.addLayout(lives)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def show_calendar_added(self, url: str) -> None:
        self.error.setObjectName("okText")
        self.error.setText(
            "Opened in your calendar app (the link is also copied, to subscribe elsewhere)."
        )
        self.error.setToolTip(url)
        self.error.show()

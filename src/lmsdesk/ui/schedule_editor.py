"""The Schedule panel of a published course (instructors): its cohorts (start, time zone picked
from a list, enrollment window, late joining, seats) and each cohort's weeks: which sections
open when (shown in the cohort's time and the instructor's), the week's due time and its live
session. Display only; schedule_controller.py loads and saves (offline too: the outbox)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.schedule import (
    ENROLLMENT_CLOSES_HOURS,
    LATE_JOIN_DAYS,
    LiveSession,
    time_zones,
    week_release,
)
from lmsdesk.services.schedule import CohortView, WeekView
from lmsdesk.ui.dialog_parts import error_line
from lmsdesk.ui.fitting import scrolling
from lmsdesk.ui.times import short_time, zone_name

ID_ROLE = Qt.ItemDataRole.UserRole
_FORMAT = "ddd d MMM yyyy, HH:mm"


def validation_message(error: ValidationError) -> str:
    """The first rule broken, as its message says it ("A live session must end after...")."""
    first = error.errors()[0]
    return str(first["msg"]).removeprefix("Value error, ")


def wall_edit() -> QDateTimeEdit:
    """A date and time as the wall clock of the cohort's zone shows it (converted on save)."""
    edit = QDateTimeEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(_FORMAT)
    return edit


def set_wall(edit: QDateTimeEdit, moment: datetime, zone: str) -> None:
    local = moment.astimezone(ZoneInfo(zone))
    edit.setDateTime(
        QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
    )


def read_wall(edit: QDateTimeEdit, zone: str) -> datetime:
    value = edit.dateTime()
    day, at = value.date(), value.time()
    return datetime(
        day.year(), day.month(), day.day(), at.hour(), at.minute(), tzinfo=ZoneInfo(zone)
    )


class ScheduleEditor(QDialog):
    #: (cohort id or None for a new one, title, starts, zone, closes hours, late days, capacity)
    cohort_saved = Signal(object, str, object, str, int, int, object)
    #: (cohort id, week number, section ids, release, due or None, LiveSession or None)
    week_saved = Signal(object, int, object, object, object, object)
    cohort_chosen = Signal(object)

    def __init__(self, course_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Schedule")
        self.resize(980, 640)
        self.cohorts: list[CohortView] = []
        self.sections: list[tuple[uuid.UUID, str]] = []
        heading = QLabel(f"Schedule of “{course_title}”")
        heading.setObjectName("dialogTitle")
        heading.setWordWrap(True)
        about = QLabel(
            "Run the course in cohorts: students join one, its weeks open on its calendar, "
            "work is due weekly and live sessions are held. Saved on this computer and sent "
            "with the next sync."
        )
        about.setWordWrap(True)

        self.list = QListWidget()
        self.list.setAccessibleName("Cohorts")
        self.list.currentItemChanged.connect(lambda *_: self._picked())
        self.new_button = QPushButton("New cohort")
        self.new_button.setShortcut("Ctrl+N")
        self.new_button.setToolTip("Schedule another cohort (Ctrl+N)")
        self.new_button.clicked.connect(self.start_new)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.new_button)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self._cohort_form())
        right_layout.addWidget(self._weeks_box(), 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(scrolling(right))
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 740])
        splitter.setChildrenCollapsible(False)
        self.error = error_line()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(about)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._editing: uuid.UUID | None = None
        self.start_new()  # sensible values from the start (the schedule loads a moment later)

    # ---------------------------------------------------------------- building
    def _cohort_form(self) -> QGroupBox:
        box = QGroupBox("Cohort")
        form = QFormLayout(box)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("e.g. Spring cohort")
        self.title_edit.setMaxLength(120)
        self.zone = QComboBox()
        self.zone.setEditable(True)
        self.zone.addItems(["UTC", *time_zones()])
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(self.zone.model(), self.zone)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.zone.setCompleter(completer)
        self.starts = wall_edit()
        self.starts_yours = QLabel()
        self.starts_yours.setObjectName("muted")
        self.closes = QSpinBox()
        self.closes.setRange(0, 24 * 60)
        self.closes.setSuffix(" hours before the start")
        self.late = QSpinBox()
        self.late.setRange(0, 60)
        self.late.setSuffix(" days after the start")
        self.capacity = QSpinBox()
        self.capacity.setRange(0, 100_000)
        self.capacity.setSpecialValueText("unlimited")
        self.save_cohort_button = QPushButton("Save cohort")
        self.save_cohort_button.setObjectName("primary")
        self.save_cohort_button.clicked.connect(self._save_cohort)
        self.starts.dateTimeChanged.connect(lambda *_: self._show_yours())
        self.zone.currentTextChanged.connect(lambda *_: self._show_yours())
        form.addRow("&Title", self.title_edit)
        form.addRow("&Time zone", self.zone)
        form.addRow("&Starts (its time)", self.starts)
        form.addRow("", self.starts_yours)
        form.addRow("&Enrollment closes", self.closes)
        form.addRow("&Late joining until", self.late)
        form.addRow("&Seats", self.capacity)
        form.addRow("", self.save_cohort_button)
        return box

    def _weeks_box(self) -> QGroupBox:
        box = QGroupBox("Weeks")
        layout = QVBoxLayout(box)
        self.weeks = QTableWidget(0, 5)
        self.weeks.setAccessibleName("Weeks")
        self.weeks.setHorizontalHeaderLabels(
            ["Week", "Sections", "Opens (cohort)", "Opens (yours)", "Due · live"]
        )
        self.weeks.verticalHeader().setVisible(False)
        self.weeks.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.weeks.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.weeks.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.weeks.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.weeks.setMinimumHeight(130)
        self.weeks.currentCellChanged.connect(lambda *_: self._week_picked())
        layout.addWidget(self.weeks, 1)
        week_form = QFormLayout()
        self.week_number = QSpinBox()
        self.week_number.setRange(1, 52)
        self.week_number.setPrefix("Week ")
        self.week_sections = QListWidget()
        self.week_sections.setAccessibleName("Sections that open this week")
        self.week_sections.setMaximumHeight(96)
        self.week_opens = wall_edit()
        self.has_due = QCheckBox("Work is due")
        self.week_due = wall_edit()
        self.has_due.toggled.connect(self.week_due.setEnabled)
        due_row = QHBoxLayout()
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.week_due, 1)
        self.live_title = QLineEdit()
        self.live_title.setPlaceholderText("Live session title (none if empty)")
        self.live_starts = wall_edit()
        self.live_minutes = QSpinBox()
        self.live_minutes.setRange(15, 8 * 60)
        self.live_minutes.setSingleStep(15)
        self.live_minutes.setSuffix(" min")
        self.live_url = QLineEdit()
        self.live_url.setPlaceholderText("https://… join link")
        live_row = QHBoxLayout()
        live_row.addWidget(self.live_starts, 1)
        live_row.addWidget(self.live_minutes)
        self.save_week_button = QPushButton("Save week")
        self.save_week_button.clicked.connect(self._save_week)
        week_form.addRow("Week", self.week_number)
        week_form.addRow("Sections", self.week_sections)
        week_form.addRow("Opens (its time)", self.week_opens)
        week_form.addRow("", due_row)
        week_form.addRow("Live session", self.live_title)
        week_form.addRow("Starts, length", live_row)
        week_form.addRow("Join link", self.live_url)
        week_form.addRow("", self.save_week_button)
        layout.addLayout(week_form)
        return box

    # ---------------------------------------------------------------- showing
    def show_schedule(
        self, cohorts: list[CohortView], sections: list[tuple[uuid.UUID, str]]
    ) -> None:
        keep = self._editing
        self.cohorts, self.sections = cohorts, sections
        self.list.blockSignals(True)
        self.list.clear()
        for cohort in cohorts:
            item = QListWidgetItem(f"{cohort.title}\nstarts {short_time(cohort.starts_at)}")
            item.setData(ID_ROLE, cohort.id)
            self.list.addItem(item)
            if cohort.id == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        chosen = next((c for c in cohorts if c.id == keep), None)
        if chosen is None and cohorts:
            self.list.setCurrentRow(0)
            chosen = cohorts[0]
        if chosen is None:
            self.start_new()
        else:
            self._show_cohort(chosen)

    def keep_shown(self, cohort_id: uuid.UUID) -> None:
        """After saving: the redraw shows this cohort."""
        self._editing = cohort_id

    def start_new(self) -> None:
        self._editing = None
        self.list.clearSelection()
        self.title_edit.setText("")
        self.zone.setCurrentText("UTC")
        start = (datetime.now().astimezone() + timedelta(days=14)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
        set_wall(self.starts, start, "UTC")
        self.closes.setValue(ENROLLMENT_CLOSES_HOURS)
        self.late.setValue(LATE_JOIN_DAYS)
        self.capacity.setValue(0)
        self.weeks.setRowCount(0)
        self._weeks_enabled(False)
        self.title_edit.setFocus()

    def _show_cohort(self, cohort: CohortView) -> None:
        self._editing = cohort.id
        self.title_edit.setText(cohort.title)
        self.zone.setCurrentText(cohort.timezone)
        set_wall(self.starts, cohort.starts_at, cohort.timezone)
        self.closes.setValue(cohort.enrollment_closes_hours)
        self.late.setValue(cohort.late_join_days)
        self.capacity.setValue(cohort.capacity or 0)
        self.weeks.setRowCount(len(cohort.weeks))
        for row, week in enumerate(cohort.weeks):
            extras = []
            if week.due_at:
                extras.append(f"due {short_time(week.due_at)}")
            if week.live:
                extras.append(f"live {short_time(week.live.starts_at)}")
            cells = [
                str(week.number),
                ", ".join(week.section_titles) or "—",
                short_time(week.release_at, ZoneInfo(cohort.timezone)),
                short_time(week.release_at),
                " · ".join(extras) or "—",
            ]
            for column, text in enumerate(cells):
                self.weeks.setItem(row, column, QTableWidgetItem(text))
        self.weeks.resizeColumnsToContents()
        self.weeks.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._weeks_enabled(True)
        if cohort.weeks:
            self.weeks.setCurrentCell(0, 0)
        else:
            self._show_week(None)

    def _weeks_enabled(self, on: bool) -> None:
        for widget in (self.weeks, self.week_number, self.week_sections, self.save_week_button):
            widget.setEnabled(on)

    def _current(self) -> CohortView | None:
        return next((c for c in self.cohorts if c.id == self._editing), None)

    def _picked(self) -> None:
        item = self.list.currentItem()
        cohort = next((c for c in self.cohorts if item and c.id == item.data(ID_ROLE)), None)
        if cohort is not None:
            self.error.hide()
            self._show_cohort(cohort)

    def _week_picked(self) -> None:
        cohort = self._current()
        row = self.weeks.currentRow()
        if cohort is not None and 0 <= row < len(cohort.weeks):
            self._show_week(cohort.weeks[row])

    def _show_week(self, week: WeekView | None) -> None:
        cohort = self._current()
        if cohort is None:
            return
        number = week.number if week else len(cohort.weeks) + 1
        self.week_number.setValue(min(number, 52))
        self.week_sections.clear()
        chosen = set(week.section_ids) if week else set()
        for section_id, title in self.sections:
            item = QListWidgetItem(title)
            item.setData(ID_ROLE, section_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if section_id in chosen else Qt.CheckState.Unchecked
            )
            self.week_sections.addItem(item)
        release = (
            week.release_at if week else week_release(cohort.starts_at, cohort.timezone, number)
        )
        set_wall(self.week_opens, release, cohort.timezone)
        self.has_due.setChecked(week is not None and week.due_at is not None)
        set_wall(
            self.week_due,
            (week.due_at if week and week.due_at else release + timedelta(days=7)),
            cohort.timezone,
        )
        self.week_due.setEnabled(self.has_due.isChecked())
        live = week.live if week else None
        self.live_title.setText(live.title if live else "")
        set_wall(
            self.live_starts,
            live.starts_at if live else release + timedelta(days=2),
            cohort.timezone,
        )
        minutes = int((live.ends_at - live.starts_at).total_seconds() // 60) if live else 60
        self.live_minutes.setValue(minutes)
        self.live_url.setText(live.url if live else "")

    def _show_yours(self) -> None:
        zone = self.zone.currentText()
        try:
            moment = read_wall(self.starts, zone)
        except (ValueError, KeyError):
            self.starts_yours.setText("Pick a time zone from the list.")
            return
        self.starts_yours.setText(f"{short_time(moment)} your time ({zone_name()})")

    # ---------------------------------------------------------------- saving
    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _save_cohort(self) -> None:
        zone = self.zone.currentText().strip()
        try:
            starts = read_wall(self.starts, zone)
        except (ValueError, KeyError):
            self.show_error("Pick the cohort's time zone from the list (e.g. Europe/Berlin).")
            return
        if not self.title_edit.text().strip():
            self.show_error("Give the cohort a title students will recognise.")
            return
        self.error.hide()
        capacity = self.capacity.value() or None
        self.cohort_saved.emit(
            self._editing,
            self.title_edit.text().strip(),
            starts,
            zone,
            self.closes.value(),
            self.late.value(),
            capacity,
        )

    def _save_week(self) -> None:
        cohort = self._current()
        if cohort is None:
            return
        zone = cohort.timezone
        sections = [
            self.week_sections.item(i).data(ID_ROLE)
            for i in range(self.week_sections.count())
            if self.week_sections.item(i).checkState() is Qt.CheckState.Checked
        ]
        release = read_wall(self.week_opens, zone)
        due = read_wall(self.week_due, zone) if self.has_due.isChecked() else None
        live = None
        if self.live_title.text().strip():
            starts = read_wall(self.live_starts, zone)
            try:
                live = LiveSession(
                    title=self.live_title.text().strip(),
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=self.live_minutes.value()),
                    url=self.live_url.text().strip(),
                )
            except ValidationError as exc:
                self.show_error(validation_message(exc))
                return
        self.error.hide()
        self.week_saved.emit(cohort.id, self.week_number.value(), sections, release, due, live)

"""Pieces the report screens share: the date range picker, the row of figures, and the line
that says how fresh the figures are."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.ui.fitting import ElidedLabel
from lmsdesk.ui.times import short_time

#: (label, days); 0: pick the days yourself.
RANGES = (
    ("Last 7 days", 7),
    ("Last 30 days", 30),
    ("Last 90 days", 90),
    ("Last 12 months", 365),
    ("Custom range", 0),
)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class RangePicker(QWidget):
    """A preset ("Last 30 days") or two dates; `changed` when the range is settled."""

    changed = Signal()

    def __init__(self, default_days: int = 30) -> None:
        super().__init__()
        self.preset = QComboBox()
        self.preset.setAccessibleName("Date range")
        for label, days in RANGES:
            self.preset.addItem(label, days)
        self.preset.setCurrentIndex([d for _, d in RANGES].index(default_days))
        self.first = QDateEdit()
        self.last = QDateEdit()
        for edit, name in ((self.first, "From"), (self.last, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setAccessibleName(name)
            edit.editingFinished.connect(self._custom_edited)
        self.dash = QLabel("–")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preset)
        layout.addWidget(self.first)
        layout.addWidget(self.dash)
        layout.addWidget(self.last)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self._preset_chosen()

    def _preset_chosen(self) -> None:
        days = int(self.preset.currentData())
        custom = days == 0
        # The dates take room the narrow window does not have: shown for a custom range only.
        self.first.setVisible(custom)
        self.last.setVisible(custom)
        self.dash.setVisible(custom)
        if not custom:
            today = datetime.now(UTC).date()
            self.last.setDate(_qdate(today))
            self.first.setDate(_qdate(today - timedelta(days=days - 1)))
            self.changed.emit()

    def _custom_edited(self) -> None:
        if int(self.preset.currentData()) == 0:
            self.changed.emit()

    def span(self) -> tuple[date, date]:
        first, last = _pydate(self.first.date()), _pydate(self.last.date())
        return (first, last) if first <= last else (last, first)


class Figures(QFrame):
    """Key figures in a grid of caption over value, three to a row."""

    def __init__(self, captions: list[str], columns: int = 3) -> None:
        super().__init__()
        self.setObjectName("card")
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 8, 12, 8)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        self.values: dict[str, QLabel] = {}
        for n, caption in enumerate(captions):
            cell = QVBoxLayout()
            cell.setSpacing(0)
            name = QLabel(caption)
            name.setObjectName("pageSubtitle")
            value = QLabel("–")
            value.setObjectName("figure")
            value.setAccessibleName(caption)
            cell.addWidget(name)
            cell.addWidget(value)
            grid.addLayout(cell, n // columns, n % columns)
            self.values[caption] = value

    def set(self, caption: str, text: str) -> None:
        self.values[caption].setText(text)


class ReportFrame(QWidget):
    """A report's screen: the controls (`leading` widgets, the range, Refresh, Export CSV…),
    the line saying how fresh the figures are, the key figures, and the charts' tabs (or a
    message in their place)."""

    reload_requested = Signal()
    export_requested = Signal()

    def __init__(self, figures: list[str], message: str, leading: QWidget | None = None) -> None:
        super().__init__()
        self.frame = QVBoxLayout(self)
        controls = QHBoxLayout()
        if leading is not None:
            controls.addWidget(leading, 1)
        self.range = RangePicker()
        controls.addWidget(self.range)
        if leading is None:
            controls.addStretch(1)
        self.refresh = QPushButton("Refresh")
        self.export = QPushButton("Export CSV…")
        self.export.setToolTip("Save the daily figures as a spreadsheet (Ctrl+E)")
        self.export.setEnabled(False)
        controls.addWidget(self.refresh)
        controls.addWidget(self.export)
        self.frame.addLayout(controls)
        self.status = ElidedLabel("")
        self.status.setObjectName("pageSubtitle")
        self.frame.addWidget(self.status)
        self.figures = Figures(figures)
        self.frame.addWidget(self.figures)
        self.body = QStackedWidget()
        self.message = QLabel(message)
        self.message.setObjectName("emptyState")
        self.message.setWordWrap(True)
        self.tabs = QTabWidget()
        self.body.addWidget(self.message)
        self.body.addWidget(self.tabs)
        self.frame.addWidget(self.body, 1)
        self.range.changed.connect(self.reload_requested)
        self.refresh.clicked.connect(self.reload_requested)
        self.export.clicked.connect(self.export_requested)

    def show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.body.setCurrentWidget(self.message)
        self.export.setEnabled(False)

    def showing(self, status: str) -> None:
        """The charts are filled: show them, with how fresh they are."""
        self.status.setText(status)
        self.body.setCurrentWidget(self.tabs)
        self.export.setEnabled(True)


def amount(cents: int, currency: str) -> str:
    """Money in a report: "1,234.50 USD" (zero too, unlike a price's "Free")."""
    return f"{cents / 100:,.2f} {currency}"


def freshness(fresh: bool, fetched_at: datetime, computed_at: datetime | None) -> str:
    """ "Figures as of 10:20" or, offline, when the kept copy was fetched."""
    as_of = f"figures as of {short_time(computed_at)}" if computed_at else ""
    if fresh:
        text = as_of or "no figures computed yet"
        return text[:1].upper() + text[1:] + "."
    return (
        f"Offline: showing the copy fetched {short_time(fetched_at)}"
        + (f" ({as_of})" if as_of else "")
        + "."
    )

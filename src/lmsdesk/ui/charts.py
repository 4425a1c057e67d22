"""Charts of daily figures and of per-item figures (pyqtgraph), each with a table of the same
numbers beside it: axes with units and dates, a tooltip with the exact values under the
pointer, and a layout that still reads at the minimum window size.

pyqtgraph is imported here only, and this module only when a report is first shown, so the
app's start does not pay for it (and numpy) until someone opens Insights or Overview.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

#: Colours that stay apart for the colour-blind (Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
_DAY = 86400.0

Formatter = Callable[[float], str]


def whole(value: float) -> str:
    return f"{value:,.0f}"


def one_decimal(value: float) -> str:
    return f"{value:,.1f}"


def money(currency: str) -> Formatter:
    return lambda value: f"{value:,.2f} {currency}"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    #: "bar" or "line"
    kind: str = "bar"


def _stamp(day: date) -> float:
    return datetime.combine(day, time(12), tzinfo=UTC).timestamp()


def day_text(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


class _Chart(QWidget):
    """A plot and its table, side by side (the table can be dragged wider or away)."""

    #: The table's first column holds names that may be long (lessons, questions), not dates.
    long_labels = False

    def __init__(self, title: str, unit: str, formatter: Formatter) -> None:
        super().__init__()
        self.formatter = formatter
        self._labels: list[str] = []
        self._series: list[Series] = []
        self.heading = QLabel(title)
        self.heading.setObjectName("cardTitle")
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMinimumSize(220, 150)
        self.plot.showGrid(x=False, y=True, alpha=0.25)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        left = self.plot.getAxis("left")
        left.enableAutoSIPrefix(False)
        self.plot.setLabel("left", unit)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen("#9aa1ad"))
            axis.setTextPen(pg.mkPen("#3b4452"))
        self.legend = self.plot.addLegend(offset=(-8, 4), labelTextColor="#3b4452")
        self.pointer_line = pg.InfiniteLine(
            angle=90, pen=pg.mkPen("#9aa1ad", style=Qt.PenStyle.DashLine)
        )
        self.pointer_line.setVisible(False)
        self.plot.addItem(self.pointer_line, ignoreBounds=True)
        self.plot.scene().sigMouseMoved.connect(self._pointer_moved)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumWidth(150)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.plot)
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(split, 1)

    # ------------------------------------------------------------ shared
    def _fill_table(self, first: str, labels: list[str]) -> None:
        self._labels = labels
        table = self.table
        table.clear()
        table.setColumnCount(1 + len(self._series))
        table.setRowCount(len(labels))
        table.setHorizontalHeaderLabels([first, *(s.name for s in self._series)])
        for row, label in enumerate(labels):
            name = QTableWidgetItem(label)
            name.setToolTip(label)
            table.setItem(row, 0, name)
            for column, series in enumerate(self._series, start=1):
                value = series.values[row]
                item = QTableWidgetItem("" if value is None else self.formatter(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if self.long_labels:
            # Names take what is left (elided; the tooltip and a wider splitter show them
            # whole), so the figures stay in view.
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            table.setTextElideMode(Qt.TextElideMode.ElideRight)

    def tooltip_at(self, index: int) -> str:
        """The exact values at one point: its label, then each series."""
        if not 0 <= index < len(self._labels):
            return ""
        lines = [self._labels[index]]
        for series in self._series:
            value = series.values[index]
            lines.append(f"{series.name}: {'–' if value is None else self.formatter(value)}")
        return "\n".join(lines)

    def _index_at(self, x: float) -> int:
        raise NotImplementedError

    def _x_of(self, index: int) -> float:
        raise NotImplementedError

    def _pointer_moved(self, position: QPointF) -> None:
        box = self.plot.getPlotItem().vb
        if not self._labels or not box.sceneBoundingRect().contains(position):
            self.pointer_line.setVisible(False)
            QToolTip.hideText()
            return
        index = self._index_at(box.mapSceneToView(position).x())
        self.pointer_line.setPos(self._x_of(index))
        self.pointer_line.setVisible(True)
        QToolTip.showText(QCursor.pos(), self.tooltip_at(index), self.plot)

    def _draw(self, xs: list[float], bar_width: float) -> None:
        plot = self.plot
        for item in list(plot.listDataItems()):
            plot.removeItem(item)
        for item in [i for i in plot.getPlotItem().items if isinstance(i, pg.BarGraphItem)]:
            plot.removeItem(item)
        self.legend.clear()
        bars = [s for s in self._series if s.kind == "bar"]
        width = bar_width / max(1, len(bars))
        for n, series in enumerate(self._series):
            colour = QColor(PALETTE[n % len(PALETTE)])
            values = [float("nan") if v is None else float(v) for v in series.values]
            if series.kind == "bar":
                offset = (bars.index(series) - (len(bars) - 1) / 2) * width
                item = pg.BarGraphItem(
                    x=[x + offset for x in xs],
                    height=[0.0 if v != v else v for v in values],
                    width=width * 0.9,
                    brush=colour,
                    pen=pg.mkPen(colour),
                    name=series.name,
                )
                plot.addItem(item)  # named: the legend lists it by itself
            elif any(v == v for v in values):  # a line of nothing (all NaN) is not drawn
                plot.plot(
                    xs,
                    values,
                    pen=pg.mkPen(colour, width=2),
                    symbol="o",
                    symbolSize=5,
                    symbolBrush=colour,
                    symbolPen=pg.mkPen(colour),
                    name=series.name,
                    connect="finite",
                )
        if xs:
            plot.setXRange(xs[0] - bar_width, xs[-1] + bar_width, padding=0.02)
        plot.enableAutoRange(axis="y")


class DailyChart(_Chart):
    """Figures per day, the x axis in dates."""

    def __init__(self, title: str, unit: str, formatter: Formatter = whole) -> None:
        super().__init__(title, unit, formatter)
        self.plot.setAxisItems({"bottom": pg.DateAxisItem(utcOffset=0)})
        self._days: list[date] = []

    def show_days(self, days: Sequence[date], series: Sequence[Series]) -> None:
        self._days = list(days)
        self._series = list(series)
        self._fill_table("Day", [day_text(d) for d in self._days])
        self._draw([_stamp(d) for d in self._days], _DAY * 0.8)

    def _index_at(self, x: float) -> int:
        if not self._days:
            return 0
        first = _stamp(self._days[0])
        return min(len(self._days) - 1, max(0, round((x - first) / _DAY)))

    def _x_of(self, index: int) -> float:
        return _stamp(self._days[index])


class ItemChart(_Chart):
    """Figures per item (lessons of a course, questions), numbered along the x axis; the
    table and the tooltip name each item."""

    long_labels = True

    def show_items(self, names: Sequence[str], series: Sequence[Series]) -> None:
        self._series = list(series)
        self._fill_table("#  Item", [f"{n}. {name}" for n, name in enumerate(names, start=1)])
        xs = [float(n) for n in range(1, len(names) + 1)]
        step = max(1, len(names) // 12)
        self.plot.getAxis("bottom").setTicks([[(x, str(int(x))) for x in xs[::step]], []])
        self._draw(xs, 0.8)

    def _index_at(self, x: float) -> int:
        return min(len(self._labels) - 1, max(0, round(x) - 1))

    def _x_of(self, index: int) -> float:
        return float(index + 1)

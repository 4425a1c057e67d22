"""Pieces that let a screen fit a small window (760x480 is the smallest the app allows) without
squashing anything: a one-line label that shortens its text with "…" and shows the whole of it
as a tooltip, and a scroll area for a panel taller than the room it gets."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QStyle, QWidget

#: An elided label never asks for less than this (about "Ab…" in a heading font).
_MIN_ELIDED_WIDTH = 48


class ElidedLabel(QLabel):
    """One line of plain text, shortened with "…" when the room is short. `text()` stays the
    whole text; the tooltip shows it while it is shortened."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._own_tooltip = ""

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tooltip()

    def setToolTip(self, tip: str) -> None:
        self._own_tooltip = tip
        self._update_tooltip()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), _MIN_ELIDED_WIDTH), hint.height())

    def elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, rect.width()
        )
        self.style().drawItemText(
            painter,
            rect,
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            shown,
            self.foregroundRole(),
        )

    def _update_tooltip(self) -> None:
        tip = self.text() if self.elided() else self._own_tooltip
        super().setToolTip(tip)


class VerticalScrollArea(QScrollArea):
    """Scrolls up and down only; asks its layout for the panel's full minimum width (plus the
    scroll bar), so a splitter or a page never makes it narrower than the panel inside."""

    def minimumSizeHint(self) -> QSize:
        panel = self.widget()
        if panel is None:
            return super().minimumSizeHint()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return QSize(panel.minimumSizeHint().width() + bar + 2 * self.frameWidth(), 60)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the panel's needs changed (another lesson type shown)
        return super().eventFilter(watched, event)


def scrolling(panel: QWidget) -> QScrollArea:
    """`panel` in a frameless scroll area that scrolls only up and down: the panel always
    gets the full width, and as much height as it needs."""
    area = VerticalScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(panel)
    area.viewport().setAutoFillBackground(False)
    panel.setAutoFillBackground(False)
    return area

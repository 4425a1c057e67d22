"""Looking at a screen the way a person at a small window would: is anything squashed below the
size it needs to show its text, or pushed outside the part of the window one can see?

A label cut to "Testing Des", a button with half its caption, a line edit 25 px wide: each is a
widget laid out smaller than its own minimum size hint. Inside a scroll area a widget may be out
of sight (the user scrolls to it) but never squashed; text that is meant to be shortened is an
ElidedLabel, whose hint allows it.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QWidget,
)

MINIMUM = (760, 480)
DEFAULT = (1100, 720)

# What a person reads or clicks; containers and painted areas are judged by their children.
_CHECKED = (QLabel, QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QProgressBar)
_SLACK = 2  # px: rounding in style metrics, invisible to the eye


def _shown(widget: QWidget, top: QWidget) -> bool:
    """On screen in `top` itself (not in a separate window it owns, not Qt's own innards)."""
    return (
        widget.isVisible()
        and widget.window() is top.window()
        and not widget.objectName().startswith("qt_")
    )


def _scroll_area(widget: QWidget, top: QWidget) -> QAbstractScrollArea | None:
    """The scroll area whose viewport holds the widget: there it is reachable by scrolling."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and parent is grand.viewport():
            return grand
        parent = grand
    return None


def squashed(top: QWidget) -> list[str]:
    """Every readable widget under `top` drawn smaller than it needs, or outside `top`."""
    QApplication.processEvents()
    problems: list[str] = []
    visible = QRect(QPoint(0, 0), top.size())
    for widget in top.findChildren(QWidget):
        if not isinstance(widget, _CHECKED) or not _shown(widget, top):
            continue
        if isinstance(widget, QAbstractScrollArea):
            continue
        name = _describe(widget)
        hint = widget.minimumSizeHint()
        if isinstance(widget, QLabel) and widget.wordWrap():
            # A wrapped label needs its height for its width, not one line's width.
            need_w, need_h = 0, widget.heightForWidth(widget.width())
        elif isinstance(widget, QProgressBar) and not widget.isTextVisible():
            need_w, need_h = 0, 0  # a thin bar without text is a deliberate look
        else:
            need_w, need_h = hint.width(), hint.height()
        if widget.width() + _SLACK < need_w or widget.height() + _SLACK < need_h:
            problems.append(
                f"{name}: {widget.width()}x{widget.height()} < needs {max(need_w, 0)}x{need_h}"
            )
            continue
        area = _scroll_area(widget, top)
        if area is not None:
            # Out of sight above or below is fine (the user scrolls to it); cut off at the side
            # of an area that cannot scroll sideways is not.
            viewport = area.viewport()
            left = widget.mapTo(viewport, QPoint(0, 0)).x()
            sideways = area.horizontalScrollBar().isVisible()
            if not sideways and (
                left < -_SLACK or left + widget.width() > viewport.width() + _SLACK
            ):
                problems.append(f"{name}: cut off at the side of its scroll area")
            continue
        where = QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())
        if not visible.contains(where.adjusted(_SLACK, _SLACK, -_SLACK, -_SLACK)):
            problems.append(f"{name}: outside the window at {where.getRect()}")
    return problems


def _describe(widget: QWidget) -> str:
    kind = type(widget).__name__
    text = ""
    if isinstance(widget, QLabel | QAbstractButton):
        text = widget.text()
    elif isinstance(widget, QLineEdit):
        text = widget.placeholderText() or widget.text()
    elif isinstance(widget, QComboBox):
        text = widget.currentText()
    label = widget.objectName() or text.replace("\n", " ")[:40]
    return f"{kind} {label!r}"

"""A redraw never touches a field the user is editing: syncs finish every minute and two seconds
after every change, and a field redrawn under the user's hands lost what they typed and moved
their cursor. Each helper shows a stored value only when the field is not being edited (it, or
a part of it, has the keyboard focus) and the value differs from what it shows."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)


def is_editing(widget: QWidget) -> bool:
    """The widget, or a part of it (a spin box's line edit), has the keyboard focus."""
    focus = QApplication.focusWidget()
    return focus is not None and (focus is widget or widget.isAncestorOf(focus))


def show_text(field: QLineEdit | QPlainTextEdit, text: str) -> None:
    if is_editing(field):
        return
    if isinstance(field, QLineEdit):
        if field.text() != text:
            field.setText(text)
            field.setCursorPosition(0)  # a long value reads from its start, not its end
    elif field.toPlainText() != text:
        field.setPlainText(text)


def show_number(box: QAbstractSpinBox, value: float) -> None:
    if not is_editing(box) and box.value() != value:  # type: ignore[attr-defined]
        box.setValue(value)  # type: ignore[attr-defined]


def show_choice(combo: QComboBox, data: Any) -> None:
    """Select the item carrying `data` (the first when none does)."""
    if not is_editing(combo) and combo.currentData() != data:
        combo.setCurrentIndex(max(combo.findData(data), 0))


def show_checked(box: QAbstractButton, on: bool) -> None:
    if not is_editing(box) and box.isChecked() != on:
        box.setChecked(on)

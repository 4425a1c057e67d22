"""The pieces every account dialog has: the error line, the thin "working…" bar, and Cancel
beside one primary button (Enter presses it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QProgressBar, QPushButton


def error_line() -> QLabel:
    label = QLabel()
    label.setObjectName("errorText")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def busy_bar() -> QProgressBar:
    """Indeterminate: asking a server has no measurable steps."""
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setFixedHeight(4)
    bar.hide()
    return bar


def primary_buttons(text: str) -> tuple[QDialogButtonBox, QPushButton]:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    primary = QPushButton(text)
    primary.setObjectName("primary")
    primary.setDefault(True)
    buttons.addButton(primary, QDialogButtonBox.ButtonRole.AcceptRole)
    return buttons, primary

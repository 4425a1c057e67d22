"""Asking for a title (a new course, a section or lesson renamed): one line, the limit the
server keeps (200 characters) enforced while typing and counted in view, so nothing typed is
thrown away afterwards; OK only when there is something to save."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.authoring import MAX_TITLE_LENGTH


class TitleDialog(QDialog):
    def __init__(
        self, parent: QWidget | None, *, title: str, label: str, text: str = "", hint: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.prompt = QLabel(label)
        self.field = QLineEdit(text)
        self.field.setMaxLength(MAX_TITLE_LENGTH)
        self.prompt.setBuddy(self.field)
        self.hint = QLabel(hint)
        self.hint.setObjectName("pageSubtitle")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        self.count = QLabel()
        self.count.setObjectName("pageSubtitle")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.prompt, self.field, self.count, self.hint, self.buttons):
            layout.addWidget(widget)
        self.field.textChanged.connect(self._changed)
        self._changed(self.field.text())
        self.field.selectAll()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def value(self) -> str:
        return self.field.text().strip()

    def _changed(self, text: str) -> None:
        used = len(text)
        self.count.setText(
            f"{used} of {MAX_TITLE_LENGTH} characters"
            + (" · the limit: nothing more fits" if used >= MAX_TITLE_LENGTH else "")
        )
        self.count.setObjectName("warningText" if used >= MAX_TITLE_LENGTH else "pageSubtitle")
        self.count.style().polish(self.count)
        self.ok_button.setEnabled(bool(text.strip()))


def ask_title(parent: QWidget | None, title: str, label: str, text: str) -> str | None:
    dialog = TitleDialog(parent, title=title, label=label, text=text)
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

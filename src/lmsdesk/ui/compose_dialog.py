"""Writing in the community: a question or a discussion (title and text), an answer or reply,
an edit, or a report's reason. The server's limits are counted while typing, so nothing typed
is refused afterwards; what is written stays in the dialog until it is sent or cancelled, and
a post written offline says it will wait to be sent."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.contracts.community import BODY_MAX, TITLE_MAX, TITLE_MIN


@dataclass(frozen=True)
class Composed:
    title: str | None
    body: str
    #: What was picked in the optional list (a discussion's section), or None.
    choice: object = None


class ComposeDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        *,
        window_title: str,
        action: str,
        with_title: bool,
        title: str = "",
        body: str = "",
        hint: str = "",
        body_label: str = "Text (Markdown)",
        body_max: int = BODY_MAX,
        body_min: int = 1,
        choices: list[tuple[str, object]] | None = None,
        choice_label: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title)
        self.setMinimumSize(440, 320)
        self._body_max, self._body_min = body_max, body_min
        layout = QVBoxLayout(self)
        self.title_field: QLineEdit | None = None
        if with_title:
            prompt = QLabel("&Title")
            self.title_field = QLineEdit(title)
            self.title_field.setMaxLength(TITLE_MAX)
            self.title_field.setPlaceholderText("One line that says what it is about")
            prompt.setBuddy(self.title_field)
            layout.addWidget(prompt)
            layout.addWidget(self.title_field)
        self.choice: QComboBox | None = None
        if choices:
            choice_prompt = QLabel(choice_label)
            self.choice = QComboBox()
            self.choice.addItem("None", None)
            for text, value in choices:
                self.choice.addItem(text, value)
            choice_prompt.setBuddy(self.choice)
            layout.addWidget(choice_prompt)
            layout.addWidget(self.choice)
        body_prompt = QLabel(f"&{body_label}")
        self.body = QPlainTextEdit(body)
        self.body.setTabChangesFocus(True)
        body_prompt.setBuddy(self.body)
        layout.addWidget(body_prompt)
        layout.addWidget(self.body, 1)
        self.count = QLabel()
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.count)
        self.hint = QLabel(hint)
        self.hint.setObjectName("pageSubtitle")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send = QPushButton(action)
        self.send.setObjectName("primary")
        self.send.setToolTip(f"{action} (Ctrl+Enter)")
        self.buttons.addButton(self.send, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self._send_if_ready)
        if self.title_field is not None:
            self.title_field.textChanged.connect(self._changed)
        self.body.textChanged.connect(self._changed)
        self._changed()
        (self.title_field or self.body).setFocus()

    def _send_if_ready(self) -> None:
        if self.send.isEnabled():
            self.accept()

    def problem(self) -> str | None:
        """Why it cannot be sent yet, in words; None when it can."""
        if self.title_field is not None:
            title = self.title_field.text().strip()
            if len(title) < TITLE_MIN:
                return f"The title needs at least {TITLE_MIN} characters."
        used = len(self.body.toPlainText().strip())
        if used < self._body_min:
            return (
                "Write something first."
                if self._body_min == 1
                else (f"At least {self._body_min} characters.")
            )
        if used > self._body_max:
            return f"{used - self._body_max:,} characters over the limit of {self._body_max:,}."
        return None

    def _changed(self) -> None:
        used = len(self.body.toPlainText().strip())
        problem = self.problem()
        self.count.setText(
            problem if problem and used else f"{used:,} of {self._body_max:,} characters"
        )
        self.count.setObjectName("warningText" if used > self._body_max else "pageSubtitle")
        self.count.style().polish(self.count)
        self.send.setEnabled(problem is None)

    def value(self) -> Composed:
        title = self.title_field.text().strip() if self.title_field is not None else None
        choice = self.choice.currentData() if self.choice is not None else None
        return Composed(title, self.body.toPlainText().strip(), choice)


def compose(parent: QWidget | None, **options: object) -> Composed | None:
    dialog = ComposeDialog(parent, **options)  # type: ignore[arg-type]
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None

"""Creating an account from the app: name, email, a password with a strength hint as it is
typed, and the terms. It collects input and shows results; the controller makes the account
in the background and signs in to it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.services.account import password_strength
from lmsdesk.ui.dialog_parts import busy_bar, error_line, primary_buttons

TERMS = (
    "I accept the terms of use: what I post is my own, I keep my password to myself, "
    "and courses I buy are for my own learning."
)
#: The strength bar's colour per score, from "guessed at once" to "very hard to guess".
_STRENGTH_COLOURS = ("#c0392b", "#c0392b", "#d68910", "#1e8449", "#1e8449")


class SignUpDialog(QDialog):
    submitted = Signal(str, str, str, str, bool)  # server, name, email, password, terms

    def __init__(self, parent: QWidget | None, *, server_url: str, email: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Create an LMSDesk account")
        self.setModal(True)
        self.setMinimumWidth(460)

        title = QLabel("Create your account")
        title.setObjectName("dialogTitle")
        hint = QLabel(
            "We send a code to your email to confirm it. You can learn free courses at once; "
            "buying a course needs the confirmed address."
        )
        hint.setObjectName("pageSubtitle")
        hint.setWordWrap(True)

        self.server_url = server_url
        self.name = QLineEdit()
        self.name.setPlaceholderText("As learners and teachers will see it")
        self.name.setMaxLength(200)
        self.email = QLineEdit(email)
        self.email.setPlaceholderText("you@example.com")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(256)
        self.strength_bar = QProgressBar()
        self.strength_bar.setRange(0, 5)  # a very weak password still shows its red sliver
        self.strength_bar.setTextVisible(False)
        self.strength_bar.setFixedHeight(6)
        self.strength = QLabel()
        self.strength.setObjectName("pageSubtitle")
        self.strength.setWordWrap(True)
        self.terms = QCheckBox("I accept the terms of use")
        self.terms.setToolTip(TERMS)
        terms_text = QLabel(TERMS)
        terms_text.setObjectName("pageSubtitle")
        terms_text.setWordWrap(True)

        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Email", self.email)
        form.addRow("&Password", self.password)
        form.addRow("", self.strength_bar)
        form.addRow("", self.strength)

        self.error = error_line()
        self.progress = busy_bar()
        self.buttons, self.create_button = primary_buttons("Create account")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.terms)
        layout.addWidget(terms_text)
        layout.addWidget(self.error)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

        for field in (self.password, self.name, self.email):
            field.textChanged.connect(self._rate)
        self._rate()
        (self.name if not email else self.password).setFocus()

    def _rate(self) -> None:
        rated = password_strength(self.password.text(), hints=(self.name.text(), self.email.text()))
        self.strength_bar.setValue(rated.score + 1 if self.password.text() else 0)
        colour = _STRENGTH_COLOURS[rated.score]
        self.strength_bar.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        said = (f"{rated.label}." if rated.label else "", rated.advice)
        self.strength.setText(" ".join(part for part in said if part))

    def _submit(self) -> None:
        self.error.hide()
        self.set_busy(True)
        self.submitted.emit(
            self.server_url,
            self.name.text(),
            self.email.text(),
            self.password.text(),
            self.terms.isChecked(),
        )

    def set_busy(self, busy: bool) -> None:
        for widget in (self.name, self.email, self.password, self.terms, self.create_button):
            widget.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.create_button.setText("Creating…" if busy else "Create account")

    def show_error(self, message: str, field: str | None = None) -> None:
        self.set_busy(False)
        self.error.setText(message)
        self.error.show()
        self.adjustSize()
        target = {"name": self.name, "email": self.email, "terms": self.terms}.get(
            field or "", self.password
        )
        target.setFocus(Qt.FocusReason.OtherFocusReason)

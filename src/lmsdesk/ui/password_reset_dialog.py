"""A forgotten password, reset from the app in two steps: the email to send a code to, then
the code from that email and a new password. Every other sign-in of the account ends."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lmsdesk.ui.dialog_parts import busy_bar, error_line, primary_buttons


class PasswordResetDialog(QDialog):
    code_requested = Signal(str, str)  # server, email
    reset_submitted = Signal(str, str, str)  # server, code, new password

    def __init__(self, parent: QWidget | None, *, server_url: str, email: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Reset your password")
        self.setModal(True)
        self.setMinimumWidth(440)
        self.server_url = server_url

        title = QLabel("Reset your password")
        title.setObjectName("dialogTitle")
        self.steps = QStackedWidget()

        ask = QWidget()
        self.email = QLineEdit(email)
        self.email.setPlaceholderText("you@example.com")
        ask_text = QLabel("Enter the email of your account: we send it a code to reset it.")
        ask_text.setWordWrap(True)
        ask_form = QFormLayout(ask)
        ask_form.setContentsMargins(0, 0, 0, 0)
        ask_form.addRow(ask_text)
        ask_form.addRow("&Email", self.email)
        self.steps.addWidget(ask)

        confirm = QWidget()
        self.sent = QLabel()
        self.sent.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setPlaceholderText("ABCD-EFGH-JKLM")
        self.code.setMaxLength(64)
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        confirm_form = QFormLayout(confirm)
        confirm_form.setContentsMargins(0, 0, 0, 0)
        confirm_form.addRow(self.sent)
        confirm_form.addRow("&Code", self.code)
        confirm_form.addRow("&New password", self.new_password)
        confirm_form.addRow("&Repeat it", self.again)
        self.steps.addWidget(confirm)

        self.error = error_line()
        self.progress = busy_bar()
        self.buttons, self.next_button = primary_buttons("Send code")
        self.buttons.accepted.connect(self._next)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.steps)
        layout.addWidget(self.error)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.email.setFocus()

    def _next(self) -> None:
        self.error.hide()
        if self.steps.currentIndex() == 0:
            self.set_busy(True)
            self.code_requested.emit(self.server_url, self.email.text())
            return
        if self.new_password.text() != self.again.text():
            self.show_error("The two passwords differ: type the new one twice.", "again")
            return
        self.set_busy(True)
        self.reset_submitted.emit(self.server_url, self.code.text(), self.new_password.text())

    def show_code_step(self) -> None:
        self.set_busy(False)
        self.sent.setText(
            f"If {self.email.text().strip()} has an account here, a code is on its way. "
            "It works for 30 minutes. Check the spam folder if it does not arrive."
        )
        self.steps.setCurrentIndex(1)
        self.next_button.setText("Set new password")
        self.adjustSize()  # the second step is taller
        self.code.setFocus()

    def set_busy(self, busy: bool) -> None:
        for widget in (self.email, self.code, self.new_password, self.again, self.next_button):
            widget.setEnabled(not busy)
        self.progress.setVisible(busy)

    def show_error(self, message: str, field: str | None = None) -> None:
        self.set_busy(False)
        self.error.setText(message)
        self.error.show()
        self.adjustSize()
        fields = {"email": self.email, "code": self.code, "again": self.again}
        fields.get(
            field or "", self.new_password if self.steps.currentIndex() else self.email
        ).setFocus()

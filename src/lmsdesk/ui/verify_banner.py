"""The banner shown until the account's email is confirmed: the code from the mail typed in
place, and "Send again". Until then the account learns free courses; buying waits."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton


class VerifyEmailBanner(QFrame):
    code_entered = Signal(str)
    resend_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("offlineBanner")  # the same quiet yellow: something to do, not alarm
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 6)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setPlaceholderText("Code from the email")
        self.code.setMaxLength(64)
        self.code.setFixedWidth(170)
        self.code.returnPressed.connect(self._confirm)
        self.confirm_button = QPushButton("Confirm")
        self.confirm_button.clicked.connect(self._confirm)
        self.resend_button = QPushButton("Send again")
        self.resend_button.setObjectName("linkButton")
        self.resend_button.clicked.connect(self.resend_requested)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.code)
        layout.addWidget(self.confirm_button)
        layout.addWidget(self.resend_button)
        self.hide()

    def show_for(self, email: str) -> None:
        text = f"Confirm your email: enter the code we sent to {email}. Buying needs it."
        self.text.setText(text)
        self.set_busy(False)
        self.show()

    def _confirm(self) -> None:
        if self.code.text().strip():
            self.set_busy(True)
            self.code_entered.emit(self.code.text())

    def set_busy(self, busy: bool) -> None:
        for widget in (self.code, self.confirm_button, self.resend_button):
            widget.setEnabled(not busy)

    def show_problem(self, message: str) -> None:
        self.set_busy(False)
        self.text.setText(message)
        self.code.setFocus()
        self.code.selectAll()

"""The sign-in dialog: server address, email, password. It only collects input and shows
results; the controller runs the sign-in in the background."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class SignInDialog(QDialog):
    submitted = Signal(str, str, str)  # server, email, password

    def __init__(self, parent: QWidget | None, *, server_url: str, email: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in to LMSDesk")
        self.setModal(True)
        self.setMinimumWidth(420)

        title = QLabel("Sign in")
        title.setObjectName("dialogTitle")
        hint = QLabel("Use your LMSDesk account. You stay signed in on this computer.")
        hint.setObjectName("pageSubtitle")
        hint.setWordWrap(True)

        self.server = QLineEdit(server_url)
        self.server.setPlaceholderText("http://127.0.0.1:8765")
        self.email = QLineEdit(email)
        self.email.setPlaceholderText("you@example.com")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("&Server", self.server)
        form.addRow("&Email", self.email)
        form.addRow("&Password", self.password)

        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate: sign-in has no measurable steps
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(4)
        self.progress.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = QPushButton("Sign in")
        self.sign_in_button.setObjectName("primary")
        self.sign_in_button.setDefault(True)
        self.buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

        (self.password if email else self.email if server_url else self.server).setFocus()

    def _submit(self) -> None:
        self.error.hide()
        self.set_busy(True)
        self.submitted.emit(self.server.text(), self.email.text(), self.password.text())

    def set_busy(self, busy: bool) -> None:
        for widget in (self.server, self.email, self.password, self.sign_in_button):
            widget.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.sign_in_button.setText("Signing in…" if busy else "Sign in")

    def show_error(self, message: str, field: str | None = None) -> None:
        self.set_busy(False)
        self.error.setText(message)
        self.error.show()
        target = {"server": self.server, "email": self.email, "password": self.password}.get(
            field or "", self.password
        )
        target.setFocus()
        target.selectAll()
